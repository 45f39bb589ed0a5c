package raftstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/storage"
)

func ctx5(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// leaderOf waits for a live, connected store leading regionID.
func (c *testCluster) leaderOf(regionID uint64) uint64 {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for id, s := range c.stores {
			if st, ok := s.RegionStatus(regionID); ok && st.IsLeader && !c.net.isolated[id] {
				return id
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.t.Fatalf("no leader of region %d within 10s", regionID)
	return 0
}

// admin retries f on the current leader of regionID while the answer is NotLeader or a
// refused conf change (one still applying).
func (c *testCluster) admin(regionID uint64, f func(s *Store) error) error {
	c.t.Helper()
	var err error
	for try := 0; try < 100; try++ {
		err = f(c.stores[c.leaderOf(regionID)])
		if err == nil || !(isRetryable(err) || errors.Is(err, errConfRefused)) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

func (c *testCluster) changePeer(t *testing.T, change pb.ConfChangeType, peer *metapb.Peer) *metapb.Region {
	t.Helper()
	var region *metapb.Region
	err := c.admin(1, func(s *Store) error {
		var err error
		region, err = s.ChangePeer(ctx5(t), 1, nil, change, peer)
		return err
	})
	if err != nil {
		t.Fatalf("%v %v: %v", change, peer, err)
	}
	return region
}

func regionState(t *testing.T, eng *engine.Engine, id uint64) *raftserverpb.RegionLocalState {
	t.Helper()
	st := &raftserverpb.RegionLocalState{}
	if err := getProto(eng, engine.RegionStateKey(id), st); err != nil {
		t.Fatal(err)
	}
	return st
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRemoveAndReAddPeer(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	for i := 0; i < 10; i++ {
		if err := c.put(fmt.Sprintf("k%d", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	c.waitValue(3, "k9", "v")
	victim := uint64(3)
	if c.leaderOf(1) == victim {
		victim = 2
	}
	r := c.changePeer(t, pb.ConfChangeType_ConfChangeRemoveNode, &metapb.Peer{Id: victim, StoreId: victim})
	if r.GetRegionEpoch().GetConfVer() != 2 || len(r.GetPeers()) != 2 {
		t.Fatalf("after remove: %v", r)
	}
	waitFor(t, "the removed peer to be destroyed", func() bool { _, ok := c.stores[victim].RegionStatus(1); return !ok })
	if st := regionState(t, c.engs[victim], 1); st.GetState() != raftserverpb.PeerState_Tombstone {
		t.Fatalf("removed store's region state = %v, want a tombstone", st)
	}
	if v, err := c.engs[victim].Get(engine.CFDefault, []byte("k1")); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("removed store still holds k1 = %q (%v)", v, err)
	}
	// The log is gone; only term and vote stay (a peer must never vote twice in a term).
	var rs raftserverpb.RaftLocalState
	if err := getProto(c.engs[victim], engine.RaftStateKey(1), &rs); err != nil || rs.GetLastIndex() != 0 ||
		rs.GetHardState().GetCommit() != 0 || rs.GetHardState().GetTerm() == 0 {
		t.Fatalf("removed store's raft state %v (%v): want only term and vote", &rs, err)
	}
	lo, hi := engine.RaftLogRange(1, 0, ^uint64(0))
	it, err := c.engs[victim].NewIterator(lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	if it.Valid() {
		t.Fatal("removed store still holds raft log entries")
	}
	_ = it.Close()
	// Writes go on with two peers.
	if err := c.put("after", "remove"); err != nil {
		t.Fatal(err)
	}
	// A stale message from the old configuration does not bring the peer back.
	stale := &raftserverpb.RaftMessage{RegionId: 1, FromPeer: &metapb.Peer{Id: 1, StoreId: 1},
		ToPeer: &metapb.Peer{Id: victim, StoreId: victim}, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1},
		Message: &pb.Message{Type: pb.MessageType_MsgHeartbeat, From: 1, To: victim, Term: 100}}
	if err := c.stores[victim].OnRaftMessage(stale); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, ok := c.stores[victim].RegionStatus(1); ok {
		t.Fatal("a stale message resurrected a tombstoned peer")
	}
	// Re-added with a new peer id, the store gets every key by snapshot.
	r = c.changePeer(t, pb.ConfChangeType_ConfChangeAddNode, &metapb.Peer{Id: 10, StoreId: victim})
	if r.GetRegionEpoch().GetConfVer() != 3 || len(r.GetPeers()) != 3 {
		t.Fatalf("after add: %v", r)
	}
	c.waitValue(victim, "after", "remove")
	c.waitValue(victim, "k9", "v")
	if err := c.put("later", "x"); err != nil {
		t.Fatal(err)
	}
	c.waitValue(victim, "later", "x")
	st, _ := c.stores[victim].RegionStatus(1)
	if st.PeerID != 10 || st.Region.GetRegionEpoch().GetConfVer() != 3 {
		t.Fatalf("re-added peer status %+v", st)
	}
	// Restarted, every store reloads its region from disk.
	c.stop(victim)
	c.start(victim)
	c.waitValue(victim, "later", "x")
}

func TestLeaderRemovesItself(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	if err := c.put("a", "1"); err != nil {
		t.Fatal(err)
	}
	for n := 3; n > 1; n-- {
		l := c.leaderOf(1)
		st, _ := c.stores[l].RegionStatus(1)
		r := c.changePeer(t, pb.ConfChangeType_ConfChangeRemoveNode, &metapb.Peer{Id: st.PeerID, StoreId: l})
		if len(r.GetPeers()) != n-1 || peerOnStore(r, l) != nil {
			t.Fatalf("removing leader %d: region %v", l, r)
		}
		waitFor(t, "the old leader's peer to go", func() bool { _, ok := c.stores[l].RegionStatus(1); return !ok })
		if err := c.put(fmt.Sprintf("n%d", n), "x"); err != nil {
			t.Fatalf("write with %d peers: %v", n-1, err)
		}
	}
}

func TestTransferLeaderToEachStore(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	for _, to := range []uint64{1, 2, 3, 1} {
		err := c.admin(1, func(s *Store) error { return s.TransferLeader(ctx5(t), 1, &metapb.Peer{Id: to, StoreId: to}) })
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, fmt.Sprintf("store %d to lead", to), func() bool { st, _ := c.stores[to].RegionStatus(1); return st.IsLeader })
		if err := c.put("k", fmt.Sprint(to)); err != nil {
			t.Fatal(err)
		}
	}
	err := c.stores[c.follower(c.leaderOf(1))].TransferLeader(ctx5(t), 1, &metapb.Peer{Id: 1, StoreId: 1})
	if !isRetryable(err) {
		t.Fatalf("transfer asked of a follower: %v, want NotLeader", err)
	}
}

// readIn reads key through regionID on store id (linearizable).
func (c *testCluster) readIn(id, regionID uint64, key string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := c.stores[id].Storage().Reader(ctx, &kvrpcpb.Context{RegionId: regionID})
	if err != nil {
		return "", err
	}
	defer r.Close()
	v, err := r.GetCF(engine.CFDefault, []byte(key))
	return string(v), err
}

func TestSplitAppliesOnEveryReplicaAndRoutes(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	for _, k := range []string{"a", "f", "m", "t", "z"} {
		if err := c.put(k, "v"+k); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := c.stores[1].RegionStatus(1)
	parentEpoch := st.Region.GetRegionEpoch()
	var halves []*metapb.Region
	err := c.admin(1, func(s *Store) error {
		var err error
		halves, err = s.Split(ctx5(t), 1, parentEpoch, []byte("m"), 100, []uint64{101, 102, 103})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	left, right := halves[0], halves[1]
	if string(left.GetEndKey()) != "m" || string(right.GetStartKey()) != "m" || len(left.GetStartKey()) != 0 ||
		len(right.GetEndKey()) != 0 || left.GetRegionEpoch().GetVersion() != 2 || right.GetRegionEpoch().GetVersion() != 2 {
		t.Fatalf("halves %v / %v do not cover the parent", left, right)
	}
	for id := range c.stores {
		waitFor(t, fmt.Sprintf("store %d to host region 100", id), func() bool {
			st, ok := c.stores[id].RegionStatus(100)
			return ok && initialized(st.Region)
		})
	}
	l := c.leaderOf(100)
	if v, err := c.readIn(l, 100, "t"); err != nil || v != "vt" {
		t.Fatalf("read t in region 100: %q, %v", v, err)
	}
	// The wrong region answers KeyNotInRegion; a stale epoch answers EpochNotMatch with
	// the store's regions.
	if _, err := c.readIn(l, 100, "a"); regionErrOf(t, err).Err.GetKeyNotInRegion() == nil {
		t.Fatalf("read a in region 100: %v, want KeyNotInRegion", err)
	}
	w := []storage.Modify{storage.Put(engine.CFDefault, []byte("b"), []byte("x"))}
	err = c.stores[c.leaderOf(1)].Storage().Write(ctx5(t), &kvrpcpb.Context{RegionId: 1, RegionEpoch: parentEpoch}, w)
	if e := regionErrOf(t, err).Err.GetEpochNotMatch(); e == nil || len(e.GetCurrentRegions()) != 2 {
		t.Fatalf("write with the parent's epoch: %v, want EpochNotMatch with both regions", err)
	}
	err = c.stores[l].Storage().Write(ctx5(t), &kvrpcpb.Context{RegionId: 100}, w)
	if regionErrOf(t, err).Err.GetKeyNotInRegion() == nil {
		t.Fatalf("write of b to region 100: %v, want KeyNotInRegion", err)
	}
	err = c.stores[l].Storage().Write(ctx5(t), &kvrpcpb.Context{RegionId: 100, Peer: &metapb.Peer{StoreId: 9}}, w)
	if regionErrOf(t, err).Err.GetStoreNotMatch() == nil {
		t.Fatalf("write for store 9: %v, want StoreNotMatch", err)
	}
	err = c.stores[l].Storage().Write(ctx5(t), &kvrpcpb.Context{RegionId: 77}, w)
	if regionErrOf(t, err).Err.GetRegionNotFound() == nil {
		t.Fatalf("write for region 77: %v, want RegionNotFound", err)
	}
	// Both regions keep taking writes; a restart reloads both.
	if err := c.put("u", "vu"); err != nil {
		t.Fatal(err)
	}
	if err := c.put("b", "vb"); err != nil {
		t.Fatal(err)
	}
	c.stop(2)
	c.start(2)
	for _, r := range []uint64{1, 100} {
		if _, ok := c.stores[2].RegionStatus(r); !ok {
			t.Fatalf("region %d not reloaded", r)
		}
	}
	waitFor(t, "store 2 to read u", func() bool {
		v, err := c.engs[2].Get(engine.CFDefault, []byte("u"))
		return err == nil && string(v) == "vu"
	})
}

type reports struct {
	mu sync.Mutex
	by map[uint64]RegionReport
}

func (r *reports) ReportRegion(rep RegionReport) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.by[rep.Region.GetId()] = rep
}

func (r *reports) get(id uint64) (RegionReport, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep, ok := r.by[id]
	return rep, ok
}

func TestSplitCheckerSplitsUnderLoadAndReports(t *testing.T) {
	rep := &reports{by: map[uint64]RegionReport{}}
	alloc := NewSeqIDAllocator(1000)
	c := newTestCluster(t, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.IDAllocator, cfg.RegionSplitSize, cfg.SplitCheckInterval = alloc, 400, 50*time.Millisecond
		cfg.Reporter, cfg.ReportInterval = rep, 100*time.Millisecond
		return cfg
	})
	for i := 0; i < 60; i++ {
		if err := c.put(fmt.Sprintf("key%03d", i), "value-value-value"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "several regions", func() bool { return len(c.stores[1].Regions()) >= 3 })
	// The regions of one store tile the key space exactly.
	var regions []*metapb.Region
	for _, id := range c.stores[1].Regions() {
		st, _ := c.stores[1].RegionStatus(id)
		regions = append(regions, st.Region)
	}
	if err := checkTiling(regions); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a report for region 1000", func() bool {
		r, ok := rep.get(1000)
		return ok && r.Leader != nil && r.ApproximateSize > 0
	})
}

// checkTiling reports whether regions cover the whole key space without gaps or overlaps.
func checkTiling(regions []*metapb.Region) error {
	next := ""
	for range regions {
		found := false
		for _, r := range regions {
			if string(r.GetStartKey()) == next {
				if len(r.GetEndKey()) == 0 {
					return nil
				}
				next, found = string(r.GetEndKey()), true
				break
			}
		}
		if !found {
			return fmt.Errorf("no region starts at %q: %v", next, regions)
		}
	}
	return fmt.Errorf("regions do not reach the end: %v", regions)
}
