package schedule

import (
	"sync"
	"testing"
	"time"
)

func TestControllerHoldsOneOperatorPerRegion(t *testing.T) {
	f := newFixture(t, Config{})
	r := regionSpec{id: 1, size: 10, leader: 1, stores: []uint64{1, 2, 3}}.info()
	oc := f.env.Ops
	leader := NewOperator("a", r, KindLeader, PriorityNormal, f.now, time.Minute,
		TransferLeader{FromStore: 1, ToStore: 2, ToPeerID: 102})
	if !oc.AddOperator(leader) {
		t.Fatal("first operator refused")
	}
	same := NewOperator("b", r, KindRegion, PriorityNormal, f.now, time.Minute, AddPeer{ToStore: 4, PeerID: 104})
	if oc.AddOperator(same) {
		t.Fatal("a second operator of the same priority was accepted")
	}
	if oc.GetOperator(1) != leader || oc.Count(KindLeader) != 1 || oc.Count(KindRegion) != 0 {
		t.Fatal("the refused operator changed the controller")
	}
	repair := NewOperator("c", r, KindReplica, PriorityHigh, f.now, time.Minute, AddPeer{ToStore: 4, PeerID: 104})
	if !oc.AddOperator(repair) {
		t.Fatal("a higher-priority operator did not replace a lower one")
	}
	if oc.GetOperator(1) != repair || oc.Count(KindLeader) != 0 || oc.Count(KindReplica) != 1 {
		t.Fatalf("after replacement: op %v, leader %d, replica %d", oc.GetOperator(1), oc.Count(KindLeader),
			oc.Count(KindReplica))
	}
	if oc.AddOperator(leader) {
		t.Fatal("a lower-priority operator replaced a higher one")
	}
	if !oc.RemoveOperator(1) || oc.RemoveOperator(1) || oc.Count(KindReplica) != 0 {
		t.Fatal("RemoveOperator should remove once and report it")
	}
}

func TestControllerInfluenceFollowsSteps(t *testing.T) {
	f := newFixture(t, Config{})
	base := regionSpec{id: 1, size: 10, leader: 1, stores: []uint64{1, 2, 3}}
	oc := f.env.Ops
	oc.AddOperator(moveOp(f, base))
	in := oc.Influence()
	if in[4].RegionSize != 10 || in[4].RegionCount != 1 || in[1].RegionSize != -10 || in[4].LeaderCount != 1 ||
		in[1].LeaderCount != -1 {
		t.Fatalf("influence of a fresh move: %+v", in)
	}
	added := base
	added.stores, added.confVer = []uint64{1, 2, 3, 4}, 1
	oc.Dispatch(added.info())
	in = oc.Influence()
	if in[4].RegionSize != 0 || in[1].RegionSize != -10 {
		t.Fatalf("after the AddPeer applied the target still counts it twice: %+v", in)
	}
	oc.RemoveOperator(1)
	for id, v := range oc.Influence() {
		if v != (StoreInfluence{}) {
			t.Fatalf("store %d keeps influence %+v after the operator left", id, v)
		}
	}
}

// TestControllerConcurrent runs heartbeats, adds and removals from many goroutines (meant for -race).
func TestControllerConcurrent(t *testing.T) {
	f := newFixture(t, Config{})
	oc := f.env.Ops
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				id := uint64(i%50 + 1)
				r := regionSpec{id: id, size: 10, leader: 1, stores: []uint64{1, 2, 3}}
				switch (i + g) % 4 {
				case 0:
					oc.AddOperator(NewOperator("t", r.info(), KindLeader, PriorityNormal, f.now, time.Minute,
						TransferLeader{FromStore: 1, ToStore: 2, ToPeerID: id*100 + 2}))
				case 1:
					led := r
					led.leader = 2
					oc.Dispatch(led.info())
				case 2:
					oc.Dispatch(r.info())
				case 3:
					oc.RemoveOperator(id)
				}
				_ = oc.Influence()
			}
		}(g)
	}
	wg.Wait()
	n := len(oc.Operators())
	if int64(n) != oc.Stats().Running || n > 50 {
		t.Fatalf("%d operators listed, %d counted as running", n, oc.Stats().Running)
	}
	for _, op := range oc.Operators() {
		oc.RemoveOperator(op.RegionID())
	}
	for id, v := range oc.Influence() {
		if v != (StoreInfluence{}) {
			t.Fatalf("store %d keeps influence %+v with no operators", id, v)
		}
	}
}
