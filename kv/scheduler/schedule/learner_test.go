package schedule

import (
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

func TestLearnerStepsFinish(t *testing.T) {
	add := AddLearner{ToStore: 4, PeerID: 104}
	promote := PromoteLearner{ToStore: 4, PeerID: 104}
	for _, tc := range []struct {
		name          string
		spec          regionSpec
		added, voting bool
	}{
		{"not there yet", regionSpec{stores: []uint64{1, 2, 3}}, false, false},
		{"learner catching up", regionSpec{stores: []uint64{1, 2, 3, 4}, learners: []uint64{4}, pending: []uint64{4}},
			false, false},
		{"learner caught up", regionSpec{stores: []uint64{1, 2, 3, 4}, learners: []uint64{4}}, true, false},
		{"promoted", regionSpec{stores: []uint64{1, 2, 3, 4}}, true, true},
	} {
		spec := tc.spec
		spec.id, spec.leader = 1, 1
		r := spec.info()
		if got := add.IsFinished(r); got != tc.added {
			t.Errorf("%s: AddLearner finished %v, want %v", tc.name, got, tc.added)
		}
		if got := promote.IsFinished(r); got != tc.voting {
			t.Errorf("%s: PromoteLearner finished %v, want %v", tc.name, got, tc.voting)
		}
	}
	// Another peer on the store (an older replica of the region) is not the one the step added.
	other := regionSpec{id: 2, leader: 1, stores: []uint64{1, 2, 3, 4}}.info()
	if add.IsFinished(other) || promote.IsFinished(other) {
		t.Error("peer 204 on store 4 finished the steps for peer 104")
	}
	for _, s := range []Step{add, promote} {
		if !isConfChange(s) {
			t.Errorf("%v does not count as a membership change", s)
		}
	}
}

// learnerMove is the balance move of region 1's replica from store 1 (the leader) to store 4, through a learner.
func learnerMove(f *fixture, r regionSpec) *Operator {
	return NewOperator("test", r.info(), KindRegion, PriorityNormal, f.now, time.Minute,
		AddLearner{ToStore: 4, PeerID: 104}, PromoteLearner{ToStore: 4, PeerID: 104},
		TransferLeader{FromStore: 1, ToStore: 4, ToPeerID: 104}, RemovePeer{FromStore: 1, PeerID: 101})
}

// TestOperatorLearnerMoveAdvancesWithHeartbeats: each step is re-sent until applied, except an AddLearner whose
// learner is a pending member; the promotion waits for it to catch up and counts as a membership change.
func TestOperatorLearnerMoveAdvancesWithHeartbeats(t *testing.T) {
	f := newFixture(t, Config{})
	base := regionSpec{id: 1, size: 10, leader: 1, stores: []uint64{1, 2, 3}}
	oc := f.env.Ops
	oc.AddOperator(learnerMove(f, base))
	want := func(stage string, r regionSpec, step Step) {
		t.Helper()
		for i := 0; i < 2; i++ {
			if got := oc.Dispatch(r.info()); got != step {
				t.Fatalf("%s, heartbeat %d: got %v, want %v", stage, i, got, step)
			}
		}
	}
	want("nothing applied", base, AddLearner{ToStore: 4, PeerID: 104})
	joined := base
	joined.stores, joined.learners, joined.pending, joined.confVer = []uint64{1, 2, 3, 4}, []uint64{4}, []uint64{4}, 1
	want("learner catching up", joined, nil)
	caughtUp := joined
	caughtUp.pending = nil
	want("learner caught up", caughtUp, PromoteLearner{ToStore: 4, PeerID: 104})
	promoted := caughtUp
	promoted.learners, promoted.confVer = nil, 2
	want("promoted", promoted, TransferLeader{FromStore: 1, ToStore: 4, ToPeerID: 104})
	led := promoted
	led.leader = 4
	want("leader moved", led, RemovePeer{FromStore: 1, PeerID: 101})
	done := led
	done.stores, done.confVer = []uint64{2, 3, 4}, 3
	want("all applied", done, nil)
	if st := oc.Stats(); st.Finished != 1 || st.Stale != 0 || st.Running != 0 {
		t.Fatalf("stats %+v, want one finished", st)
	}

	// A membership change nobody asked for while the learner catches up makes the operator stale.
	oc.AddOperator(learnerMove(f, base))
	foreign := joined
	foreign.confVer = 2
	want("foreign change", foreign, nil)
	if st := oc.Stats(); st.Stale != 1 || oc.GetOperator(1) != nil {
		t.Fatalf("stats %+v, operator %v: want it dropped as stale", st, oc.GetOperator(1))
	}
}

func TestControllerLearnerInfluence(t *testing.T) {
	f := newFixture(t, Config{})
	base := regionSpec{id: 1, size: 10, leader: 1, stores: []uint64{1, 2, 3}}
	oc := f.env.Ops
	oc.AddOperator(learnerMove(f, base))
	if in := oc.Influence(); in[4].RegionSize != 10 || in[4].RegionCount != 1 || in[1].RegionSize != -10 {
		t.Fatalf("influence of a fresh learner move: %+v", in)
	}
	joined := base
	joined.stores, joined.learners, joined.confVer = []uint64{1, 2, 3, 4}, []uint64{4}, 1
	oc.Dispatch(joined.info())
	if in := oc.Influence(); in[4].RegionSize != 0 || in[1].RegionSize != -10 || in[4].LeaderCount != 1 {
		t.Fatalf("after the learner joined: %+v", in)
	}
}

func TestReplicaCheckerAddsThroughLearner(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3)
	op := check(f, regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2}})
	add := newPeer(op)
	wantSteps(t, op, AddLearner{ToStore: 3, PeerID: add.PeerID}, PromoteLearner{ToStore: 3, PeerID: add.PeerID})
	if op.Desc() != "add-replica" || add.PeerID == 0 {
		t.Fatalf("operator %v", op)
	}
}

// TestReplicaCheckerCountsOnlyVoters: a learner is not a replica; a region short of voters that has one
// promotes it (once caught up) instead of adding another.
func TestReplicaCheckerCountsOnlyVoters(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	short := regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3}, learners: []uint64{3},
		pending: []uint64{3}}
	if op := check(f, short); op != nil {
		t.Fatalf("two voters and a learner catching up: got %v, want to wait for it", op)
	}
	short.pending = nil
	op := check(f, short)
	wantSteps(t, op, PromoteLearner{ToStore: 3, PeerID: 103})
	if op.Desc() != "promote-learner" || op.Kind() != KindReplica {
		t.Fatalf("operator %v", op)
	}
}

// TestReplicaCheckerLeftoverLearner: a learner left by an interrupted move is promoted, never removed as an
// extra replica; the extra voter that makes goes next.
func TestReplicaCheckerLeftoverLearner(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4, 5)
	f.fill(901, 3, 100*mb)
	spec := regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3, 4, 5}, learners: []uint64{5}}
	wantSteps(t, check(f, spec), PromoteLearner{ToStore: 5, PeerID: 105}) // four voters already: still promoted
	f.env.Ops.RemoveOperator(1)
	spec.learners, spec.confVer = nil, 1
	wantSteps(t, check(f, spec), RemovePeer{FromStore: 3, PeerID: 103}) // five voters: the most loaded goes
}

func TestReplicaCheckerRemovesLearnerOnUnusableStore(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(f *fixture)
		down  []uint64
	}{
		{"silent store", func(f *fixture) {
			f.advance(2 * time.Minute)
			f.beat(1)
			f.beat(2)
			f.beat(3)
		}, nil},
		{"offline store", func(f *fixture) {
			if err := f.c.SetStoreState(4, metapb.StoreState_Offline); err != nil {
				f.t.Fatal(err)
			}
		}, nil},
		{"reported down", func(*fixture) {}, []uint64{4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{})
			f.addStores(1, 2, 3, 4)
			tc.store(f)
			op := check(f, regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3, 4}, learners: []uint64{4},
				down: tc.down})
			wantSteps(t, op, RemovePeer{FromStore: 4, PeerID: 104})
			if op.Desc() != "remove-learner" {
				t.Fatalf("operator %v", op)
			}
		})
	}
}

// TestReplicaCheckerLearnerReplacesDownVoter: with a voter on a dead store and a learner in the region, the
// learner becomes the replacement rather than a second new replica.
func TestReplicaCheckerLearnerReplacesDownVoter(t *testing.T) {
	f := newFixture(t, Config{MaxStoreDownTime: time.Minute})
	f.addStores(1, 2, 3, 4, 5)
	f.advance(2 * time.Minute)
	for _, id := range []uint64{1, 2, 4, 5} {
		f.beat(id)
	}
	spec := regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3, 4}, learners: []uint64{4},
		pending: []uint64{4}}
	if op := check(f, spec); op != nil {
		t.Fatalf("learner still catching up: got %v, want to wait", op)
	}
	spec.pending = nil
	wantSteps(t, check(f, spec), PromoteLearner{ToStore: 4, PeerID: 104})
	f.env.Ops.RemoveOperator(1)
	spec.learners, spec.confVer = nil, 1
	wantSteps(t, check(f, spec), RemovePeer{FromStore: 3, PeerID: 103})
}

func TestReplicaCheckerLeavesJointRegions(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	r := regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3, 4}}.info()
	r.Peers()[2].Role, r.Peers()[3].Role = metapb.PeerRole_OutgoingVoter, metapb.PeerRole_IncomingVoter
	if _, err := f.c.HandleRegion(r); err != nil {
		t.Fatal(err)
	}
	if op := (ReplicaChecker{}).Check(f.c, f.env, r); op != nil {
		t.Fatalf("joint region got %v", op)
	}
}

func TestBalanceRegionSkipsRegionsWithLearners(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4, 5)
	f.fill(901, 1, 1000*mb)
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3, 4}, learners: []uint64{4}})
	f.put(regionSpec{id: 2, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}, learners: []uint64{3}})
	if op := balanceRegion(f); op != nil {
		t.Fatalf("only regions with learners on the source: got %v", op)
	}
	f.put(regionSpec{id: 3, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}})
	op := balanceRegion(f)
	if op == nil || op.RegionID() != 3 {
		t.Fatalf("got %v, want region 3 moved", op)
	}
	add := newPeer(op)
	if add.PeerID == 0 || op.Step(1) != PromoteLearner(add) {
		t.Fatalf("operator %v, want a learner added and promoted first", op)
	}
	if _, ok := op.Step(op.Len() - 1).(RemovePeer); !ok {
		t.Fatalf("operator %v, want a peer removed last", op)
	}
}

func TestBalanceLeaderNeverToLearner(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3)
	for id := uint64(1); id <= 3; id++ {
		f.put(regionSpec{id: id, size: mb, leader: 1, stores: []uint64{1, 2, 3}, learners: []uint64{3}})
	}
	f.put(regionSpec{id: 4, size: mb, leader: 2, stores: []uint64{1, 2, 3}})
	// Leader counts 3, 1, 0: store 3 leads least but holds only learners of the regions store 1 leads.
	op := balanceLeader(f)
	wantSteps(t, op, TransferLeader{FromStore: 1, ToStore: 2, ToPeerID: op.RegionID()*100 + 2})
}
