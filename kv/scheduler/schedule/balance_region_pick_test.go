package schedule

import "testing"

func TestBalanceRegionUnmovableFollowerDoesNotHideMovableOne(t *testing.T) {
	bad := 0
	for seed := uint64(1); seed <= 40; seed++ {
		f := newFixture(t, Config{MaxReplicas: 3})
		f.addStores(1, 2, 3, 4, 5, 6)
		f.put(regionSpec{id: 1, size: 10 * mb, leader: 1, stores: []uint64{1, 2, 3}})    // led by 1
		f.put(regionSpec{id: 2, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}})    // movable follower
		f.put(regionSpec{id: 3, size: 10 * mb, leader: 4, stores: []uint64{1, 2, 4, 5}}) // follower, 4 replicas: unmovable
		f.env.Rand = newRand(seed)
		op := balanceRegion(f)
		if op == nil || op.RegionID() != 2 {
			bad++
			t.Logf("seed %d: %v", seed, op)
		}
	}
	if bad > 0 {
		t.Fatalf("%d of 40 seeds did not move the movable follower region 2", bad)
	}
}
func TestBalanceRegionRetriesPastUnmovablePicks(t *testing.T) {
	bad := 0
	for seed := uint64(1); seed <= 40; seed++ {
		f := newFixture(t, Config{MaxReplicas: 3})
		f.addStores(1, 2, 3, 4, 5, 6)
		f.put(regionSpec{id: 1, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3}}) // the one movable region on store 1
		for id := uint64(2); id <= 4; id++ {                                          // 4 replicas: unmovable
			f.put(regionSpec{id: id, size: 10 * mb, leader: 2, stores: []uint64{1, 2, 3, 4}})
		}
		f.put(regionSpec{id: 5, size: 5 * mb, leader: 4, stores: []uint64{4, 5, 6}}) // movable, elsewhere
		f.env.Rand = newRand(seed)
		op := balanceRegion(f)
		if op == nil || op.RegionID() != 1 || op.Step(op.Len()-1) != (RemovePeer{FromStore: 1, PeerID: 101}) {
			bad++
			t.Logf("seed %d: %v", seed, op)
		}
	}
	if bad > 0 {
		t.Fatalf("%d of 40 seeds did not move region 1 off the heaviest store 1", bad)
	}
}
