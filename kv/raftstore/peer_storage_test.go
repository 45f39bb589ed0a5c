package raftstore

import (
	"errors"
	"sync"
	"testing"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func newTestPeerStorage(t *testing.T, cacheLimit uint64) (*engine.Engine, *peerStorage, func() *peerStorage) {
	t.Helper()
	eng, err := engine.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	region := &metapb.Region{Id: 1, Peers: []*metapb.Peer{{Id: 1, StoreId: 1}, {Id: 2, StoreId: 2}}}
	wb := eng.NewBatch()
	if err := writeBootstrap(wb, region); err != nil {
		t.Fatal(err)
	}
	if err := eng.Write(wb, true); err != nil {
		t.Fatal(err)
	}
	var bg sync.WaitGroup
	t.Cleanup(bg.Wait)
	load := func() *peerStorage {
		ps, err := loadPeerStorage(eng, region, cacheLimit, 0, &bg)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	return eng, load(), load
}

func ents(lo, hi, term uint64) []*pb.Entry {
	var out []*pb.Entry
	for i := lo; i < hi; i++ {
		out = append(out, &pb.Entry{Index: i, Term: term, Data: []byte{byte(i)}})
	}
	return out
}

// persist appends es (and hs) the way the raft loop does, in one batch.
func persist(t *testing.T, eng *engine.Engine, ps *peerStorage, es []*pb.Entry, hs *pb.HardState) {
	t.Helper()
	wb := eng.NewBatch()
	if err := ps.append(wb, es); err != nil {
		t.Fatal(err)
	}
	if hs != nil {
		ps.setHardState(hs)
	}
	if err := ps.putRaftState(wb); err != nil {
		t.Fatal(err)
	}
	if err := eng.Write(wb, true); err != nil {
		t.Fatal(err)
	}
}

func TestPeerStorageBootstrapState(t *testing.T) {
	_, ps, _ := newTestPeerStorage(t, 1<<20)
	hs, cs, err := ps.InitialState()
	if err != nil || hs.GetTerm() != initTerm || hs.GetCommit() != initIndex || len(cs.GetVoters()) != 2 {
		t.Fatalf("InitialState = %v, %v, %v", hs, cs, err)
	}
	first, _ := ps.FirstIndex()
	last, _ := ps.LastIndex()
	if first != initIndex+1 || last != initIndex {
		t.Fatalf("first, last = %d, %d; want %d, %d (empty log after the initial truncated state)", first, last, initIndex+1, initIndex)
	}
	if term, err := ps.Term(initIndex); err != nil || term != initTerm {
		t.Fatalf("Term(init) = %d, %v", term, err)
	}
}

func TestPeerStorageBelowFirstIndexIsCompacted(t *testing.T) {
	for _, cache := range []uint64{1 << 20, 1} { // from the cache, and from disk
		eng, ps, _ := newTestPeerStorage(t, cache)
		persist(t, eng, ps, ents(6, 16, 6), nil)
		// What the apply worker does for CompactLog{10, 6}, then what the raft loop does.
		wb := eng.NewBatch()
		ps.trunc.set(10, 6)
		compactLog(wb, 1, 10)
		if err := eng.Write(wb, true); err != nil {
			t.Fatal(err)
		}
		ps.onCompacted(initIndex)
		if _, err := ps.Term(9); !errors.Is(err, raft.ErrCompacted) {
			t.Fatalf("Term(9) err = %v, want ErrCompacted", err)
		}
		if term, err := ps.Term(10); err != nil || term != 6 {
			t.Fatalf("Term(10) = %d, %v; want the truncated term 6", term, err)
		}
		if _, err := ps.Entries(10, 12, 1<<20); !errors.Is(err, raft.ErrCompacted) {
			t.Fatalf("Entries(10, 12) err = %v, want ErrCompacted", err)
		}
		if _, err := ps.Entries(11, 17, 1<<20); !errors.Is(err, raft.ErrUnavailable) {
			t.Fatalf("Entries past the last index: err = %v, want ErrUnavailable", err)
		}
		got, err := ps.Entries(11, 16, 1<<20)
		if err != nil || len(got) != 5 || got[0].Index != 11 || got[4].Index != 15 {
			t.Fatalf("Entries(11, 16) = %v, %v", got, err)
		}
		if got, err := ps.Entries(11, 16, 0); err != nil || len(got) != 1 {
			t.Fatalf("Entries with maxSize 0 = %d entries, %v; want exactly one", len(got), err)
		}
		// The compacted entries are gone from disk too.
		lo, hi := engine.RaftLogRange(1, 0, 11)
		it, err := eng.NewIterator(lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		if it.Valid() {
			t.Fatalf("log entry %x survived compaction", it.Key())
		}
		it.Close()
	}
}

func TestPeerStorageConflictingAppendCutsTail(t *testing.T) {
	eng, ps, reload := newTestPeerStorage(t, 1<<20)
	persist(t, eng, ps, ents(6, 16, 6), &pb.HardState{Term: 6, Commit: 7})
	persist(t, eng, ps, ents(10, 12, 7), &pb.HardState{Term: 7, Vote: 2, Commit: 9})
	for _, p := range []*peerStorage{ps, reload()} {
		if last, _ := p.LastIndex(); last != 11 {
			t.Fatalf("LastIndex = %d, want 11 (the conflicting tail 12..15 cut)", last)
		}
		if term, err := p.Term(10); err != nil || term != 7 {
			t.Fatalf("Term(10) = %d, %v; want 7", term, err)
		}
		if term, err := p.Term(9); err != nil || term != 6 {
			t.Fatalf("Term(9) = %d, %v; want 6", term, err)
		}
		got, err := p.Entries(6, 12, 1<<20)
		if err != nil || len(got) != 6 || got[5].Term != 7 {
			t.Fatalf("Entries(6, 12) = %v, %v", got, err)
		}
	}
	if _, err := eng.GetRaw(engine.RaftLogKey(1, 12)); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("entry 12 still on disk: %v", err)
	}
	// Restart reloads hard state and the log bounds.
	p := reload()
	hs, _, _ := p.InitialState()
	if hs.GetTerm() != 7 || hs.GetVote() != 2 || hs.GetCommit() != 9 {
		t.Fatalf("reloaded hard state = %v", hs)
	}
	if first, _ := p.FirstIndex(); first != initIndex+1 {
		t.Fatalf("reloaded first index = %d", first)
	}
}

func TestEntryCacheStaysContiguousAndBounded(t *testing.T) {
	c := entryCache{limit: 5 * 17}
	c.append(ents(1, 4, 1))
	c.append(ents(4, 10, 1))
	if c.first() != 5 || c.get(9) == nil || c.get(4) != nil {
		t.Fatalf("cache after eviction holds [%d, ...]; want [5, 9]", c.first())
	}
	c.append(ents(7, 8, 2)) // conflict: 8 and 9 go
	if c.get(8) != nil || c.get(7).Term != 2 || c.slice(5, 8) == nil || c.slice(5, 9) != nil {
		t.Fatal("conflicting append did not cut the cache's tail")
	}
	c.compactTo(6)
	if c.first() != 7 {
		t.Fatalf("first after compactTo(6) = %d", c.first())
	}
	c.append(ents(20, 21, 3)) // a gap empties the cache
	if c.first() != 20 {
		t.Fatalf("first after a gap = %d", c.first())
	}
}
