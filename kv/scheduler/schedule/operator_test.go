package schedule

import (
	"testing"
	"time"
)

// moveOp is the balance move of region 1's replica from store 1 (the leader) to store 4.
func moveOp(f *fixture, r regionSpec) *Operator {
	return NewOperator("test", r.info(), KindRegion, PriorityNormal, f.now, time.Minute,
		AddPeer{ToStore: 4, PeerID: 104},
		TransferLeader{FromStore: 1, ToStore: 4, ToPeerID: 104},
		RemovePeer{FromStore: 1, PeerID: 101})
}

func TestOperatorStepsAdvanceWithHeartbeats(t *testing.T) {
	f := newFixture(t, Config{})
	base := regionSpec{id: 1, size: 10, leader: 1, stores: []uint64{1, 2, 3}}
	oc := f.env.Ops
	if !oc.AddOperator(moveOp(f, base)) {
		t.Fatal("AddOperator refused an operator for a region with none")
	}
	// Not applied yet: the step is sent again on every heartbeat.
	for i := 0; i < 3; i++ {
		if got := oc.Dispatch(base.info()); got != (AddPeer{ToStore: 4, PeerID: 104}) {
			t.Fatalf("heartbeat %d: got %v, want the AddPeer step", i, got)
		}
	}
	joined := base
	joined.stores, joined.pending, joined.confVer = []uint64{1, 2, 3, 4}, []uint64{4}, 1
	if got := oc.Dispatch(joined.info()); got != nil {
		t.Fatalf("pending new peer: got %v, want nothing to send while it catches up", got)
	}
	if op := oc.GetOperator(1); op == nil || op.Current() != 0 {
		t.Fatalf("pending new peer: operator %v should still be at step 0", op)
	}
	caughtUp := joined
	caughtUp.pending = nil
	if got := oc.Dispatch(caughtUp.info()); got != (TransferLeader{FromStore: 1, ToStore: 4, ToPeerID: 104}) {
		t.Fatalf("caught up: got %v, want the TransferLeader step", got)
	}
	led := caughtUp
	led.leader = 4
	if got := oc.Dispatch(led.info()); got != (RemovePeer{FromStore: 1, PeerID: 101}) {
		t.Fatalf("leader moved: got %v, want the RemovePeer step", got)
	}
	done := led
	done.stores, done.confVer = []uint64{2, 3, 4}, 2
	if got := oc.Dispatch(done.info()); got != nil {
		t.Fatalf("all applied: got %v, want nil", got)
	}
	if oc.GetOperator(1) != nil {
		t.Fatal("a finished operator stays in the controller")
	}
	if st := oc.Stats(); st.Finished != 1 || st.Running != 0 {
		t.Fatalf("stats %+v, want one finished and none running", st)
	}
}

func TestOperatorCheckSkipsStepsAppliedTogether(t *testing.T) {
	f := newFixture(t, Config{})
	base := regionSpec{id: 1, size: 10, leader: 1, stores: []uint64{1, 2, 3}}
	op := moveOp(f, base)
	// One heartbeat may show several steps applied at once.
	led := base
	led.stores, led.leader, led.confVer = []uint64{1, 2, 3, 4}, 4, 1
	if got := op.Check(led.info()); got != (RemovePeer{FromStore: 1, PeerID: 101}) || op.Current() != 2 {
		t.Fatalf("got %v at step %d, want RemovePeer at step 2", got, op.Current())
	}
}

func TestOperatorTimesOut(t *testing.T) {
	f := newFixture(t, Config{})
	base := regionSpec{id: 1, size: 10, leader: 1, stores: []uint64{1, 2, 3}}
	oc := f.env.Ops
	oc.AddOperator(moveOp(f, base))
	f.advance(59 * time.Second)
	if oc.Dispatch(base.info()) == nil {
		t.Fatal("operator gave up before its timeout")
	}
	f.advance(2 * time.Second)
	if got := oc.Dispatch(base.info()); got != nil || oc.GetOperator(1) != nil {
		t.Fatalf("after the timeout got %v and operator %v, want both gone", got, oc.GetOperator(1))
	}
	// A region that never heartbeats again is swept by RemoveExpired.
	oc.AddOperator(NewOperator("t", regionSpec{id: 2, stores: []uint64{1}}.info(), KindLeader, PriorityNormal,
		f.now, time.Second, TransferLeader{FromStore: 1, ToStore: 2, ToPeerID: 202}))
	if n := oc.RemoveExpired(); n != 0 {
		t.Fatalf("RemoveExpired dropped %d fresh operators", n)
	}
	f.advance(2 * time.Second)
	if n := oc.RemoveExpired(); n != 1 || oc.Count(KindLeader) != 0 {
		t.Fatalf("RemoveExpired dropped %d, leader count %d; want 1 and 0", n, oc.Count(KindLeader))
	}
	if st := oc.Stats(); st.Expired != 2 {
		t.Fatalf("stats %+v, want 2 expired", st)
	}
}

func TestOperatorDroppedWhenRegionChangedElsewhere(t *testing.T) {
	cases := []struct {
		name   string
		change func(*regionSpec)
	}{
		{"split or merge bumped the version", func(r *regionSpec) { r.version++ }},
		{"someone else added a peer", func(r *regionSpec) { r.stores = append(r.stores, 5); r.confVer++ }},
		{"our peer joined and another conf change followed", func(r *regionSpec) {
			r.stores = append(r.stores, 4)
			r.confVer += 2
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{})
			base := regionSpec{id: 1, size: 10, leader: 1, stores: []uint64{1, 2, 3}}
			oc := f.env.Ops
			oc.AddOperator(moveOp(f, base))
			changed := base
			changed.stores = append([]uint64(nil), base.stores...)
			tc.change(&changed)
			if got := oc.Dispatch(changed.info()); got != nil || oc.GetOperator(1) != nil {
				t.Fatalf("got %v, operator %v; want the stale operator dropped", got, oc.GetOperator(1))
			}
			if st := oc.Stats(); st.Stale != 1 {
				t.Fatalf("stats %+v, want one stale", st)
			}
		})
	}
}
