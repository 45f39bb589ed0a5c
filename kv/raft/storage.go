package raft

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// Storage errors.
var (
	// ErrCompacted means the requested index is at or below the snapshot.
	ErrCompacted = errors.New("raft: requested index is unavailable due to compaction")
	// ErrSnapOutOfDate means a snapshot older than the current one was offered.
	ErrSnapOutOfDate = errors.New("raft: requested index is older than the existing snapshot")
	// ErrUnavailable means the requested index is beyond the last entry.
	ErrUnavailable = errors.New("raft: requested entry at index is unavailable")
	// ErrSnapshotTemporarilyUnavailable means a snapshot is being built;
	// the leader retries later.
	ErrSnapshotTemporarilyUnavailable = errors.New("raft: snapshot is temporarily unavailable")
)

// Storage is the stable part of the log as the application persisted it.
// Methods other than the documented errors must not fail; if they do, the
// node panics, since it can no longer uphold Raft's guarantees.
type Storage interface {
	// InitialState returns the persisted HardState and the membership.
	InitialState() (*pb.HardState, *pb.ConfState, error)
	// Entries returns entries in [lo, hi), at most maxSize bytes but at
	// least one entry if any is in range.
	Entries(lo, hi, maxSize uint64) ([]*pb.Entry, error)
	// Term returns the term of entry i, which must be in
	// [FirstIndex()-1, LastIndex()].
	Term(i uint64) (uint64, error)
	// LastIndex returns the index of the last entry.
	LastIndex() (uint64, error)
	// FirstIndex returns the index of the first entry still available
	// (entries before it are in the snapshot).
	FirstIndex() (uint64, error)
	// Snapshot returns the most recent snapshot.
	Snapshot() (*pb.Snapshot, error)
}

// MemoryStorage is a Storage kept in memory, safe for concurrent use.
// ents[0] is a dummy entry holding the snapshot's index and term.
type MemoryStorage struct {
	mu        sync.Mutex
	hardState hardState
	snapshot  *pb.Snapshot
	ents      []*pb.Entry
}

// NewMemoryStorage returns an empty storage, as for a node that will join
// an existing cluster. Passing peers bootstraps a new cluster instead: the
// log starts with a snapshot at index 1, term 1 whose membership is peers,
// so a node added later, whose log is empty, always receives a snapshot
// (and with it the membership) before any entry.
func NewMemoryStorage(peers ...uint64) *MemoryStorage {
	ms := &MemoryStorage{
		snapshot: &pb.Snapshot{Metadata: &pb.SnapshotMetadata{ConfState: &pb.ConfState{}}},
		ents:     []*pb.Entry{{}},
	}
	if len(peers) > 0 {
		ms.hardState = hardState{term: 1, commit: 1}
		ms.snapshot.Metadata = &pb.SnapshotMetadata{Index: 1, Term: 1,
			ConfState: &pb.ConfState{Voters: append([]uint64(nil), peers...)}}
		ms.ents[0] = &pb.Entry{Index: 1, Term: 1}
	}
	return ms
}

// InitialState implements Storage.
func (ms *MemoryStorage) InitialState() (*pb.HardState, *pb.ConfState, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.hardState.proto(), cloneConfState(ms.snapshot.GetMetadata().GetConfState()), nil
}

// SetHardState records the node's HardState.
func (ms *MemoryStorage) SetHardState(st *pb.HardState) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.hardState = hardState{term: st.GetTerm(), vote: st.GetVote(), commit: st.GetCommit()}
	return nil
}

// Entries implements Storage.
func (ms *MemoryStorage) Entries(lo, hi, maxSize uint64) ([]*pb.Entry, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	offset := ms.ents[0].Index
	if lo <= offset {
		return nil, ErrCompacted
	}
	if hi > ms.lastIndex()+1 {
		return nil, ErrUnavailable
	}
	if lo >= hi {
		return nil, nil
	}
	ents := ms.ents[lo-offset : hi-offset : hi-offset]
	return limitSize(ents, maxSize), nil
}

// Term implements Storage.
func (ms *MemoryStorage) Term(i uint64) (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	offset := ms.ents[0].Index
	if i < offset {
		return 0, ErrCompacted
	}
	if i-offset >= uint64(len(ms.ents)) {
		return 0, ErrUnavailable
	}
	return ms.ents[i-offset].Term, nil
}

// LastIndex implements Storage.
func (ms *MemoryStorage) LastIndex() (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.lastIndex(), nil
}

func (ms *MemoryStorage) lastIndex() uint64 {
	return ms.ents[0].Index + uint64(len(ms.ents)) - 1
}

// FirstIndex implements Storage.
func (ms *MemoryStorage) FirstIndex() (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.ents[0].Index + 1, nil
}

// Snapshot implements Storage.
func (ms *MemoryStorage) Snapshot() (*pb.Snapshot, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.snapshot, nil
}

// ApplySnapshot replaces the storage's contents with snap (a follower
// installing what the leader sent). Older snapshots are refused.
func (ms *MemoryStorage) ApplySnapshot(snap *pb.Snapshot) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	md := snap.GetMetadata()
	if md.GetIndex() <= ms.snapshot.GetMetadata().GetIndex() {
		return ErrSnapOutOfDate
	}
	ms.snapshot = snap
	ms.ents = []*pb.Entry{{Term: md.GetTerm(), Index: md.GetIndex()}}
	return nil
}

// CreateSnapshot records a snapshot of application state data at index i
// with membership cs (nil keeps the current one), so the log can be
// compacted up to i. i must not exceed the last index.
func (ms *MemoryStorage) CreateSnapshot(i uint64, cs *pb.ConfState, data []byte) (*pb.Snapshot, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if i <= ms.snapshot.GetMetadata().GetIndex() {
		return nil, ErrSnapOutOfDate
	}
	offset := ms.ents[0].Index
	if i > ms.lastIndex() {
		return nil, ErrUnavailable
	}
	if cs == nil {
		cs = ms.snapshot.GetMetadata().GetConfState()
	}
	ms.snapshot = &pb.Snapshot{Data: data, Metadata: &pb.SnapshotMetadata{
		Index: i, Term: ms.ents[i-offset].Term, ConfState: cloneConfState(cs),
	}}
	return ms.snapshot, nil
}

// Compact discards entries before compactIndex; compactIndex must not
// exceed the last index, and the application must have snapshotted it.
func (ms *MemoryStorage) Compact(compactIndex uint64) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	offset := ms.ents[0].Index
	if compactIndex <= offset {
		return ErrCompacted
	}
	if compactIndex > ms.lastIndex() {
		return ErrUnavailable
	}
	i := compactIndex - offset
	ents := make([]*pb.Entry, 1, uint64(len(ms.ents))-i)
	ents[0] = &pb.Entry{Index: ms.ents[i].Index, Term: ms.ents[i].Term}
	ms.ents = append(ents, ms.ents[i+1:]...)
	return nil
}

// Append adds entries to the storage, replacing any conflicting suffix.
// Entries before the first index are ignored; a gap is an error.
func (ms *MemoryStorage) Append(entries []*pb.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	first := ms.ents[0].Index + 1
	last := entries[0].Index + uint64(len(entries)) - 1
	if last < first {
		return nil
	}
	if first > entries[0].Index {
		entries = entries[first-entries[0].Index:]
	}
	offset := entries[0].Index - ms.ents[0].Index
	switch {
	case uint64(len(ms.ents)) > offset:
		ms.ents = append(ms.ents[:offset:offset], entries...)
	case uint64(len(ms.ents)) == offset:
		ms.ents = append(ms.ents, entries...)
	default:
		return fmt.Errorf("raft: MemoryStorage.Append: missing log entries before index %d (last is %d)",
			entries[0].Index, ms.lastIndex())
	}
	return nil
}

func cloneConfState(cs *pb.ConfState) *pb.ConfState {
	return &pb.ConfState{Voters: slices.Clone(cs.GetVoters()), Learners: slices.Clone(cs.GetLearners()),
		VotersOutgoing: slices.Clone(cs.GetVotersOutgoing()), AutoLeave: cs.GetAutoLeave()}
}
