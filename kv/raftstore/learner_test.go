package raftstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/storage"
)

// startEmpty starts a store that holds no region yet (a store added to the cluster).
func (c *testCluster) startEmpty(id uint64) {
	c.t.Helper()
	c.dirs[id] = c.t.TempDir()
	eng, err := engine.Open(c.dirs[id], engine.Options{CacheSize: 1 << 20, MemTableSize: 4 << 20})
	if err != nil {
		c.t.Fatal(err)
	}
	s, err := NewStore(c.cfg(id), eng, netTransport{c.net, id})
	if err != nil {
		c.t.Fatal(err)
	}
	c.engs[id], c.stores[id] = eng, s
	c.net.mu.Lock()
	c.net.stores[id] = s
	c.net.mu.Unlock()
	if err := s.Start(); err != nil {
		c.t.Fatal(err)
	}
}

// roleOn returns peer id's role in the region meta store holds (ok false: not there).
func (c *testCluster) roleOn(store, id uint64) (metapb.PeerRole, bool) {
	st, ok := c.stores[store].RegionStatus(1)
	if !ok {
		return 0, false
	}
	p := peerByID(st.Region, id)
	return p.GetRole(), p != nil
}

// ackedWriter writes w0, w1, … to region 1 until stopped (at most 3,000 writes) and
// remembers every acknowledged key.
type ackedWriter struct {
	mu    sync.Mutex
	acked []string
	stop  chan struct{}
	done  chan struct{}
}

func (c *testCluster) startWriter() *ackedWriter {
	w := &ackedWriter{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for i := 0; i < 3000; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			k := fmt.Sprintf("w%04d", i)
			if c.tryPut(k, "v") == nil {
				w.mu.Lock()
				w.acked = append(w.acked, k)
				w.mu.Unlock()
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	return w
}

func (w *ackedWriter) finish() []string {
	close(w.stop)
	<-w.done
	return w.acked
}

// tryPut writes once to whichever live store leads region 1 (no waiting for a leader).
func (c *testCluster) tryPut(key, value string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := fmt.Errorf("no leader")
	for _, s := range c.liveStores() {
		if st, ok := s.RegionStatus(1); ok && st.IsLeader {
			return s.Storage().Write(ctx, &kvrpcpb.Context{}, []storage.Modify{storage.Put(engine.CFDefault, []byte(key), []byte(value))})
		}
	}
	return err
}

// liveStores copies the connected stores under the net's lock (the writer reads them
// while the test stops, starts and isolates stores).
func (c *testCluster) liveStores() map[uint64]*Store {
	c.net.mu.Lock()
	defer c.net.mu.Unlock()
	out := make(map[uint64]*Store, len(c.net.stores))
	for id, s := range c.net.stores {
		if !c.net.isolated[id] {
			out[id] = s
		}
	}
	return out
}

// voterFollower returns one of the bootstrap voters 1–3 other than l that is running.
func (c *testCluster) voterFollower(l uint64) uint64 {
	for id := uint64(1); id <= 3; id++ {
		if id != l && c.stores[id] != nil {
			return id
		}
	}
	c.t.Fatal("no voter follower")
	return 0
}

// A new replica joins as a learner: while it is cut off and far behind, one voter of
// three can be down and writes still commit (the quorum stays 2 of 3); it catches up by
// snapshot; it never votes nor counts toward commit, also after a restart; promoted, it
// is a voter like the others.
func TestLearnerCatchesUpWithoutWeakeningQuorum(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	if err := c.put("before", "learner"); err != nil {
		t.Fatal(err)
	}
	c.startEmpty(4)
	c.net.isolate(4, true)
	w := c.startWriter()
	r := c.changePeer(t, pb.ConfChangeType_ConfChangeAddLearnerNode, &metapb.Peer{Id: 4, StoreId: 4})
	if role := peerByID(r, 4).GetRole(); role != metapb.PeerRole_Learner || r.GetRegionEpoch().GetConfVer() != 2 ||
		voterCount(r) != 3 {
		t.Fatalf("after adding the learner: %v", r)
	}
	// The learner is cut off; a voter goes down too: 2 of 3 voters still commit.
	l := c.leaderOf(1)
	f := c.voterFollower(l)
	c.stop(f)
	if err := c.put("one-voter-down", "x"); err != nil {
		t.Fatalf("write with one voter down and the learner behind: %v", err)
	}
	if st, ok := c.stores[4].RegionStatus(1); ok && st.Applied > 0 {
		t.Fatalf("the isolated learner applied %d entries", st.Applied)
	}
	c.start(f)
	c.net.isolate(4, false)
	c.waitValue(4, "one-voter-down", "x")
	c.waitValue(4, "before", "learner")
	acked := w.finish()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged while the learner was added")
	}
	c.waitValue(4, acked[len(acked)-1], "v")
	for _, k := range acked {
		if v, ok, err := c.get(4, k, true); err != nil || !ok || v != "v" {
			t.Fatalf("learner lacks acknowledged write %s (%q, %v, %v)", k, v, ok, err)
		}
	}
	if st, _ := c.stores[4].RegionStatus(1); st.TruncatedIndex < 5 || st.IsLeader {
		t.Fatalf("learner status %+v: want filled by a snapshot, not leading", st)
	}

	// Restarted, every store keeps the roles (region meta and raft's configuration).
	for id := uint64(1); id <= 4; id++ {
		c.stop(id)
		c.start(id)
	}
	l = c.leaderOf(1)
	for id := range c.stores {
		if role, ok := c.roleOn(id, 4); !ok || role != metapb.PeerRole_Learner {
			waitFor(t, fmt.Sprintf("store %d to know peer 4 as a learner", id), func() bool {
				role, ok := c.roleOn(id, 4)
				return ok && role == metapb.PeerRole_Learner
			})
		}
	}
	if l == 4 {
		t.Fatal("the learner leads")
	}
	// The learner does not count: with two voters down, the leader and the learner
	// cannot commit, and cannot elect (the learner never votes nor campaigns).
	var down []uint64
	for id := uint64(1); id <= 3; id++ {
		if id != l {
			down = append(down, id)
			c.stop(id)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	err := c.stores[l].Storage().Write(ctx, &kvrpcpb.Context{}, []storage.Modify{storage.Put(engine.CFDefault, []byte("lost"), []byte("x"))})
	cancel()
	if err == nil {
		t.Fatal("a write committed with one voter of three and a learner")
	}
	waitFor(t, "the leader without a quorum to step down", func() bool {
		st, _ := c.stores[l].RegionStatus(1)
		return !st.IsLeader
	})
	term4, _ := c.stores[4].RegionStatus(1)
	time.Sleep(10 * 100 * time.Millisecond / 2) // five election timeouts
	for _, id := range []uint64{l, 4} {
		if st, _ := c.stores[id].RegionStatus(1); st.IsLeader {
			t.Fatalf("store %d leads with one voter of three and a learner", id)
		}
	}
	if st, _ := c.stores[4].RegionStatus(1); st.Term != term4.Term {
		t.Fatalf("the learner's term moved %d -> %d: it campaigned", term4.Term, st.Term)
	}
	for _, id := range down {
		c.start(id)
	}
	if err := c.put("voters-back", "x"); err != nil {
		t.Fatal(err)
	}

	// Promoted, the learner is a voter: with one of four voters down writes commit.
	r = c.changePeer(t, pb.ConfChangeType_ConfChangeAddNode, &metapb.Peer{Id: 4, StoreId: 4})
	if peerByID(r, 4).GetRole() != metapb.PeerRole_Voter || r.GetRegionEpoch().GetConfVer() != 3 || voterCount(r) != 4 {
		t.Fatalf("after promotion: %v", r)
	}
	l = c.leaderOf(1)
	for id := range c.stores { // stop one voter other than the leader and store 4, which is read below
		if id != l && id != 4 {
			c.stop(id)
			break
		}
	}
	if err := c.put("after-promotion", "x"); err != nil {
		t.Fatal(err)
	}
	c.waitValue(4, "after-promotion", "x")
}

// changePeerV2 runs a ChangePeerV2 at the leader, retrying as admin does (NotLeader after
// the leader handed over because it was to be removed).
func (c *testCluster) changePeerV2(t *testing.T, changes ...*raftcmdpb.ChangePeerRequest) *metapb.Region {
	t.Helper()
	var region *metapb.Region
	err := c.admin(1, func(s *Store) error {
		var err error
		region, err = s.ChangePeerV2(ctx5(t), 1, nil, changes)
		return err
	})
	if err != nil {
		t.Fatalf("ChangePeerV2 %v: %v", changes, err)
	}
	return region
}

// waitConf waits until every live store's region meta has conf_ver and the given roles.
func (c *testCluster) waitConf(t *testing.T, confVer uint64, want map[uint64]metapb.PeerRole) {
	t.Helper()
	waitFor(t, fmt.Sprintf("conf_ver %d with roles %v everywhere", confVer, want), func() bool {
		for _, s := range c.stores {
			st, ok := s.RegionStatus(1)
			if !ok {
				continue // a removed store
			}
			if st.Region.GetRegionEpoch().GetConfVer() != confVer || !mapsEqual(rolesOf(st.Region), want) {
				return false
			}
		}
		return true
	})
}

// A replica is replaced in one step through a joint configuration (learner promoted and
// voter removed together), the group leaves it by itself, the removed store drops its
// replica; replacing the leader's own replica moves leadership first.
func TestJointChangeReplacesVoterInOneStep(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	c.startEmpty(4)
	c.startEmpty(5)
	c.changePeer(t, pb.ConfChangeType_ConfChangeAddLearnerNode, &metapb.Peer{Id: 4, StoreId: 4})
	c.waitValue(4, "k", "v")
	l := c.leaderOf(1)
	victim := c.voterFollower(l)
	r := c.changePeerV2(t, chg(pb.ConfChangeType_ConfChangeAddNode, 4), chg(pb.ConfChangeType_ConfChangeRemoveNode, victim))
	if peerByID(r, 4).GetRole() != metapb.PeerRole_IncomingVoter || peerByID(r, victim).GetRole() != metapb.PeerRole_OutgoingVoter ||
		r.GetRegionEpoch().GetConfVer() != 3 {
		t.Fatalf("entering the joint configuration: %v", r)
	}
	want := map[uint64]metapb.PeerRole{4: metapb.PeerRole_Voter}
	for id := uint64(1); id <= 3; id++ {
		if id != victim {
			want[id] = metapb.PeerRole_Voter
		}
	}
	c.waitConf(t, 4, want) // left automatically: conf_ver grew again
	waitFor(t, "the replaced store to drop its replica", func() bool { _, ok := c.stores[victim].RegionStatus(1); return !ok })
	if err := c.put("after-replace", "x"); err != nil {
		t.Fatal(err)
	}
	c.waitValue(4, "after-replace", "x")

	// Replace the leader's replica by a brand-new voter on store 5 (no learner step):
	// the leader hands over first, the new leader runs the change.
	l = c.leaderOf(1)
	c.changePeerV2(t, chg(pb.ConfChangeType_ConfChangeAddNode, 5), chg(pb.ConfChangeType_ConfChangeRemoveNode, l))
	delete(want, l)
	want[5] = metapb.PeerRole_Voter
	c.waitConf(t, 6, want)
	waitFor(t, "the old leader's store to drop its replica", func() bool { _, ok := c.stores[l].RegionStatus(1); return !ok })
	if err := c.put("after-leader-replace", "x"); err != nil {
		t.Fatal(err)
	}
	c.waitValue(5, "after-leader-replace", "x")
	c.waitValue(5, "k", "v")
	// A change naming a learner that does not exist is refused and changes nothing.
	_, err := c.stores[c.leaderOf(1)].ChangePeerV2(ctx5(t), 1, nil, []*raftcmdpb.ChangePeerRequest{
		chg(pb.ConfChangeType_ConfChangePromoteLearner, 9), chg(pb.ConfChangeType_ConfChangeRemoveNode, 4)})
	if err == nil {
		t.Fatal("promoting a peer that is not a learner was accepted")
	}
	c.waitConf(t, 6, want)
}
