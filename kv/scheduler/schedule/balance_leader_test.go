package schedule

import "testing"

func balanceLeader(f *fixture) *Operator { return BalanceLeader{}.Schedule(f.c, f.env) }

func TestBalanceLeaderMovesToFollowerLeadingLeast(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	// Store 1 leads 4 regions, store 2 leads 1, stores 3 and 4 none; every region is on 1, 2, 3.
	for id := uint64(1); id <= 4; id++ {
		f.put(regionSpec{id: id, size: mb, leader: 1, stores: []uint64{1, 2, 3}})
	}
	f.put(regionSpec{id: 5, size: mb, leader: 2, stores: []uint64{1, 2, 3}})
	op := balanceLeader(f)
	if op == nil || op.Kind() != KindLeader {
		t.Fatalf("got %v, want a leader transfer", op)
	}
	wantSteps(t, op, TransferLeader{FromStore: 1, ToStore: 3, ToPeerID: op.RegionID()*100 + 3})
}

func TestBalanceLeaderNeedsAGapOfTwo(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3)
	f.put(regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3}})
	f.put(regionSpec{id: 2, size: mb, leader: 1, stores: []uint64{1, 2, 3}})
	f.put(regionSpec{id: 3, size: mb, leader: 2, stores: []uint64{1, 2, 3}})
	// Counts 2, 1, 0: a transfer from 1 to 3 makes it 1, 1, 1.
	op := balanceLeader(f)
	if op == nil {
		t.Fatal("gap of 2 leaders: no transfer")
	}
	wantSteps(t, op, TransferLeader{FromStore: 1, ToStore: 3, ToPeerID: op.RegionID()*100 + 3})
	f.env.Ops.AddOperator(op)
	// With the transfer in flight the counts are 1, 1, 1: nothing more to do.
	if op := balanceLeader(f); op != nil {
		t.Fatalf("balanced leaders (counting the one in flight): got %v", op)
	}
}

func TestBalanceLeaderSkipsPendingAndDownFollowers(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3)
	f.put(regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3}, pending: []uint64{3}, down: []uint64{2}})
	f.put(regionSpec{id: 2, size: mb, leader: 1, stores: []uint64{1, 2, 3}, pending: []uint64{3, 2}})
	if op := balanceLeader(f); op != nil {
		t.Fatalf("only pending or down followers: got %v", op)
	}
}

func TestBalanceLeaderBySize(t *testing.T) {
	f := newFixture(t, Config{LeaderBalanceBySize: true})
	f.addStores(1, 2)
	// Store 1 leads 30 MB, store 2 leads 9 MB: the gap 21 exceeds 2 × 10 MB, so the 10 MB region moves.
	f.put(regionSpec{id: 1, size: 10 * mb, leader: 1, stores: []uint64{1, 2}})
	f.put(regionSpec{id: 2, size: 20 * mb, leader: 1, stores: []uint64{1, 2}})
	f.put(regionSpec{id: 3, size: 9 * mb, leader: 2, stores: []uint64{1, 2}})
	for i := 0; i < 20; i++ { // random picks: the 20 MB region must never be chosen (gap 21 < 40)
		op := balanceLeader(f)
		if op == nil || op.RegionID() != 1 {
			t.Fatalf("got %v, want region 1's leadership moved", op)
		}
	}
}
