package schedule

import (
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

const mb = int64(1 << 20)

// skewed builds stores 1..4 with store 1 the heaviest (1000 MB more than the others before test regions).
func skewed(t *testing.T, maxReplicas int) *fixture {
	f := newFixture(t, Config{MaxReplicas: maxReplicas})
	f.addStores(1, 2, 3, 4)
	f.fill(901, 1, 1000*mb)
	return f
}

func TestBalanceRegionPrefersPendingThenFollowerThenLeader(t *testing.T) {
	f := skewed(t, 3)
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 1, stores: []uint64{1, 2, 3}})
	f.put(regionSpec{id: 2, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}})
	f.put(regionSpec{id: 3, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}, pending: []uint64{1}})

	op := balanceRegion(f)
	if op == nil || op.RegionID() != 3 {
		t.Fatalf("with a pending region on the source got %v, want region 3 moved", op)
	}
	wantSteps(t, op, AddLearner{ToStore: 4, PeerID: newPeer(op).PeerID}, PromoteLearner{ToStore: 4, PeerID: newPeer(op).PeerID},
		RemovePeer{FromStore: 1, PeerID: 301})

	f.put(regionSpec{id: 3, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}, confVer: 0}) // caught up
	op = balanceRegion(f)
	if op == nil || op.Step(op.Len()-1) != (RemovePeer{FromStore: 1, PeerID: op.RegionID()*100 + 1}) ||
		op.RegionID() == 1 {
		t.Fatalf("with no pending region got %v, want a follower region (2 or 3) moved off store 1", op)
	}

	// Only a led region left on store 1: the move hands its leadership over before removing the peer.
	f = skewed(t, 3)
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 1, stores: []uint64{1, 2, 3}})
	op = balanceRegion(f)
	if op == nil {
		t.Fatal("a led region was not moved")
	}
	id := newPeer(op).PeerID
	wantSteps(t, op, AddLearner{ToStore: 4, PeerID: id}, PromoteLearner{ToStore: 4, PeerID: id},
		TransferLeader{FromStore: 1, ToStore: 4, ToPeerID: id},
		RemovePeer{FromStore: 1, PeerID: 101})
}

func TestBalanceRegionTargetIsLightestStoreWithoutReplica(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4, 5)
	f.fill(901, 1, 1000*mb)
	f.fill(902, 4, 50*mb)
	f.fill(903, 5, 80*mb)
	// Store 2 and 3 are lightest but hold the region; 4 is next.
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}})
	op := balanceRegion(f)
	if op == nil || newPeer(op).ToStore != 4 {
		t.Fatalf("got %v, want a peer added on store 4", op)
	}
}

func TestBalanceRegionGapMustExceedTwiceRegionSize(t *testing.T) {
	for _, tc := range []struct {
		extra int64 // store 1's size above store 4's, beyond the region itself
		move  bool
	}{
		{extra: 2*10*mb - 10*mb, move: false},    // gap = 2 × size exactly
		{extra: 2*10*mb - 10*mb + 1, move: true}, // one byte more
		{extra: 0, move: false},
	} {
		f := newFixture(t, Config{})
		f.addStores(1, 2, 3, 4)
		f.put(regionSpec{id: 1, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}})
		if tc.extra > 0 {
			f.fill(901, 1, tc.extra)
		}
		// Store 1 = 10 MB + extra; store 4 = 0: the gap is 10 MB + extra.
		op := balanceRegion(f)
		if (op != nil) != tc.move {
			t.Fatalf("gap %d with a %d-byte region: got %v, want move=%v", 10*mb+tc.extra, 10*mb, op, tc.move)
		}
	}
}

func TestBalanceRegionSkipsWrongReplicaCount(t *testing.T) {
	f := skewed(t, 3)
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 2, stores: []uint64{1, 2}})
	f.put(regionSpec{id: 2, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3, 4}})
	if op := balanceRegion(f); op != nil {
		t.Fatalf("got %v for regions with 2 and 4 replicas (max 3), want nil", op)
	}
}

func TestBalanceRegionNoTargetNoOperator(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3)
	f.fill(901, 1, 1000*mb)
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}})
	if op := balanceRegion(f); op != nil {
		t.Fatalf("every store holds the region, got %v, want nil", op)
	}
}

func TestBalanceRegionNeverTargetsUnusableStores(t *testing.T) {
	f := skewed(t, 3)
	f.addStores(5, 6, 7)
	f.fill(902, 4, 100*mb) // 4 is the only usable light store left
	f.fill(903, 5, 1)
	f.fill(904, 6, 1)
	f.fill(905, 7, 1)
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}})
	if err := f.c.SetStoreState(5, metapb.StoreState_Tombstone); err != nil {
		t.Fatal(err)
	}
	if err := f.c.SetStoreState(6, metapb.StoreState_Offline); err != nil {
		t.Fatal(err)
	}
	f.advance(2 * time.Minute) // 7 stops sending heartbeats
	f.beat(1)
	f.beat(2)
	f.beat(3)
	f.beat(4)
	op := balanceRegion(f)
	if op == nil || newPeer(op).ToStore != 4 {
		t.Fatalf("got %v, want store 4 (5 tombstone, 6 offline, 7 silent)", op)
	}
}

func TestBalanceRegionTriesTheNextSource(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4, 5)
	f.fill(901, 1, 1000*mb)
	f.fill(902, 2, 500*mb)
	f.fill(903, 5, 400*mb)
	// Store 1's only movable region already has an operator; store 2 is the next heaviest.
	r1 := f.put(regionSpec{id: 1, size: 10 * mb, leader: 3, stores: []uint64{1, 3, 4}})
	f.env.Ops.AddOperator(NewOperator("busy", r1, KindLeader, PriorityNormal, f.now, time.Minute,
		TransferLeader{FromStore: 3, ToStore: 4, ToPeerID: 104}))
	f.put(regionSpec{id: 2, size: 10 * mb, leader: 3, stores: []uint64{2, 3, 4}})
	op := balanceRegion(f)
	if op == nil || op.RegionID() != 2 || op.Step(op.Len()-1) != (RemovePeer{FromStore: 2, PeerID: 202}) {
		t.Fatalf("got %v, want region 2 moved off store 2", op)
	}
}

func TestBalanceRegionCountsOperatorsInFlight(t *testing.T) {
	f := newFixture(t, Config{MaxReplicas: 1})
	f.addStores(1, 2)
	for id := uint64(1); id <= 4; id++ {
		f.put(regionSpec{id: id, size: 10 * mb, leader: 1, stores: []uint64{1}})
	}
	// Store 1: 40 MB, store 2: 0. One move makes it 30 vs 10 (gap 20 = 2 × size): no second move.
	ops := 0
	for i := 0; i < 4; i++ {
		op := balanceRegion(f)
		if op == nil {
			break
		}
		f.env.Ops.AddOperator(op)
		ops++
	}
	if ops != 1 {
		t.Fatalf("%d moves planned from a 40 MB vs 0 MB gap of 10 MB regions, want 1", ops)
	}
}

// TestBalanceRegionReplicaSettings covers max-replicas 1, 3 and 5: the region of the right width moves from
// the heaviest store to the lightest store without a replica; other widths stay.
func TestBalanceRegionReplicaSettings(t *testing.T) {
	for _, tc := range []struct {
		max    int
		stores []uint64 // the region's replicas; store 1 is the heavy source and leads when it holds one
		target uint64
	}{
		{max: 1, stores: []uint64{1}, target: 3},       // store 2 is heavy with the wrong-width regions
		{max: 3, stores: []uint64{1, 2, 3}, target: 5}, // store 4 holds the 4-wide region
		{max: 5, stores: []uint64{1, 2, 3, 4, 5}, target: 6},
	} {
		f := newFixture(t, Config{MaxReplicas: tc.max})
		f.addStores(1, 2, 3, 4, 5, 6)
		f.put(regionSpec{id: 1, size: 10 * mb, leader: 1, stores: tc.stores})
		// Store 1 weighs more through regions of the wrong width (a width of max+1 is never movable).
		wide := make([]uint64, 0, tc.max+1)
		for s := uint64(1); len(wide) < tc.max+1 && s <= 6; s++ {
			wide = append(wide, s)
		}
		if len(wide) == tc.max+1 {
			f.put(regionSpec{id: 2, size: 500 * mb, leader: 2, stores: wide})
		}
		// Width 2 is never max here; led from store 2 so that store 1's only led region is region 1.
		f.put(regionSpec{id: 3, size: 600 * mb, leader: 2, stores: []uint64{1, 2}})
		wantRemove := RemovePeer{FromStore: 1, PeerID: 101}
		op := balanceRegion(f)
		if tc.max == 1 {
			// Width 1 is max: only region 1 qualifies (region 3 has width 2), and store 1 is heaviest.
			if op == nil || op.RegionID() != 1 {
				t.Fatalf("max 1: got %v, want region 1 moved", op)
			}
		}
		if op == nil || op.RegionID() != 1 || newPeer(op).ToStore != tc.target ||
			op.Step(op.Len()-1) != wantRemove {
			t.Fatalf("max %d: got %v, want region 1 moved from store 1 to store %d", tc.max, op, tc.target)
		}
		f.env.Ops.RemoveOperator(1)
		if len(tc.stores) > 1 {
			f.put(regionSpec{id: 1, size: 10 * mb, leader: 1, stores: tc.stores[:len(tc.stores)-1], confVer: 1})
			if op := balanceRegion(f); op != nil {
				t.Fatalf("max %d: region with %d replicas moved: %v", tc.max, len(tc.stores)-1, op)
			}
		}
	}
}

// TestBalanceRegionReplacesPendingPeer: a store whose replica of a region is pending (behind, maybe slow) is
// the one the region leaves, to the lightest store.
func TestBalanceRegionReplacesPendingPeer(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	f.fill(901, 1, 100*mb)
	f.fill(902, 2, 50*mb)
	f.fill(903, 3, 50*mb)
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}, pending: []uint64{1}})
	f.put(regionSpec{id: 2, size: 10 * mb, leader: 1, stores: []uint64{1, 2, 3}})
	op := balanceRegion(f)
	if op == nil || op.RegionID() != 1 {
		t.Fatalf("got %v, want the pending region 1 moved", op)
	}
	wantSteps(t, op, AddLearner{ToStore: 4, PeerID: newPeer(op).PeerID}, PromoteLearner{ToStore: 4, PeerID: newPeer(op).PeerID},
		RemovePeer{FromStore: 1, PeerID: 101})
}

func balanceRegion(f *fixture) *Operator { return BalanceRegion{}.Schedule(f.c, f.env) }
