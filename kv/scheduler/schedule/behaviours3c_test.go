package schedule

import (
	"testing"
)

// spreadFixture builds stores 1..6 where store 1 holds a replica of every region given,
// stores 2..5 share the other replicas (so store 1 is strictly the heaviest) and store 6
// is empty: the target of every move.
func spreadFixture(t *testing.T, led, followers int, pending bool) *fixture {
	f := newFixture(t, Config{MaxReplicas: 3})
	f.addStores(1, 2, 3, 4, 5, 6)
	id := uint64(1)
	add := func(leaderIsOne, isPending bool) {
		a, b := 2+id%4, 2+(id+1)%4
		s := regionSpec{id: id, size: 10 * mb, leader: a, stores: []uint64{1, a, b}}
		if leaderIsOne {
			s.leader = 1
		}
		if isPending {
			s.pending = []uint64{1}
		}
		f.put(s)
		id++
	}
	for range led {
		add(true, false)
	}
	for range followers {
		add(false, false)
	}
	if pending {
		add(false, true) // the last id
	}
	return f
}

// 3C balance-region source choice: "A pending region is preferred, then a follower, then
// a leader", whatever the random picks: the order is checked under 40 seeds with many
// regions of the less preferred kinds, so a balancer that picked at random among
// store 1's regions would fail it.
func TestBalanceRegionSourcePreferenceUnderManySeeds(t *testing.T) {
	const led, followers = 10, 10
	for seed := uint64(1); seed <= 40; seed++ {
		// Pending first.
		f := spreadFixture(t, led, followers, true)
		f.env.Rand = newRand(seed)
		pendingID := uint64(led + followers + 1)
		op := balanceRegion(f)
		if op == nil || op.RegionID() != pendingID {
			t.Fatalf("seed %d: got %v, want the pending region %d moved", seed, op, pendingID)
		}
		checkMove(t, op, 1, 6, false)
		// No pending region: a follower region, moved without a leader transfer.
		f = spreadFixture(t, led, followers, false)
		f.env.Rand = newRand(seed)
		op = balanceRegion(f)
		if op == nil || op.RegionID() <= led {
			t.Fatalf("seed %d: got %v, want one of the follower regions %d..%d", seed, op, led+1, led+followers)
		}
		checkMove(t, op, 1, 6, false)
		// Only led regions: one moves, its leadership handed to the new peer first.
		f = spreadFixture(t, led, 0, false)
		f.env.Rand = newRand(seed)
		op = balanceRegion(f)
		if op == nil {
			t.Fatalf("seed %d: no move with only led regions", seed)
		}
		checkMove(t, op, 1, 6, true)
	}
}

// checkMove asserts op moves its region's replica from store from (peer id region*100+from)
// to store to: a peer (or a learner then its promotion) added on to, leadership handed
// to it when the leaving peer leads, then the old peer removed; nothing else.
func checkMove(t *testing.T, op *Operator, from, to uint64, transfer bool) {
	t.Helper()
	var steps []Step
	for i := 0; i < op.Len(); i++ {
		steps = append(steps, op.Step(i))
	}
	var id uint64
	switch s := steps[0].(type) {
	case AddPeer:
		if s.ToStore == to {
			id, steps = s.PeerID, steps[1:]
		}
	case AddLearner:
		if s.ToStore == to && len(steps) > 1 && steps[1] == (PromoteLearner{ToStore: to, PeerID: s.PeerID}) {
			id, steps = s.PeerID, steps[2:]
		}
	}
	want := []Step{RemovePeer{FromStore: from, PeerID: op.RegionID()*100 + from}}
	if transfer {
		want = append([]Step{TransferLeader{FromStore: from, ToStore: to, ToPeerID: id}}, want...)
	}
	if id == 0 || len(steps) != len(want) {
		t.Fatalf("operator %v, want add on store %d, transfer %v, then %v", op, to, transfer, want[len(want)-1])
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("operator %v: step %v, want %v", op, steps[i], want[i])
		}
	}
}
