package raft

import (
	"errors"
	"fmt"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// raftLog is the node's view of the log: the caller's stable Storage plus
// the unstable tail, and the committed, handed-out and applied positions
// (applied <= applying <= committed).
type raftLog struct {
	storage   Storage
	unstable  unstable
	committed uint64
	// applying is the last committed index handed to the caller in an
	// Advanced Ready; entries up to it are never handed out again.
	applying uint64
	// applied is the last index the caller reports applied.
	applied uint64
	logger  Logger
	// maxNextEntsSize bounds the bytes nextEnts returns.
	maxNextEntsSize uint64
}

func newLog(storage Storage, logger Logger) (*raftLog, error) {
	first, err := storage.FirstIndex()
	if err != nil {
		return nil, fmt.Errorf("raft: storage FirstIndex: %w", err)
	}
	last, err := storage.LastIndex()
	if err != nil {
		return nil, fmt.Errorf("raft: storage LastIndex: %w", err)
	}
	l := &raftLog{storage: storage, logger: logger, maxNextEntsSize: noLimit}
	l.unstable.offset = last + 1
	l.committed = first - 1
	l.applied = first - 1
	l.applying = first - 1
	return l, nil
}

func (l *raftLog) firstIndex() uint64 {
	if i, ok := l.unstable.maybeFirstIndex(); ok {
		return i
	}
	i, err := l.storage.FirstIndex()
	if err != nil {
		panic(fmt.Sprintf("raft: storage FirstIndex failed: %v", err))
	}
	return i
}

func (l *raftLog) lastIndex() uint64 {
	if i, ok := l.unstable.maybeLastIndex(); ok {
		return i
	}
	i, err := l.storage.LastIndex()
	if err != nil {
		panic(fmt.Sprintf("raft: storage LastIndex failed: %v", err))
	}
	return i
}

func (l *raftLog) lastTerm() uint64 {
	t, err := l.term(l.lastIndex())
	if err != nil {
		panic(fmt.Sprintf("raft: term of last index: %v", err))
	}
	return t
}

// term returns the term of entry i; ErrCompacted/ErrUnavailable when i is
// outside [firstIndex-1, lastIndex].
func (l *raftLog) term(i uint64) (uint64, error) {
	if i+1 < l.firstIndex() {
		return 0, ErrCompacted
	}
	if i > l.lastIndex() {
		return 0, ErrUnavailable
	}
	if t, ok := l.unstable.maybeTerm(i); ok {
		return t, nil
	}
	t, err := l.storage.Term(i)
	if err == nil || errors.Is(err, ErrCompacted) || errors.Is(err, ErrUnavailable) {
		return t, err
	}
	panic(fmt.Sprintf("raft: storage Term(%d) failed: %v", i, err))
}

func (l *raftLog) matchTerm(i, t uint64) bool {
	got, err := l.term(i)
	return err == nil && got == t
}

// isUpToDate is the §5.4.1 election restriction: a candidate's log is at
// least as up to date as ours.
func (l *raftLog) isUpToDate(lasti, term uint64) bool {
	lt := l.lastTerm()
	return term > lt || (term == lt && lasti >= l.lastIndex())
}

// maybeAppend applies an append from the leader whose previous entry is
// (index, logTerm). It returns the index of the last new entry and false
// when the previous entry does not match (§5.3 consistency check).
func (l *raftLog) maybeAppend(index, logTerm, committed uint64, ents []*pb.Entry) (uint64, bool) {
	if !l.matchTerm(index, logTerm) {
		return 0, false
	}
	lastnewi := index + uint64(len(ents))
	ci := l.findConflict(ents)
	switch {
	case ci == 0:
	case ci <= l.committed:
		l.logger.Errorf("raft: entry %d conflicts with committed entry (committed %d); ignoring append",
			ci, l.committed)
		return 0, false
	default:
		l.append(ents[ci-(index+1):]...)
	}
	l.commitTo(min(committed, lastnewi))
	return lastnewi, true
}

// findConflict returns the first index of ents whose term differs from
// ours (or that we lack), or 0 if all match.
func (l *raftLog) findConflict(ents []*pb.Entry) uint64 {
	for _, e := range ents {
		if !l.matchTerm(e.Index, e.Term) {
			return e.Index
		}
	}
	return 0
}

// findConflictByTerm returns the largest index <= index whose term is <=
// term, with that term: the fast-backtracking probe point.
func (l *raftLog) findConflictByTerm(index, term uint64) (uint64, uint64) {
	for ; index > 0; index-- {
		t, err := l.term(index)
		if err != nil {
			return index, 0
		}
		if t <= term {
			return index, t
		}
	}
	return 0, 0
}

// append adds ents to the unstable tail; they must not rewrite committed entries.
func (l *raftLog) append(ents ...*pb.Entry) uint64 {
	if len(ents) == 0 {
		return l.lastIndex()
	}
	if after := ents[0].Index - 1; after < l.committed {
		panic(fmt.Sprintf("raft: append after %d is below committed %d", after, l.committed))
	}
	l.unstable.truncateAndAppend(ents)
	return l.lastIndex()
}

// nextEnts returns committed entries not yet handed out.
func (l *raftLog) nextEnts() []*pb.Entry {
	off := max(l.applying+1, l.firstIndex())
	if l.committed+1 <= off {
		return nil
	}
	ents, err := l.slice(off, l.committed+1, l.maxNextEntsSize)
	if err != nil {
		panic(fmt.Sprintf("raft: unexpected error reading unapplied entries: %v", err))
	}
	return ents
}

func (l *raftLog) hasNextEnts() bool {
	return l.committed+1 > max(l.applying+1, l.firstIndex())
}

func (l *raftLog) snapshot() (*pb.Snapshot, error) {
	if l.unstable.snapshot != nil {
		return l.unstable.snapshot, nil
	}
	return l.storage.Snapshot()
}

// commitTo advances the commit index; a value beyond our log is ignored.
func (l *raftLog) commitTo(tocommit uint64) {
	if l.committed >= tocommit {
		return
	}
	if last := l.lastIndex(); tocommit > last {
		l.logger.Errorf("raft: commit %d is out of range [last index %d]; ignored", tocommit, last)
		tocommit = l.committed
	}
	l.committed = tocommit
}

// applyingTo records that committed entries up to i were handed out;
// false (and logged) if i is not in [applying, committed].
func (l *raftLog) applyingTo(i uint64) bool {
	if l.committed < i || i < l.applying {
		// Advance was given a Ready this node did not produce.
		l.logger.Errorf("raft: handed out(%d) is out of range [prevHandedOut(%d), committed(%d)]; ignored",
			i, l.applying, l.committed)
		return false
	}
	l.applying = i
	return true
}

// appliedTo records the caller's applied index; it must not pass what
// was handed out. A report at or below applied is stale and ignored.
func (l *raftLog) appliedTo(i uint64) error {
	if i <= l.applied {
		return nil
	}
	if i > l.applying {
		return fmt.Errorf("raft: applied index %d is beyond the last index handed out in a Ready (%d)",
			i, l.applying)
	}
	l.applied = i
	return nil
}

// maybeCommit commits maxIndex only if it is of term (§5.4.2).
func (l *raftLog) maybeCommit(maxIndex, term uint64) bool {
	if maxIndex <= l.committed {
		return false
	}
	t, err := l.term(maxIndex)
	if err != nil || t != term {
		return false
	}
	l.commitTo(maxIndex)
	return true
}

func (l *raftLog) restore(s *pb.Snapshot) {
	l.committed = s.Metadata.Index
	l.unstable.restore(s)
}

// entries returns entries from i to the end, at most maxSize bytes.
func (l *raftLog) entries(i, maxSize uint64) ([]*pb.Entry, error) {
	if i > l.lastIndex() {
		return nil, nil
	}
	return l.slice(i, l.lastIndex()+1, maxSize)
}

// slice returns entries [lo, hi) within maxSize, reading storage then the
// unstable tail. ErrCompacted if lo was compacted away.
func (l *raftLog) slice(lo, hi, maxSize uint64) ([]*pb.Entry, error) {
	if lo < l.firstIndex() {
		return nil, ErrCompacted
	}
	if hi > l.lastIndex()+1 || lo > hi {
		panic(fmt.Sprintf("raft: slice[%d,%d) out of bound [%d,%d]", lo, hi, l.firstIndex(), l.lastIndex()))
	}
	if lo == hi {
		return nil, nil
	}
	var ents []*pb.Entry
	if lo < l.unstable.offset {
		stableHi := min(hi, l.unstable.offset)
		stored, err := l.storage.Entries(lo, stableHi, maxSize)
		switch {
		case errors.Is(err, ErrCompacted):
			return nil, err
		case err != nil:
			panic(fmt.Sprintf("raft: storage Entries[%d,%d) failed: %v", lo, stableHi, err))
		}
		if uint64(len(stored)) < stableHi-lo {
			return stored, nil
		}
		ents = stored
	}
	if hi > l.unstable.offset {
		tail := l.unstable.slice(max(lo, l.unstable.offset), hi)
		if len(ents) > 0 {
			combined := make([]*pb.Entry, 0, len(ents)+len(tail))
			ents = append(append(combined, ents...), tail...)
		} else {
			ents = tail
		}
	}
	return limitSize(ents, maxSize), nil
}
