package cluster

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/storage"
)

// Multi-region scenarios (3B of the behaviours checklist). Every history is checked by
// porcupine.

// TestTransferLeader moves region 1's leadership to each of the 5 stores in turn while
// clients write and scan.
func TestTransferLeader(t *testing.T) {
	moved := 0
	Scenario{Clients: 3, Contention: 2, Rounds: 1, RoundTime: 4 * time.Second,
		During: func(ctx context.Context, c *Cluster, t TB) {
			for _, id := range c.IDs() {
				tctx, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
				if err := c.TransferLeader(tctx, RegionID, id); err != nil {
					t.Errorf("%v", err)
				} else {
					moved++
				}
				cancel()
			}
		}}.Run(t, factory())
	if moved != 5 {
		t.Fatalf("leadership reached %d of 5 stores", moved)
	}
}

func changePeer(t *testing.T, c *Cluster, change raftpb.ConfChangeType, p *metapb.Peer) *metapb.Region {
	t.Helper()
	r, err := c.ChangePeer(ctxFor(t, 10*time.Second), RegionID, change, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func peerOf(t *testing.T, c *Cluster, store uint64) *metapb.Peer {
	t.Helper()
	st, ok := c.admin(store).RegionStatus(RegionID)
	if !ok {
		t.Fatalf("store %d hosts no peer of region 1", store)
	}
	return &metapb.Peer{Id: st.PeerID, StoreId: store}
}

// waitErased waits until store id no longer hosts region 1: a tombstone on disk and no
// user data left.
func waitErased(t *testing.T, c *Cluster, id uint64) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st, err := c.RegionState(id, RegionID)
		keys, kerr := c.EngineKeys(id)
		if err == nil && kerr == nil && st.GetState() == raftserverpb.PeerState_Tombstone && keys == 0 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("store %d not erased: region state %v (%v), %d keys (%v)", id, st, err, keys, kerr)
		}
	}
}

// TestBasicConfChange: the region shrinks to one peer and still takes writes; removed
// stores are erased and conf_ver grows; re-added peers (one store with a new peer id
// after being removed twice) receive all the data.
func TestBasicConfChange(t *testing.T) {
	c := startCluster(t, 5, 0)
	h := NewHistory()
	r := &Recorder{KV: NewClient(c), Hist: h, Stats: &Stats{}}
	mustPut(t, r, "k1", "v1")
	confVer := uint64(1)
	for _, id := range []uint64{2, 3, 4, 5} {
		if c.LeaderOf(RegionID) == id {
			if err := c.TransferLeader(ctxFor(t, 10*time.Second), RegionID, 1); err != nil {
				t.Fatal(err)
			}
		}
		reg := changePeer(t, c, raftpb.ConfChangeType_ConfChangeRemoveNode, peerOf(t, c, id))
		if reg.GetRegionEpoch().GetConfVer() <= confVer {
			t.Fatalf("conf_ver %d after a removal, was %d", reg.GetRegionEpoch().GetConfVer(), confVer)
		}
		confVer = reg.GetRegionEpoch().GetConfVer()
		waitErased(t, c, id)
	}
	mustPut(t, r, "k2", "v2") // one peer left: it alone is the quorum
	if v, ok, good := r.Get(context.Background(), "k2", "k2"); !good || !ok || v != "v2" {
		t.Fatalf("read with one peer: %q %v %v", v, ok, good)
	}
	for _, id := range []uint64{2, 3} {
		changePeer(t, c, raftpb.ConfChangeType_ConfChangeAddNode, &metapb.Peer{Id: c.NextPeerID(), StoreId: id})
	}
	mustPut(t, r, "k3", "v3")
	for _, id := range []uint64{2, 3} {
		for _, k := range []string{"k1", "k2", "k3"} {
			waitEngine(t, c, id, k, "v"+k[1:], 10*time.Second)
		}
	}
	// Store 2 leaves again and rejoins with yet another peer id.
	changePeer(t, c, raftpb.ConfChangeType_ConfChangeRemoveNode, peerOf(t, c, 2))
	waitErased(t, c, 2)
	mustPut(t, r, "k4", "v4")
	id2 := c.NextPeerID()
	reg := changePeer(t, c, raftpb.ConfChangeType_ConfChangeAddNode, &metapb.Peer{Id: id2, StoreId: 2})
	waitEngine(t, c, 2, "k4", "v4", 10*time.Second)
	if p := peerOf(t, c, 2); p.GetId() != id2 || reg.GetRegionEpoch().GetConfVer() <= confVer {
		t.Fatalf("rejoined store 2 as peer %d (want %d), epoch %v", p.GetId(), id2, reg.GetRegionEpoch())
	}
	for _, id := range []uint64{4, 5} {
		if keys, _ := c.EngineKeys(id); keys != 0 {
			t.Fatalf("removed store %d holds %d keys", id, keys)
		}
	}
	checkHistory(t, h)
	if err := CheckLogs(c); err != nil {
		t.Fatal(err)
	}
}

// TestConfChangeRemoveLeader: the leader removes itself, from 3 peers to 2 and then to 1
// (with two peers it hands leadership over first), and writes go on.
func TestConfChangeRemoveLeader(t *testing.T) {
	c := startCluster(t, 3, 0)
	h := NewHistory()
	r := &Recorder{KV: NewClient(c), Hist: h, Stats: &Stats{}}
	mustPut(t, r, "a", "0")
	for n := 3; n > 1; n-- {
		var l uint64
		for l = c.LeaderOf(RegionID); l == 0; l = c.LeaderOf(RegionID) {
			time.Sleep(10 * time.Millisecond)
		}
		var reg *metapb.Region
		var err error
		for try := 0; try < 100; try++ {
			// Asked of the leader itself, not through Cluster.ChangePeer.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			reg, err = c.admin(l).ChangePeer(ctx, RegionID, nil, raftpb.ConfChangeType_ConfChangeRemoveNode, peerOf(t, c, l))
			cancel()
			if err == nil {
				break
			}
			if nl := c.LeaderOf(RegionID); nl != 0 && nl != l {
				reg, err = c.ChangePeer(ctxFor(t, 10*time.Second), RegionID, raftpb.ConfChangeType_ConfChangeRemoveNode,
					&metapb.Peer{Id: peerOf(t, c, l).GetId(), StoreId: l})
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("removing leader %d: %v", l, err)
		}
		if len(reg.GetPeers()) != n-1 || hasStore(reg, l) {
			t.Fatalf("after removing leader %d: %v", l, reg)
		}
		waitErased(t, c, l)
		mustPut(t, r, fmt.Sprintf("n%d", n-1), "x")
	}
	checkHistory(t, h)
}

// TestOneSplit: with an 800 B limit and one store cut off, load splits the region; the
// halves are adjacent and cover the parent; a request to the wrong half gets
// KeyNotInRegion; the cut-off store catches up with both halves.
func TestOneSplit(t *testing.T) {
	seed := ScenarioSeed()
	t.Logf("seed %d", seed)
	c, err := New(Config{Stores: 5, Dir: t.TempDir(), Seed: seed, TickInterval: 25 * time.Millisecond,
		NewStore: factory(), RegionSplitSize: 800})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Shutdown)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	heal := c.Net().AddFilter(Isolate(5))
	h := NewHistory()
	r := &Recorder{KV: NewClient(Subset{C: c, Set: []uint64{1, 2, 3, 4}}), Hist: h, Stats: &Stats{}}
	i := 0
	for end := time.Now().Add(20 * time.Second); len(c.LatestRegions()) < 2; i++ {
		if time.Now().After(end) {
			t.Fatal("the region did not split under load")
		}
		mustPut(t, r, fmt.Sprintf("key%04d", i), "value-of-some-length")
	}
	regions := c.LatestRegions()
	if err := CheckTiling(regions); err != nil {
		t.Fatal(err)
	}
	left, right := regions[0], regions[1]
	if left.GetId() != RegionID || string(left.GetEndKey()) != string(right.GetStartKey()) {
		t.Fatalf("halves %v / %v are not adjacent", left, right)
	}
	// The left half refuses a key of the right half.
	l := c.LeaderOf(left.GetId())
	for ; l == 0; l = c.LeaderOf(left.GetId()) {
		time.Sleep(10 * time.Millisecond)
	}
	w := []storage.Modify{storage.Put(engine.CFDefault, right.GetStartKey(), []byte("x"))}
	for try := 0; try < 50; try++ {
		err = c.Storage(l).Write(ctxFor(t, 5*time.Second), &kvrpcpb.Context{RegionId: left.GetId()}, w)
		// A leader that had not applied the split yet proposes, and the write is refused
		// when it applies after the split: EpochNotMatch, not applied. Try again.
		if !isRegionErr(err, func(e *storage.RegionError) bool { return e.Err.GetEpochNotMatch() != nil }) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !isRegionErr(err, func(e *storage.RegionError) bool { return e.Err.GetKeyNotInRegion() != nil }) {
		t.Fatalf("write of %q to region %d: %v, want KeyNotInRegion", right.GetStartKey(), left.GetId(), err)
	}
	if st, _ := c.admin(5).RegionStatus(RegionID); len(st.Region.GetEndKey()) != 0 {
		t.Fatalf("the cut-off store knows the split already: %v", st.Region)
	}
	last := fmt.Sprintf("key%04d", i-1)
	heal()
	r.KV = NewClient(c)
	mustPut(t, r, "zzz", "last")
	for _, reg := range []*metapb.Region{left, right} {
		id := reg.GetId()
		for end := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			st, ok := c.admin(5).RegionStatus(id)
			if ok && st.Region.GetRegionEpoch().GetVersion() >= reg.GetRegionEpoch().GetVersion() {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("store 5 did not catch up with region %d: %v", id, st.Region)
			}
		}
	}
	waitEngine(t, c, 5, last, "value-of-some-length", 10*time.Second)
	waitEngine(t, c, 5, "zzz", "last", 10*time.Second)
	checkHistory(t, h)
	if err := CheckLogs(c); err != nil {
		t.Fatal(err)
	}
}

// Generic-check scenarios with membership churn (TestConfChange*3B; runChurn also requires
// the churn to have changed membership) and with splits of a 300 B region limit
// (TestSplit*3B): scans cross regions and the region holding "" splits.

func TestConfChangeRecover(t *testing.T) {
	runChurn(t, Scenario{Clients: 3, Restart: true})
}

func TestConfChangeUnreliable(t *testing.T) {
	runChurn(t, Scenario{Clients: 3, Drop: 0.1})
}

// TestConfChangeSnapshotUnreliable runs churn with drops and log GC.
func TestConfChangeSnapshotUnreliable(t *testing.T) {
	runChurn(t, Scenario{Clients: 3, Drop: 0.1, GCLimit: shortGC})
}

// TestConfChangeSnapshotUnreliableRecoverConcurrentPartition is the course's mix: churn,
// 10 % drop, random partitions, every store restarted between rounds, log GC limit 20. It
// once found a log divergence: a store whose peers had all been removed was bootstrapped
// again on restart, bringing a removed peer back with an empty log and no vote (see
// docs/kv-tests.md); TestLongConcurrentPartition (long tag) loops it. Rounds are 2 s:
// when churn leaves only two members with the newest log, both must share the majority
// side of the partitions for an election to succeed, and with 1 s rounds about one run in
// 250 (1.5 s with -race: 2 in 142) acknowledged nothing at all.
func TestConfChangeSnapshotUnreliableRecoverConcurrentPartition(t *testing.T) {
	runChurn(t, Scenario{Clients: 3, Drop: 0.1, Restart: true, Partitions: true, GCLimit: shortGC,
		RoundTime: 2 * time.Second})
}

func TestSplitRecover(t *testing.T) {
	Scenario{Clients: 3, SplitSize: 300, Restart: true}.Run(t, factory())
}

func TestSplitUnreliable(t *testing.T) {
	Scenario{Clients: 3, Contention: 2, SplitSize: 300, Drop: 0.1}.Run(t, factory())
}

func TestSplitConfChangeSnapshotUnreliableRecover(t *testing.T) {
	runChurn(t, Scenario{Clients: 3, SplitSize: 300, Drop: 0.1, Restart: true, GCLimit: shortGC})
}
