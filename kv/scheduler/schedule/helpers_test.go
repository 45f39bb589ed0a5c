package schedule

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// testIDs is a sequential IDAllocator starting above every id the tests write by hand.
type testIDs struct{ next atomic.Uint64 }

func (a *testIDs) AllocID() (uint64, error) { return a.next.Add(1) + 1000, nil }

// fixture is a cluster with a settable clock and an Env over it.
type fixture struct {
	t   *testing.T
	c   *core.Cluster
	now time.Time
	env *Env
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	f := &fixture{t: t, c: core.NewCluster(), now: time.Unix(1_000_000, 0)}
	cfg.Now = func() time.Time { return f.now }
	cfg, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	f.env = &Env{Config: cfg, Ops: NewOperatorController(cfg.Now), IDs: &testIDs{}, Now: f.now,
		Started: f.now.Add(-time.Hour)}
	f.env.Rand = newRand(1)
	return f
}

// advance moves the clock (and the Env's idea of now).
func (f *fixture) advance(d time.Duration) {
	f.now = f.now.Add(d)
	f.env.Now = f.now
}

// addStores registers up stores that have just sent a heartbeat.
func (f *fixture) addStores(ids ...uint64) {
	f.t.Helper()
	for _, id := range ids {
		if err := f.c.PutStore(&metapb.Store{Id: id, Address: fmt.Sprintf("127.0.0.1:%d", 20000+id)}); err != nil {
			f.t.Fatal(err)
		}
		f.beat(id)
	}
}

func (f *fixture) beat(id uint64) {
	f.t.Helper()
	if err := f.c.StoreHeartbeat(id, f.now); err != nil {
		f.t.Fatal(err)
	}
}

// regionSpec describes a region: peer i lives on stores[i] with id regionID*100+store, led from leader.
type regionSpec struct {
	id       uint64
	size     int64
	leader   uint64
	stores   []uint64
	pending  []uint64 // stores whose peer is pending
	learners []uint64 // stores whose peer is a learner (the others are voters)
	down     []uint64 // stores whose peer the leader reports down
	confVer  uint64
	version  uint64
}

func peerOn(regionID, store uint64) *metapb.Peer {
	return &metapb.Peer{Id: regionID*100 + store, StoreId: store}
}

func (s regionSpec) info() *core.RegionInfo {
	meta := &metapb.Region{
		Id: s.id, StartKey: []byte(fmt.Sprintf("r%08d", s.id)), EndKey: []byte(fmt.Sprintf("r%08d~", s.id)),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: s.confVer + 1, Version: s.version + 1},
	}
	for _, st := range s.stores {
		p := peerOn(s.id, st)
		if slices.Contains(s.learners, st) {
			p.Role = metapb.PeerRole_Learner
		}
		meta.Peers = append(meta.Peers, p)
	}
	var pending, down []*metapb.Peer
	for _, st := range s.pending {
		pending = append(pending, peerOn(s.id, st))
	}
	for _, st := range s.down {
		down = append(down, peerOn(s.id, st))
	}
	return core.NewRegionInfo(meta, peerOn(s.id, s.leader), core.WithApproximateSize(s.size),
		core.WithPendingPeers(pending), core.WithDownPeers(down))
}

// put heartbeats the region into the cluster.
func (f *fixture) put(s regionSpec) *core.RegionInfo {
	f.t.Helper()
	r := s.info()
	if _, err := f.c.HandleRegion(r); err != nil {
		f.t.Fatalf("region %d: %v", s.id, err)
	}
	return r
}

// fill gives a store extra region size through a single-replica region (which the balancer skips whenever
// max-replicas is not 1).
func (f *fixture) fill(id uint64, store uint64, size int64) {
	f.put(regionSpec{id: id, size: size, leader: store, stores: []uint64{store}})
}

// wantSteps fails unless op has exactly the steps given.
func wantSteps(t *testing.T, op *Operator, steps ...Step) {
	t.Helper()
	if op == nil {
		t.Fatalf("no operator, want %v", steps)
	}
	if op.Len() != len(steps) {
		t.Fatalf("operator %v, want steps %v", op, steps)
	}
	for i, s := range steps {
		if op.Step(i) != s {
			t.Fatalf("operator %v: step %d is %v, want %v", op, i, op.Step(i), s)
		}
	}
}

// newPeer returns the AddLearner op starts with, or a zero one (no operator, or another first step).
func newPeer(op *Operator) AddLearner {
	if op == nil || op.Len() == 0 {
		return AddLearner{}
	}
	add, _ := op.Step(0).(AddLearner)
	return add
}
