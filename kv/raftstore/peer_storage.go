package raftstore

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/raftstore/snap"
	"google.golang.org/protobuf/proto"
)

// Initial log position of a bootstrapped region, as in TiKV: the log starts after a
// truncated state at (initIndex, initTerm), so a peer added later, whose log is empty,
// can only catch up through a snapshot (which carries the region and its data).
const (
	initIndex = 5
	initTerm  = 5
)

// peerStorage is a region peer's raft.Storage over the engine: raft log entries, the
// RaftLocalState (hard state, last index) and the truncated state. Its raft.Storage methods
// and its mutators run on the store's raft loop only; snapshot generation runs in its own
// goroutine on a pebble snapshot and hands the result back under gen.mu.
type peerStorage struct {
	eng      *engine.Engine
	regionID uint64
	region   *metapb.Region

	raftState raftserverpb.RaftLocalState
	// trunc is the truncated state, shared with the apply worker: it moves trunc forward and
	// deletes the log entries in the same batch as the apply state, so no entry at or below
	// the truncated index ever survives on disk, and this side never reads one that is gone.
	trunc *truncation
	// logSize estimates the bytes of the entries kept after the truncated index (GC trigger).
	logSize uint64

	cache     entryCache
	snapLimit uint64
	gen       snapGen
	bg        *sync.WaitGroup // tracks generation goroutines, so Stop can wait for them
	buf       []byte          // reused marshal buffer
}

// snapGen is the asynchronous snapshot generation state.
type snapGen struct {
	mu      sync.Mutex
	running bool
	snap    *pb.Snapshot
	epoch   *metapb.RegionEpoch // of the region snap holds
	err     error
}

// loadPeerStorage reads a peer's persisted raft and apply state. A peer that was never
// bootstrapped (created to receive a snapshot) starts with an empty log at index 0.
func loadPeerStorage(eng *engine.Engine, region *metapb.Region, cacheLimit, snapLimit uint64, bg *sync.WaitGroup) (*peerStorage, error) {
	ps := &peerStorage{eng: eng, regionID: region.GetId(), region: region, snapLimit: snapLimit, bg: bg}
	ps.cache.limit = cacheLimit
	if err := getProto(eng, engine.RaftStateKey(ps.regionID), &ps.raftState); err != nil {
		return nil, err
	}
	var as raftserverpb.RaftApplyState
	if err := getProto(eng, engine.ApplyStateKey(ps.regionID), &as); err != nil {
		return nil, err
	}
	if as.TruncatedState == nil && ps.raftState.LastIndex > 0 {
		// No apply state: an empty peer awaiting its snapshot. A log position here is a
		// leftover of an earlier peer of the region on this store; term and vote stay.
		ps.raftState.LastIndex, ps.raftState.LastTerm = 0, 0
		if hs := ps.raftState.HardState; hs != nil {
			hs.Commit = 0
		}
	}
	ps.trunc = &truncation{}
	ps.trunc.set(as.GetTruncatedState().GetIndex(), as.GetTruncatedState().GetTerm())
	if ps.raftState.HardState == nil {
		ps.raftState.HardState = &pb.HardState{}
	}
	if ti := ps.trunc.index(); ps.raftState.LastIndex < ti {
		return nil, fmt.Errorf("raftstore: region %d: last index %d below truncated index %d (corrupt state)",
			ps.regionID, ps.raftState.LastIndex, ti)
	}
	return ps, nil
}

// getProto decodes the value under key into m; an absent key leaves m empty.
func getProto(eng *engine.Engine, key []byte, m proto.Message) error {
	v, err := eng.GetRaw(key)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := proto.Unmarshal(v, m); err != nil {
		return fmt.Errorf("raftstore: decode %x: %w", key, err)
	}
	return nil
}

// writeBootstrap adds the initial state of region to wb (see initIndex).
func writeBootstrap(wb *engine.WriteBatch, region *metapb.Region) error {
	id := region.GetId()
	rs := &raftserverpb.RaftLocalState{HardState: &pb.HardState{Term: initTerm, Commit: initIndex},
		LastIndex: initIndex, LastTerm: initTerm}
	as := &raftserverpb.RaftApplyState{AppliedIndex: initIndex,
		TruncatedState: &raftserverpb.RaftTruncatedState{Index: initIndex, Term: initTerm}}
	st := &raftserverpb.RegionLocalState{State: raftserverpb.PeerState_Normal, Region: region}
	for key, m := range map[string]proto.Message{
		string(engine.RaftStateKey(id)): rs, string(engine.ApplyStateKey(id)): as, string(engine.RegionStateKey(id)): st,
	} {
		v, err := proto.Marshal(m)
		if err != nil {
			return err
		}
		wb.PutRaw([]byte(key), v)
	}
	return nil
}

// InitialState implements raft.Storage.
func (ps *peerStorage) InitialState() (*pb.HardState, *pb.ConfState, error) {
	hs := ps.raftState.GetHardState()
	return &pb.HardState{Term: hs.GetTerm(), Vote: hs.GetVote(), Commit: hs.GetCommit()}, confStateOf(ps.region), nil
}

// FirstIndex implements raft.Storage.
func (ps *peerStorage) FirstIndex() (uint64, error) { return ps.trunc.index() + 1, nil }

// LastIndex implements raft.Storage.
func (ps *peerStorage) LastIndex() (uint64, error) { return ps.raftState.LastIndex, nil }

// Term implements raft.Storage.
func (ps *peerStorage) Term(i uint64) (uint64, error) {
	t := ps.trunc.load()
	switch {
	case i == t.index:
		return t.term, nil
	case i < t.index:
		return 0, raft.ErrCompacted
	case i > ps.raftState.LastIndex:
		return 0, raft.ErrUnavailable
	case i == ps.raftState.LastIndex:
		return ps.raftState.LastTerm, nil
	}
	if e := ps.cache.get(i); e != nil {
		return e.Term, nil
	}
	e, err := ps.readEntry(i)
	if err != nil {
		if t := ps.trunc.load(); i <= t.index { // compacted by the apply worker meanwhile
			return ps.Term(i)
		}
		return 0, err
	}
	return e.Term, nil
}

func (ps *peerStorage) readEntry(i uint64) (*pb.Entry, error) {
	v, err := ps.eng.GetRaw(engine.RaftLogKey(ps.regionID, i))
	if err != nil {
		return nil, fmt.Errorf("raftstore: region %d: read log entry %d: %w", ps.regionID, i, err)
	}
	e := &pb.Entry{}
	if err := proto.Unmarshal(v, e); err != nil {
		return nil, fmt.Errorf("raftstore: region %d: decode log entry %d: %w", ps.regionID, i, err)
	}
	return e, nil
}

// Entries implements raft.Storage. The returned slice is capped so a caller's append
// never writes into the cache.
func (ps *peerStorage) Entries(lo, hi, maxSize uint64) ([]*pb.Entry, error) {
	if lo <= ps.trunc.index() {
		return nil, raft.ErrCompacted
	}
	if hi > ps.raftState.LastIndex+1 {
		return nil, raft.ErrUnavailable
	}
	if lo >= hi {
		return nil, nil
	}
	if ents := ps.cache.slice(lo, hi); ents != nil {
		return limitEntries(ents, maxSize), nil
	}
	out, err := ps.readEntries(lo, hi, maxSize)
	if err != nil && lo <= ps.trunc.index() {
		return nil, raft.ErrCompacted // compacted by the apply worker while we read
	}
	return out, err
}

func (ps *peerStorage) readEntries(lo, hi, maxSize uint64) ([]*pb.Entry, error) {
	var out []*pb.Entry
	var size uint64
	diskHi := hi
	if f := ps.cache.first(); f > lo && f < hi {
		diskHi = f
	}
	start, end := engine.RaftLogRange(ps.regionID, lo, diskHi)
	it, err := ps.eng.NewIterator(start, end)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	next := lo
	for ; it.Valid(); it.Next() {
		e := &pb.Entry{}
		if err := proto.Unmarshal(it.Value(), e); err != nil {
			return nil, fmt.Errorf("raftstore: region %d: decode log entry %d: %w", ps.regionID, next, err)
		}
		if e.Index != next {
			return nil, fmt.Errorf("raftstore: region %d: log has entry %d where %d was expected", ps.regionID, e.Index, next)
		}
		size += entrySize(e)
		if len(out) > 0 && size > maxSize {
			return out, nil
		}
		out = append(out, e)
		next++
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	if next != diskHi {
		return nil, fmt.Errorf("raftstore: region %d: log entries [%d, %d) missing", ps.regionID, next, diskHi)
	}
	for i := diskHi; i < hi; i++ {
		e := ps.cache.get(i)
		size += entrySize(e)
		if size > maxSize {
			break
		}
		out = append(out, e)
	}
	return out[:len(out):len(out)], nil
}

func entrySize(e *pb.Entry) uint64 { return uint64(len(e.GetData())) + 16 }

func limitEntries(ents []*pb.Entry, maxSize uint64) []*pb.Entry {
	size := entrySize(ents[0])
	n := 1
	for ; n < len(ents); n++ {
		size += entrySize(ents[n])
		if size > maxSize {
			break
		}
	}
	return ents[:n:n]
}

// Snapshot implements raft.Storage: it returns the latest generated snapshot if it still
// covers the truncated index, and otherwise starts generating one in the background and
// returns raft.ErrSnapshotTemporarilyUnavailable (the leader retries).
func (ps *peerStorage) Snapshot() (*pb.Snapshot, error) {
	ps.gen.mu.Lock()
	defer ps.gen.mu.Unlock()
	// A snapshot built before a membership change or split would be refused by (or
	// mislead) its receiver: it must describe the region as it is now.
	if s := ps.gen.snap; s != nil && s.GetMetadata().GetIndex() >= ps.trunc.index() &&
		proto.Equal(ps.gen.epoch, ps.region.GetRegionEpoch()) {
		return s, nil
	}
	if !ps.gen.running {
		ps.gen.running = true
		ps.bg.Add(1)
		go ps.generate()
	}
	return nil, raft.ErrSnapshotTemporarilyUnavailable
}

// generate builds a snapshot of the applied state from one pebble snapshot, so the data,
// the applied index and the region always agree.
func (ps *peerStorage) generate() {
	defer ps.bg.Done()
	s, epoch, err := buildSnapshot(ps.eng, ps.regionID, ps.snapLimit)
	ps.gen.mu.Lock()
	defer ps.gen.mu.Unlock()
	ps.gen.running = false
	if err != nil {
		ps.gen.err = err
		return
	}
	ps.gen.snap, ps.gen.epoch, ps.gen.err = s, epoch, nil
}

func buildSnapshot(eng *engine.Engine, regionID, limit uint64) (*pb.Snapshot, *metapb.RegionEpoch, error) {
	es := eng.Snapshot()
	defer es.Close()
	var as raftserverpb.RaftApplyState
	var st raftserverpb.RegionLocalState
	for key, m := range map[string]proto.Message{
		string(engine.ApplyStateKey(regionID)): &as, string(engine.RegionStateKey(regionID)): &st,
	} {
		v, err := es.GetRaw([]byte(key))
		if err != nil {
			return nil, nil, fmt.Errorf("raftstore: snapshot of region %d: read %x: %w", regionID, key, err)
		}
		if err := proto.Unmarshal(v, m); err != nil {
			return nil, nil, fmt.Errorf("raftstore: snapshot of region %d: decode %x: %w", regionID, key, err)
		}
	}
	idx := as.GetAppliedIndex()
	term := as.GetTruncatedState().GetTerm()
	if idx != as.GetTruncatedState().GetIndex() {
		v, err := es.GetRaw(engine.RaftLogKey(regionID, idx))
		if err != nil {
			return nil, nil, fmt.Errorf("raftstore: snapshot of region %d: term of applied index %d: %w", regionID, idx, err)
		}
		e := &pb.Entry{}
		if err := proto.Unmarshal(v, e); err != nil {
			return nil, nil, err
		}
		term = e.Term
	}
	data, err := snap.Build(es, &st, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("raftstore: snapshot of region %d: %w", regionID, err)
	}
	return &pb.Snapshot{Data: data, Metadata: &pb.SnapshotMetadata{
		Index: idx, Term: term, ConfState: confStateOf(st.GetRegion()),
	}}, st.GetRegion().GetRegionEpoch(), nil
}

// append adds entries to wb, deleting any conflicting tail beyond them.
func (ps *peerStorage) append(wb *engine.WriteBatch, ents []*pb.Entry) error {
	if len(ents) == 0 {
		return nil
	}
	for _, e := range ents {
		var err error
		ps.buf, err = proto.MarshalOptions{}.MarshalAppend(ps.buf[:0], e)
		if err != nil {
			return err
		}
		wb.PutRaw(engine.RaftLogKey(ps.regionID, e.Index), ps.buf)
		ps.logSize += entrySize(e)
	}
	last := ents[len(ents)-1]
	if last.Index < ps.raftState.LastIndex {
		lo, hi := engine.RaftLogRange(ps.regionID, last.Index+1, ps.raftState.LastIndex+1)
		wb.DeleteRange(lo, hi)
	}
	ps.raftState.LastIndex, ps.raftState.LastTerm = last.Index, last.Term
	ps.cache.append(ents)
	return nil
}

// setHardState records hs (persisted by putRaftState).
func (ps *peerStorage) setHardState(hs *pb.HardState) {
	ps.raftState.HardState = &pb.HardState{Term: hs.GetTerm(), Vote: hs.GetVote(), Commit: hs.GetCommit()}
}

func (ps *peerStorage) putRaftState(wb *engine.WriteBatch) error {
	v, err := proto.Marshal(&ps.raftState)
	if err != nil {
		return err
	}
	wb.PutRaw(engine.RaftStateKey(ps.regionID), v)
	return nil
}

// installSnapshot adds to wb everything that replaces this peer's state with s: the whole
// old log goes, the region's data is replaced, and the apply, region and raft state move
// to the snapshot. It returns the new region.
func (ps *peerStorage) installSnapshot(wb *engine.WriteBatch, s *pb.Snapshot, payload *snap.Snapshot) error {
	md := s.GetMetadata()
	lo, hi := engine.RaftLogRange(ps.regionID, 0, math.MaxUint64)
	wb.DeleteRange(lo, hi)
	if initialized(ps.region) {
		// The old range may be wider (this peer missed a split): what lies outside the
		// new range belongs to a region whose own peer here gets it by snapshot.
		for _, cf := range engine.CFs {
			dlo, dhi := engine.DataRange(cf, ps.region.GetStartKey(), ps.region.GetEndKey())
			wb.DeleteRange(dlo, dhi)
		}
	}
	if err := payload.Install(wb); err != nil {
		return err
	}
	as := &raftserverpb.RaftApplyState{AppliedIndex: md.GetIndex(),
		TruncatedState: &raftserverpb.RaftTruncatedState{Index: md.GetIndex(), Term: md.GetTerm()}}
	st := &raftserverpb.RegionLocalState{State: raftserverpb.PeerState_Normal, Region: payload.State.GetRegion()}
	for key, m := range map[string]proto.Message{
		string(engine.ApplyStateKey(ps.regionID)): as, string(engine.RegionStateKey(ps.regionID)): st,
	} {
		v, err := proto.Marshal(m)
		if err != nil {
			return err
		}
		wb.PutRaw([]byte(key), v)
	}
	ps.region = payload.State.GetRegion()
	ps.trunc.set(md.GetIndex(), md.GetTerm())
	ps.raftState.LastIndex, ps.raftState.LastTerm = md.GetIndex(), md.GetTerm()
	ps.logSize = 0
	ps.cache.clear()
	return nil
}

// onCompacted follows a CompactLog the apply worker applied (it already moved the
// truncated state and deleted the entries): trim the cache and the size estimate.
func (ps *peerStorage) onCompacted(oldIndex uint64) {
	index := ps.trunc.index()
	if index <= oldIndex {
		return
	}
	if kept := ps.raftState.LastIndex - oldIndex; kept > 0 {
		left := ps.raftState.LastIndex - min(index, ps.raftState.LastIndex)
		ps.logSize = ps.logSize * left / kept
	}
	ps.cache.compactTo(index)
}

// truncation is a peer's truncated state, read by the raft loop and moved by the apply
// worker (CompactLog) or the raft loop (snapshot install).
type truncation struct{ p atomic.Pointer[truncState] }

type truncState struct{ index, term uint64 }

func (t *truncation) load() truncState { return *t.p.Load() }
func (t *truncation) index() uint64    { return t.p.Load().index }
func (t *truncation) set(index, term uint64) {
	t.p.Store(&truncState{index: index, term: term})
}

// compactLog adds to wb the deletion of a region's log entries up to index.
func compactLog(wb *engine.WriteBatch, regionID, index uint64) {
	lo, hi := engine.RaftLogRange(regionID, 0, index+1)
	wb.DeleteRange(lo, hi)
}

// entryCache keeps the newest contiguous entries of a peer's log in memory.
type entryCache struct {
	ents  []*pb.Entry
	size  uint64
	limit uint64
}

func (c *entryCache) first() uint64 {
	if len(c.ents) == 0 {
		return math.MaxUint64
	}
	return c.ents[0].Index
}

func (c *entryCache) get(i uint64) *pb.Entry {
	if len(c.ents) == 0 || i < c.ents[0].Index || i-c.ents[0].Index >= uint64(len(c.ents)) {
		return nil
	}
	return c.ents[i-c.ents[0].Index]
}

// slice returns [lo, hi) when the cache holds all of it, else nil.
func (c *entryCache) slice(lo, hi uint64) []*pb.Entry {
	if len(c.ents) == 0 || lo < c.ents[0].Index || hi-c.ents[0].Index > uint64(len(c.ents)) {
		return nil
	}
	f := c.ents[0].Index
	return c.ents[lo-f : hi-f : hi-f]
}

func (c *entryCache) append(ents []*pb.Entry) {
	if len(c.ents) > 0 {
		f := c.ents[0].Index
		switch first := ents[0].Index; {
		case first <= f:
			c.clear()
		case first <= f+uint64(len(c.ents)):
			for _, e := range c.ents[first-f:] {
				c.size -= entrySize(e)
			}
			clear(c.ents[first-f:])
			c.ents = c.ents[:first-f]
		default:
			c.clear()
		}
	}
	for _, e := range ents {
		c.size += entrySize(e)
	}
	c.ents = append(c.ents, ents...)
	for c.size > c.limit && len(c.ents) > 1 {
		c.size -= entrySize(c.ents[0])
		c.ents[0] = nil
		c.ents = c.ents[1:]
	}
}

func (c *entryCache) compactTo(index uint64) {
	for len(c.ents) > 0 && c.ents[0].Index <= index {
		c.size -= entrySize(c.ents[0])
		c.ents[0] = nil
		c.ents = c.ents[1:]
	}
}

func (c *entryCache) clear() {
	c.ents, c.size = nil, 0
}
