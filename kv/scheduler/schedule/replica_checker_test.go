package schedule

import (
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

func check(f *fixture, s regionSpec) *Operator {
	return ReplicaChecker{}.Check(f.c, f.env, f.put(s))
}

func TestReplicaCheckerAddsMissingReplica(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	f.fill(901, 3, 100*mb)
	f.fill(902, 4, 50*mb)
	op := check(f, regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1}})
	if op == nil || op.Kind() != KindReplica || op.Priority() != PriorityHigh {
		t.Fatalf("got %v, want a replica operator", op)
	}
	id := newPeer(op).PeerID // 2 is empty
	wantSteps(t, op, AddLearner{ToStore: 2, PeerID: id}, PromoteLearner{ToStore: 2, PeerID: id})
	if op := check(f, regionSpec{id: 2, size: mb, leader: 1, stores: []uint64{1, 2, 3}}); op != nil {
		t.Fatalf("a region at max-replicas got %v", op)
	}
}

func TestReplicaCheckerRemovesExtraReplica(t *testing.T) {
	for _, tc := range []struct {
		name         string
		spec         regionSpec
		wantRemoveOn uint64
	}{
		{"most loaded store", regionSpec{stores: []uint64{1, 2, 3, 4}}, 3},
		{"pending peer before load", regionSpec{stores: []uint64{1, 2, 3, 4}, pending: []uint64{2}}, 2},
		{"down peer before pending", regionSpec{stores: []uint64{1, 2, 3, 4}, pending: []uint64{2},
			down: []uint64{4}}, 4},
		{"never the leader", regionSpec{stores: []uint64{1, 2, 3, 4}, leader: 3}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{})
			f.addStores(1, 2, 3, 4)
			f.fill(901, 3, 100*mb)
			f.fill(902, 4, 50*mb)
			spec := tc.spec
			spec.id, spec.size = 1, mb
			if spec.leader == 0 {
				spec.leader = 1
			}
			op := check(f, spec)
			wantSteps(t, op, RemovePeer{FromStore: tc.wantRemoveOn, PeerID: 100 + tc.wantRemoveOn})
		})
	}
}

func TestReplicaCheckerReplacesPeerOnDownStore(t *testing.T) {
	f := newFixture(t, Config{MaxStoreDownTime: 10 * time.Minute})
	f.addStores(1, 2, 3, 4)
	spec := regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3}}
	f.advance(9 * time.Minute)
	f.beat(1)
	f.beat(2)
	f.beat(4)
	if op := check(f, spec); op != nil {
		t.Fatalf("store 3 silent for 9m (< 10m) got %v", op)
	}
	f.advance(2 * time.Minute)
	f.beat(1)
	f.beat(2)
	f.beat(4)
	op := check(f, spec)
	if op == nil {
		t.Fatal("store 3 silent for 11m: no replacement")
	}
	wantSteps(t, op, AddLearner{ToStore: 4, PeerID: newPeer(op).PeerID}, PromoteLearner{ToStore: 4, PeerID: newPeer(op).PeerID},
		RemovePeer{FromStore: 3, PeerID: 103})

	// With a fourth replica already in place, the dead one is just removed.
	f.env.Ops.RemoveOperator(1)
	spec.stores, spec.confVer = []uint64{1, 2, 3, 4}, 1
	wantSteps(t, check(f, spec), RemovePeer{FromStore: 3, PeerID: 103})
}

func TestReplicaCheckerNeedsATarget(t *testing.T) {
	f := newFixture(t, Config{MaxStoreDownTime: time.Minute})
	f.addStores(1, 2, 3)
	f.advance(2 * time.Minute)
	f.beat(1)
	f.beat(2)
	if op := check(f, regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3}}); op != nil {
		t.Fatalf("no store to replace store 3 on, got %v", op)
	}
	if op := check(f, regionSpec{id: 2, size: mb, leader: 1, stores: []uint64{1, 2}}); op != nil {
		t.Fatalf("no store for a third replica (3 is down), got %v", op)
	}
}

func TestReplicaCheckerLeavesRegionsWithOperators(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3)
	r := f.put(regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1}})
	f.env.Ops.AddOperator(NewOperator("x", r, KindLeader, PriorityNormal, f.now, time.Minute,
		TransferLeader{FromStore: 1, ToStore: 2, ToPeerID: 102}))
	if op := (ReplicaChecker{}).Check(f.c, f.env, r); op != nil {
		t.Fatalf("region with an operator got %v", op)
	}
}

func TestReplicaCheckerDrainsOfflineStore(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	if err := f.c.SetStoreState(3, metapb.StoreState_Offline); err != nil {
		t.Fatal(err)
	}
	op := check(f, regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3}})
	if op == nil {
		t.Fatal("a replica on an offline store was left in place")
	}
	wantSteps(t, op, AddLearner{ToStore: 4, PeerID: newPeer(op).PeerID}, PromoteLearner{ToStore: 4, PeerID: newPeer(op).PeerID},
		RemovePeer{FromStore: 3, PeerID: 103})
}

func TestReplicaCheckerMovesLeaderOffOfflineStore(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	if err := f.c.SetStoreState(1, metapb.StoreState_Offline); err != nil {
		t.Fatal(err)
	}
	op := check(f, regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3}, pending: []uint64{2}})
	wantSteps(t, op, TransferLeader{FromStore: 1, ToStore: 3, ToPeerID: 103}) // 2 is pending
}
