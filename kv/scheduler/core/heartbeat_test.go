package core

import (
	"errors"
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// 3C "The same epoch changes nothing. A higher version and/or conf_ver is accepted. A lower version
// or conf_ver is rejected with an error" (TestRegion{NotUpdate,UpdateVersion,WithStaleVersion,
// UpdateVersionAndConfver,WithStaleConfVer}3C).
func TestEpochRules(t *testing.T) {
	cases := []struct {
		name             string
		confVer, version uint64
		wantChanged      bool
		wantErr          error
	}{
		{"same epoch is a no-op", 2, 2, false, nil},
		{"higher version accepted", 2, 3, true, nil},
		{"higher conf_ver accepted", 3, 2, true, nil},
		{"higher version and conf_ver accepted", 3, 3, true, nil},
		{"lower version rejected", 2, 1, false, ErrStaleEpoch},
		{"lower conf_ver rejected", 1, 2, false, ErrStaleEpoch},
		{"lower conf_ver with higher version rejected", 1, 3, false, ErrStaleEpoch},
		{"lower version with higher conf_ver rejected", 3, 1, false, ErrStaleEpoch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCluster()
			orig := mkRegion(1, "a", "z", 2, 2, 1, 2, 3)
			mustHandle(t, c, orig, true)
			next := mkRegion(1, "a", "z", tc.confVer, tc.version, 1, 2, 3)
			changed, err := c.HandleRegion(next)
			if !errors.Is(err, tc.wantErr) || changed != tc.wantChanged {
				t.Fatalf("HandleRegion = %v, %v; want %v, %v", changed, err, tc.wantChanged, tc.wantErr)
			}
			want := orig
			if tc.wantChanged {
				want = next
			}
			if got := c.GetRegion(1); got != want {
				t.Fatalf("cached %v, want %v", got, want)
			}
			checkConsistent(t, c)
		})
	}
}

// 3C "Changes to peers, pending peers, leader and size are stored" (TestRegion{Add,Remove}PendingPeer3C,
// TestRegion{RemovePeers,AddBackPeers,ChangeLeader,ChangeApproximateSize}3C), with an unchanged epoch
// for leader, pending, down and size and a higher conf_ver for membership.
func TestHeartbeatChangesAreStored(t *testing.T) {
	c := NewCluster()
	r := mkRegion(1, "", "", 1, 1, 1, 2, 3)
	mustHandle(t, c, r, true)
	step := func(name string, next *RegionInfo, check func(got *RegionInfo) bool) {
		t.Helper()
		mustHandle(t, c, next, true)
		got := c.GetRegion(1)
		if got != next || !check(got) {
			t.Fatalf("%s: cached %v does not hold the change", name, got)
		}
		checkConsistent(t, c)
		mustHandle(t, c, next, false) // repeating it is a no-op
		r = next
	}
	step("add pending peer", with(r, 0, WithPendingPeers([]*metapb.Peer{r.StorePeer(3)})),
		func(g *RegionInfo) bool { return g.IsPending(3) && c.GetStore(3) == nil })
	step("remove pending peer", with(r, 0, WithPendingPeers(nil)),
		func(g *RegionInfo) bool { return len(g.PendingPeers()) == 0 })
	step("add down peer", with(r, 0, WithDownPeers([]*metapb.Peer{r.StorePeer(2)})),
		func(g *RegionInfo) bool { return len(g.DownPeers()) == 1 })
	step("change leader", with(r, 2, WithDownPeers(nil)),
		func(g *RegionInfo) bool { return g.Leader().GetStoreId() == 2 })
	step("change approximate size", with(r, 0, WithApproximateSize(96<<20)),
		func(g *RegionInfo) bool { return g.ApproximateSize() == 96<<20 })
	removed := mkRegion(1, "", "", 2, 1, 2)
	step("remove peers", with(removed, 0, WithApproximateSize(96<<20)),
		func(g *RegionInfo) bool { return len(g.Peers()) == 1 && g.StorePeer(1) == nil })
	back := mkRegion(1, "", "", 3, 1, 2, 1, 3)
	step("add back peers", with(back, 0, WithApproximateSize(96<<20)),
		func(g *RegionInfo) bool { return len(g.Peers()) == 3 && g.Leader().GetStoreId() == 2 })
}

// 3C "Either half of a split may report first, and a key range stays unresolved until its region
// reports" (TestHeartbeatSplit3C).
func TestHeartbeatSplitEitherOrder(t *testing.T) {
	for _, leftFirst := range []bool{true, false} {
		c := NewCluster()
		mustHandle(t, c, mkRegion(1, "", "", 1, 1, 1, 2, 3), true)
		left := mkRegion(1, "", "m", 1, 2, 1, 2, 3)
		right := mkRegion(2, "m", "", 1, 2, 1, 2, 3)
		first, second := right, left
		if leftFirst {
			first, second = left, right
		}
		mustHandle(t, c, first, true)
		// The other half's range is unresolved: it belongs to no cached region.
		other := "a"
		if leftFirst {
			other = "x"
		}
		if got := c.GetRegionByKey([]byte(other)); got != nil {
			t.Fatalf("leftFirst=%v: key %q should be unresolved, got %v", leftFirst, other, got)
		}
		if got := c.GetRegionByKey([]byte(first.StartKey())); got != first {
			t.Fatalf("leftFirst=%v: first half not found: %v", leftFirst, got)
		}
		// A late report of the parent must not overwrite the half that already reported.
		if _, err := c.HandleRegion(mkRegion(3, "", "", 1, 1, 1, 2, 3)); !errors.Is(err, ErrStaleRegion) {
			t.Fatalf("leftFirst=%v: stale parent-like region: err %v, want ErrStaleRegion", leftFirst, err)
		}
		mustHandle(t, c, second, true)
		for key, want := range map[string]*RegionInfo{"": left, "a": left, "m": right, "zz": right} {
			if got := c.GetRegionByKey([]byte(key)); got != want {
				t.Fatalf("leftFirst=%v: key %q -> %v, want %v", leftFirst, key, got, want)
			}
		}
		if c.RegionCount() != 2 {
			t.Fatalf("%d regions, want 2", c.RegionCount())
		}
		checkConsistent(t, c)
	}
}

// A heartbeat overlapping a region with the same version is stale: one of them must be out of date,
// and the cached one was accepted first.
func TestOverlapNeedsNewerVersion(t *testing.T) {
	c := NewCluster()
	mustHandle(t, c, mkRegion(1, "a", "m", 1, 5, 1), true)
	mustHandle(t, c, mkRegion(2, "m", "z", 1, 3, 1), true)
	if _, err := c.HandleRegion(mkRegion(3, "k", "p", 1, 4, 1)); !errors.Is(err, ErrStaleRegion) {
		t.Fatalf("overlapping a newer region: %v, want ErrStaleRegion", err)
	}
	if _, err := c.HandleRegion(mkRegion(3, "k", "p", 1, 5, 1)); !errors.Is(err, ErrStaleRegion) {
		t.Fatalf("overlapping an equal version: %v, want ErrStaleRegion", err)
	}
	mustHandle(t, c, mkRegion(3, "k", "p", 1, 6, 1), true)
	if c.GetRegion(1) != nil || c.GetRegion(2) != nil || c.RegionCount() != 1 {
		t.Fatalf("older overlapping regions should be gone, have %d", c.RegionCount())
	}
	for _, k := range []string{"a", "j", "p", "y"} {
		if r := c.GetRegionByKey([]byte(k)); r != nil {
			t.Fatalf("key %q should be unresolved, got %v", k, r)
		}
	}
	checkConsistent(t, c)
}

func TestInvalidRegions(t *testing.T) {
	good := mkRegion(1, "a", "b", 1, 1, 1, 2)
	cases := map[string]*RegionInfo{
		"nil meta":           NewRegionInfo(nil, nil),
		"id 0":               mkRegion(0, "a", "b", 1, 1, 1),
		"no epoch":           NewRegionInfo(&metapb.Region{Id: 1}, nil),
		"start after end":    mkRegion(1, "b", "a", 1, 1, 1),
		"start equals end":   mkRegion(1, "b", "b", 1, 1, 1),
		"two peers on store": mkRegion(1, "a", "b", 1, 1, 1, 1),
		"leader not a peer":  NewRegionInfo(good.meta, &metapb.Peer{Id: 9, StoreId: 9}),
		"pending not a peer": NewRegionInfo(good.meta, nil, WithPendingPeers([]*metapb.Peer{{Id: 9, StoreId: 9}})),
		"negative size":      NewRegionInfo(good.meta, nil, WithApproximateSize(-1)),
		"peer without store": NewRegionInfo(&metapb.Region{Id: 1, RegionEpoch: &metapb.RegionEpoch{}, Peers: []*metapb.Peer{{Id: 1}}}, nil),
	}
	for name, r := range cases {
		c := NewCluster()
		if _, err := c.HandleRegion(r); !errors.Is(err, ErrInvalidRegion) {
			t.Errorf("%s: err %v, want ErrInvalidRegion", name, err)
		}
		if c.RegionCount() != 0 {
			t.Errorf("%s: region cached", name)
		}
	}
	if _, err := NewCluster().HandleRegion(nil); !errors.Is(err, ErrInvalidRegion) {
		t.Errorf("nil region: %v", err)
	}
}

// With an equal epoch, a report from an older leader term is refused: a deposed leader that has
// not noticed yet cannot flip the cached leader back. Term 0 (unknown) is not compared.
func TestOlderTermRejectedAtEqualEpoch(t *testing.T) {
	c := NewCluster()
	r := mkRegion(1, "", "", 1, 1, 1, 2, 3)
	mustHandle(t, c, with(r, 1, WithTerm(5)), true)
	mustHandle(t, c, with(r, 2, WithTerm(6)), true)
	if _, err := c.HandleRegion(with(r, 1, WithTerm(5))); !errors.Is(err, ErrStaleEpoch) {
		t.Fatalf("older term: %v, want ErrStaleEpoch", err)
	}
	if c.GetRegion(1).Leader().GetStoreId() != 2 {
		t.Fatal("leader flipped back")
	}
	mustHandle(t, c, with(r, 2, WithTerm(6)), false)
	mustHandle(t, c, with(r, 2, WithTerm(0), WithApproximateSize(7)), true)
	// A newer epoch is accepted whatever the term says.
	mustHandle(t, c, with(mkRegion(1, "", "", 2, 1, 1, 2, 3), 1, WithTerm(1)), true)
}
