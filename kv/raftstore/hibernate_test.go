package raftstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/storage"
)

// manyRegions tiles the key space into n regions (ids 1..n, region i+1 starting at
// "r%05d" i) replicated on stores 1..stores.
func manyRegions(n, stores int) []*metapb.Region {
	out := make([]*metapb.Region, n)
	for i := range out {
		r := &metapb.Region{Id: uint64(i + 1), RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}}
		if i > 0 {
			r.StartKey = []byte(fmt.Sprintf("r%05d", i))
		}
		if i < n-1 {
			r.EndKey = []byte(fmt.Sprintf("r%05d", i+1))
		}
		for s := 1; s <= stores; s++ {
			r.Peers = append(r.Peers, &metapb.Peer{Id: uint64(i+1)*10 + uint64(s), StoreId: uint64(s)})
		}
		out[i] = r
	}
	return out
}

// newManyRegionCluster starts 3 stores that host the same n regions (written as a
// bootstrap writes one, before the stores open).
func newManyRegionCluster(t testing.TB, n int, cfg func(id uint64) Config) *testCluster {
	regions := manyRegions(n, 3)
	c := &testCluster{t: t, net: &testNet{stores: map[uint64]*Store{}, isolated: map[uint64]bool{}},
		dirs: map[uint64]string{}, engs: map[uint64]*engine.Engine{}, stores: map[uint64]*Store{}, cfg: cfg,
		region: regions[0]}
	for id := uint64(1); id <= 3; id++ {
		c.dirs[id] = t.TempDir()
		eng, err := engine.Open(c.dirs[id], engine.Options{CacheSize: 1 << 20, MemTableSize: 4 << 20})
		if err != nil {
			t.Fatal(err)
		}
		wb := eng.NewBatch()
		for _, r := range regions {
			if err := writeBootstrap(wb, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := eng.Write(wb, true); err != nil {
			t.Fatal(err)
		}
		_ = wb.Close()
		if err := eng.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for id := uint64(1); id <= 3; id++ {
		c.start(id)
	}
	t.Cleanup(c.shutdown)
	return c
}

// waitQuiet waits until no store ticks any peer and every region knows a leader.
func (c *testCluster) waitQuiet(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		quiet := true
		for _, s := range c.stores {
			if awake, _ := s.AwakeRegions(); awake != 0 {
				quiet = false
			}
		}
		if quiet {
			for _, s := range c.stores {
				for id := uint64(1); id <= uint64(n); id++ {
					if st, _ := s.RegionStatus(id); st.LeaderID == 0 {
						t.Fatalf("region %d is quiet without a leader", id)
					}
				}
				break // one live store's view is enough
			}
			return
		}
		if time.Now().After(deadline) {
			for id, s := range c.stores {
				awake, ticked := s.AwakeRegions()
				t.Logf("store %d: %d awake, %d ticked", id, awake, ticked)
			}
			t.Fatalf("regions not quiet within %v", timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func hibernateConfig(id uint64) Config {
	cfg := noCheckConfig(id)
	cfg.TickInterval = 20 * time.Millisecond
	return cfg
}

// noCheckConfig turns the leader check off for tests that watch regions stay quiet (the
// check wakes one region per leader store now and then).
func noCheckConfig(id uint64) Config {
	cfg := testConfig(id)
	cfg.LeaderCheckInterval = time.Hour
	return cfg
}

// 1,000 idle regions hibernate: a tick round then ticks no peer; a write to one region
// wakes that region only, on every store, and it goes back to sleep.
func TestIdleRegionsHibernate(t *testing.T) {
	const n = 1000
	start := time.Now()
	c := newManyRegionCluster(t, n, hibernateConfig)
	c.waitQuiet(t, n, 60*time.Second)
	t.Logf("%d regions on 3 stores elected and hibernated in %v", n, time.Since(start))
	time.Sleep(5 * hibernateConfig(1).TickInterval) // a few tick rounds while quiet
	var mu sync.Mutex
	joined := map[uint64]map[uint64]bool{}
	for id, s := range c.stores {
		if _, ticked := s.AwakeRegions(); ticked != 0 {
			t.Fatalf("store %d ticked %d peers in a round with every region quiet", id, ticked)
		}
		joined[id] = map[uint64]bool{}
		hook := func(region uint64) {
			mu.Lock()
			joined[id][region] = true
			mu.Unlock()
		}
		s.awake.onJoin.Store(&hook)
	}
	if err := c.put("r00500x", "v"); err != nil { // region 501
		t.Fatal(err)
	}
	for id, s := range c.stores {
		waitFor(t, fmt.Sprintf("store %d to apply the write", id), func() bool {
			st, _ := s.RegionStatus(501)
			return st.Applied > 6 // the leader's empty entry at 6, the write after it
		})
	}
	c.waitQuiet(t, n, 10*time.Second)
	mu.Lock()
	defer mu.Unlock()
	for id, regions := range joined {
		if len(regions) != 1 || !regions[501] {
			t.Fatalf("store %d woke regions %v, want only region 501", id, regions)
		}
	}
}

// A linearizable read on a quiet region is answered without waiting an election
// timeout: the read wakes the leader, which heartbeats at once (with lease reads the
// lease dropped while quiet, so it takes the heartbeat path too).
func TestReadOnQuietRegionIsPrompt(t *testing.T) {
	for _, lease := range []bool{false, true} {
		t.Run(fmt.Sprintf("lease=%v", lease), func(t *testing.T) {
			cfg := func(id uint64) Config {
				c := testConfig(id)
				c.TickInterval, c.ElectionTicks, c.LeaseReads = 20*time.Millisecond, 20, lease
				return c
			}
			c := newTestCluster(t, 3, cfg)
			if err := c.put("k", "v"); err != nil {
				t.Fatal(err)
			}
			c.waitQuiet(t, 1, 10*time.Second)
			l := c.leader()
			st0, _ := c.stores[l].RegionStatus(1)
			election := time.Duration(cfg(1).ElectionTicks) * cfg(1).TickInterval
			// Quiet for longer than an election timeout: the read path's catch-up of missed
			// ticks must not count the sleep (a woken leader would run CheckQuorum before
			// any follower answered and step down).
			time.Sleep(2 * election)
			start := time.Now()
			v, ok, err := c.get(l, "k", false)
			took := time.Since(start)
			if err != nil || !ok || v != "v" {
				t.Fatalf("read = %q, %v, %v", v, ok, err)
			}
			if st, _ := c.stores[l].RegionStatus(1); !st.IsLeader || st.Term != st0.Term {
				t.Fatalf("the read deposed the quiet leader: %+v, was %+v", st, st0)
			}
			t.Logf("first read after hibernation: %v (election timeout %v)", took, election)
			if took >= election {
				t.Fatalf("first read on a quiet region took %v, not below the election timeout %v", took, election)
			}
		})
	}
}

// While the whole group is quiet nobody notices the leader's store going away; the
// followers' store learning it is down (ReportStoreUnreachable) makes them elect.
func TestQuietFollowersElectWhenLeaderStoreReportedDown(t *testing.T) {
	c := newTestCluster(t, 3, noCheckConfig)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	c.waitQuiet(t, 1, 10*time.Second)
	l := c.leader()
	c.stop(l)
	time.Sleep(5 * 100 * time.Millisecond) // five election timeouts: quiet followers do not notice
	for id, s := range c.stores {
		if st, _ := s.RegionStatus(1); st.IsLeader || st.LeaderID != l {
			t.Fatalf("store %d: %+v; a quiet follower should still follow the stopped leader", id, st)
		}
	}
	for _, s := range c.stores {
		s.ReportStoreUnreachable(l)
	}
	nl := c.leader()
	if nl == l {
		t.Fatal("the stopped store still leads")
	}
	if err := c.put("after", "x"); err != nil {
		t.Fatal(err)
	}
}

// Without any report or request, the periodic leader check finds the dead leader of a
// quiet group (the wake-up cannot be delivered) and a cut-off one (the wake-up goes
// unanswered). With a live leader the same check leaves the group quiet and its leader in
// place.
func TestLeaderCheckFindsDeadLeaderOfQuietRegion(t *testing.T) {
	c := newTestCluster(t, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.LeaderCheckInterval = 300 * time.Millisecond
		return cfg
	})
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	c.waitQuiet(t, 1, 10*time.Second)
	l := c.leader()
	st0, _ := c.stores[l].RegionStatus(1)
	var wakes atomic.Int32
	hook := func(uint64) { wakes.Add(1) }
	c.stores[l].awake.onJoin.Store(&hook)
	time.Sleep(time.Second) // three checks against a live leader
	c.waitQuiet(t, 1, 10*time.Second)
	if st, _ := c.stores[l].RegionStatus(1); !st.IsLeader || st.Term != st0.Term {
		t.Fatalf("leader check disturbed a live leader: %+v, was %+v", st, st0)
	}
	if wakes.Load() == 0 {
		t.Fatal("the leader check never reached the live leader")
	}
	c.stop(l)
	start := time.Now()
	nl := c.leader()
	if nl == l {
		t.Fatal("the stopped store still leads")
	}
	t.Logf("new leader after %v (check interval 300ms, election timeout 100ms)", time.Since(start))
	if err := c.put("after", "x"); err != nil {
		t.Fatal(err)
	}
	// A leader cut off (its messages silently lost, no send error) is found too: the
	// probe goes unanswered. (The stopped store comes back first: a group with a member
	// that misses entries cannot go quiet.)
	c.start(l)
	c.waitQuiet(t, 1, 10*time.Second)
	nl = c.leader()
	c.net.isolate(nl, true)
	start = time.Now()
	waitFor(t, "a leader other than the cut-off one", func() bool {
		for id, s := range c.stores {
			if st, _ := s.RegionStatus(1); id != nl && st.IsLeader {
				return true
			}
		}
		return false
	})
	t.Logf("cut-off leader replaced after %v", time.Since(start))
	c.net.isolate(nl, false)
	if err := c.put("after-partition", "x"); err != nil {
		t.Fatal(err)
	}
}

// A client that finds the leader gone and retries at a follower wakes it; the group
// elects a new leader and the write succeeds (no store-down report needed).
func TestRequestAtQuietFollowerElectsNewLeader(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	c.waitQuiet(t, 1, 10*time.Second)
	l := c.leader()
	c.stop(l)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		for _, s := range c.stores {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err = s.Storage().Write(ctx, &kvrpcpb.Context{}, []storage.Modify{storage.Put(engine.CFDefault, []byte("after"), []byte("x"))})
			cancel()
			if err == nil {
				break
			}
		}
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no write succeeded within 10s after the quiet leader's store stopped: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if nl := c.leader(); nl == l {
		t.Fatal("the stopped store still leads")
	}
}

// A region whose follower's store is down still goes quiet and stays quiet (the failed
// MsgHibernate does not wake the leader), and a write afterwards commits with the two
// live voters.
func TestRegionWithDeadFollowerGoesQuiet(t *testing.T) {
	c := newTestCluster(t, 3, noCheckConfig)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	l := c.leader()
	c.stop(c.follower(l))
	c.waitQuiet(t, 1, 10*time.Second)
	time.Sleep(10 * testConfig(1).TickInterval) // five heartbeat periods
	for id, s := range c.stores {
		if awake, ticked := s.AwakeRegions(); awake != 0 || ticked != 0 {
			t.Fatalf("store %d: %d awake, %d ticked with a dead follower; want a quiet region", id, awake, ticked)
		}
	}
	if err := c.put("after", "x"); err != nil {
		t.Fatal(err)
	}
}

// With NoHibernate every region keeps ticking.
func TestNoHibernateTicksEveryRegion(t *testing.T) {
	c := newManyRegionCluster(t, 5, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.NoHibernate = true
		return cfg
	})
	c.leader()
	time.Sleep(30 * testConfig(1).TickInterval) // many heartbeat periods of idleness
	for id, s := range c.stores {
		if awake, ticked := s.AwakeRegions(); awake != 5 || ticked != 5 {
			t.Fatalf("store %d: %d awake, %d ticked; want all 5", id, awake, ticked)
		}
	}
}

// A leader transfer and a conf change on a quiet region wake it and go through promptly.
func TestTransferAndConfChangeWakeQuietRegion(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	c.waitQuiet(t, 1, 10*time.Second)
	l := c.leader()
	to := c.follower(l)
	st, _ := c.stores[to].RegionStatus(1)
	if err := c.stores[l].TransferLeader(ctx5(t), 1, &metapb.Peer{Id: st.PeerID, StoreId: to}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the transfer to a quiet follower", func() bool { st, _ := c.stores[to].RegionStatus(1); return st.IsLeader })
	c.waitQuiet(t, 1, 10*time.Second)
	c.startEmpty(4)
	r := c.changePeer(t, pb.ConfChangeType_ConfChangeAddLearnerNode, &metapb.Peer{Id: 4, StoreId: 4})
	if peerByID(r, 4).GetRole() != metapb.PeerRole_Learner {
		t.Fatalf("after adding a learner to a quiet region: %v", r)
	}
	c.waitValue(4, "k", "v")
	c.waitQuiet(t, 1, 10*time.Second) // a region with a learner hibernates too
}

// A leader trims its log before its region goes quiet: GC ticks stop while quiet, so a
// burst of writes followed by silence must not leave the log untrimmed for good.
func TestQuietRegionTrimsItsLog(t *testing.T) {
	c := newTestCluster(t, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.RaftLogGCTickInterval = time.Hour // only the going-quiet check can trim
		cfg.RaftLogGCCountLimit = 20
		return cfg
	})
	for i := range 60 {
		if err := c.put(fmt.Sprint("k", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	c.waitQuiet(t, 1, 10*time.Second)
	st, _ := c.stores[c.leader()].RegionStatus(1)
	if st.Applied-st.TruncatedIndex > 20 {
		t.Fatalf("quiet region: applied %d, truncated %d: the log was not trimmed", st.Applied, st.TruncatedIndex)
	}
}
