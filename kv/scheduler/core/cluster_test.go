package core

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// 3C "Repeated splits and merges keep key lookups right" (TestRegionSplitAndMerge3C): split one
// region into many (each split reported half by half, in random order), merge them back pairwise,
// and after every step check lookups for every key against a model and the counters.
func TestRegionSplitAndMerge(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	c := NewCluster()
	mustHandle(t, c, mkRegion(1, "", "", 1, 1, 1, 2, 3), true)
	nextID := uint64(2)
	key := func(i int) string { return fmt.Sprintf("k%03d", i) }
	for round := 0; round < 3; round++ {
		// Split: every region splits at its middle boundary until all ranges are 1 key-step wide.
		for splits := 0; splits < 60; splits++ {
			regions := c.GetRegions()
			r := regions[rnd.IntN(len(regions))]
			at := key(rnd.IntN(100))
			if !r.ContainsKey([]byte(at)) || at == string(r.StartKey()) {
				continue
			}
			v := r.Epoch().GetVersion() + 1
			left := mkRegion(r.ID(), string(r.StartKey()), at, 1, v, 1, 2, 3)
			right := mkRegion(nextID, at, string(r.EndKey()), 1, v, 1, 2, 3)
			nextID++
			halves := []*RegionInfo{left, right}
			rnd.Shuffle(2, func(i, j int) { halves[i], halves[j] = halves[j], halves[i] })
			for _, h := range halves {
				mustHandle(t, c, h, true)
			}
			checkCover(t, c)
		}
		// Merge: neighbours merge into the left one with a version above both.
		for c.RegionCount() > 1 {
			regions := c.GetRegions()
			i := rnd.IntN(len(regions) - 1)
			a, b := regions[i], regions[i+1]
			v := max(a.Epoch().GetVersion(), b.Epoch().GetVersion()) + 1
			mustHandle(t, c, mkRegion(a.ID(), string(a.StartKey()), string(b.EndKey()), 1, v, 1, 2, 3), true)
			if c.GetRegion(b.ID()) != nil {
				t.Fatalf("merged-away region %d still cached", b.ID())
			}
			checkCover(t, c)
		}
	}
}

// checkCover asserts the regions tile the key space and every lookup finds the covering region.
func checkCover(t *testing.T, c *Cluster) {
	t.Helper()
	checkConsistent(t, c)
	regions := c.GetRegions()
	if len(regions[0].StartKey()) != 0 || len(regions[len(regions)-1].EndKey()) != 0 {
		t.Fatalf("regions do not cover the key space ends")
	}
	for i, r := range regions {
		if i > 0 && string(regions[i-1].EndKey()) != string(r.StartKey()) {
			t.Fatalf("gap or overlap between %v and %v", regions[i-1], r)
		}
		if got := c.GetRegionByKey(r.StartKey()); got != r {
			t.Fatalf("lookup of %q -> %v, want %v", r.StartKey(), got, r)
		}
		if i > 0 {
			if got := c.GetPrevRegionByKey(r.StartKey()); got != regions[i-1] {
				t.Fatalf("prev of %q -> %v, want %v", r.StartKey(), got, regions[i-1])
			}
		}
	}
}

// 3C "Per-store region and leader counts and sizes match the region tree"
// (TestRegion{Counts,GetRegions,GetStores,GetStoresInfo}3C).
func TestStoreCountsFollowRegions(t *testing.T) {
	c := NewCluster()
	for s := uint64(1); s <= 4; s++ {
		if err := c.PutStore(&metapb.Store{Id: s, Address: fmt.Sprintf("127.0.0.1:%d", 20000+s)}); err != nil {
			t.Fatal(err)
		}
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	const n = 200
	for i := 0; i < n; i++ {
		stores := []uint64{1, 2, 3, 4}
		rnd.Shuffle(4, func(a, b int) { stores[a], stores[b] = stores[b], stores[a] })
		r := mkRegion(uint64(i+1), fmt.Sprintf("k%04d", i), fmt.Sprintf("k%04d", i+1), 1, 1, stores[:3]...)
		mustHandle(t, c, with(r, 0, WithApproximateSize(int64(i)), WithPendingPeers(r.Peers()[2:])), true)
	}
	checkConsistent(t, c)
	// Churn: leader moves, size changes, membership changes.
	for i := 0; i < 2000; i++ {
		old := c.GetRegion(uint64(rnd.IntN(n) + 1))
		var next *RegionInfo
		switch rnd.IntN(3) {
		case 0:
			next = with(old, old.Peers()[rnd.IntN(len(old.Peers()))].GetStoreId())
		case 1:
			next = with(old, 0, WithApproximateSize(rnd.Int64N(1<<20)))
		default:
			e := old.Epoch()
			stores := []uint64{1, 2, 3, 4}
			rnd.Shuffle(4, func(a, b int) { stores[a], stores[b] = stores[b], stores[a] })
			m := mkRegion(old.ID(), string(old.StartKey()), string(old.EndKey()), e.GetConfVer()+1, e.GetVersion(), stores[:1+rnd.IntN(3)]...)
			next = with(m, 0, WithApproximateSize(old.ApproximateSize()))
		}
		if _, err := c.HandleRegion(next); err != nil {
			t.Fatal(err)
		}
	}
	checkConsistent(t, c)
	total := 0
	for _, s := range c.GetStores() {
		total += s.RegionCount()
		if got := len(c.StoreRegions(s.ID())); got != s.RegionCount() {
			t.Fatalf("store %d: StoreRegions has %d, RegionCount %d", s.ID(), got, s.RegionCount())
		}
		if s.LeaderCount() > 0 && c.RandLeaderRegion(s.ID(), rnd).Leader().GetStoreId() != s.ID() {
			t.Fatalf("store %d: RandLeaderRegion returned a region led elsewhere", s.ID())
		}
		if f := c.RandFollowerRegion(s.ID(), rnd); f != nil && (f.StorePeer(s.ID()) == nil || f.Leader().GetStoreId() == s.ID()) {
			t.Fatalf("store %d: RandFollowerRegion returned %v", s.ID(), f)
		}
		if p := c.RandPendingRegion(s.ID(), nil); p != nil && !p.IsPending(s.ID()) {
			t.Fatalf("store %d: RandPendingRegion returned %v", s.ID(), p)
		}
	}
	if len(c.GetRegions()) != n || c.RegionCount() != n {
		t.Fatalf("GetRegions %d, RegionCount %d, want %d", len(c.GetRegions()), c.RegionCount(), n)
	}
	if total == 0 {
		t.Fatal("no store holds a region")
	}
}

func TestScanAndPrev(t *testing.T) {
	c := NewCluster()
	mustHandle(t, c, mkRegion(1, "", "c", 1, 1, 1), true)
	mustHandle(t, c, mkRegion(2, "c", "f", 1, 1, 1), true)
	// [f, k) unresolved
	mustHandle(t, c, mkRegion(4, "k", "", 1, 1, 1), true)
	ids := func(rs []*RegionInfo) (out []uint64) {
		for _, r := range rs {
			out = append(out, r.ID())
		}
		return out
	}
	for _, tc := range []struct {
		start, end string
		limit      int
		want       string
	}{
		{"", "", 0, "[1 2 4]"},
		{"d", "", 0, "[2 4]"},
		{"d", "", 1, "[2]"},
		{"g", "", 0, "[4]"},
		{"a", "c", 0, "[1]"},
		{"a", "c\x00", 0, "[1 2]"},
		{"z", "", 0, "[4]"},
	} {
		if got := fmt.Sprint(ids(c.ScanRegions([]byte(tc.start), []byte(tc.end), tc.limit))); got != tc.want {
			t.Errorf("Scan(%q, %q, %d) = %s, want %s", tc.start, tc.end, tc.limit, got, tc.want)
		}
	}
	for key, want := range map[string]uint64{"": 0, "b": 0, "c": 1, "e": 1, "g": 2, "k": 2, "z": 2} {
		got := c.GetPrevRegionByKey([]byte(key))
		if (want == 0) != (got == nil) || (got != nil && got.ID() != want) {
			t.Errorf("Prev(%q) = %v, want %d", key, got, want)
		}
	}
}

func TestStores(t *testing.T) {
	c := NewCluster()
	if err := c.PutStore(&metapb.Store{Id: 0, Address: "x"}); !errors.Is(err, ErrInvalidStore) {
		t.Fatalf("id 0: %v", err)
	}
	if err := c.PutStore(&metapb.Store{Id: 1}); !errors.Is(err, ErrInvalidStore) {
		t.Fatalf("no address: %v", err)
	}
	if err := c.PutStore(&metapb.Store{Id: 1, Address: "a:1"}); err != nil {
		t.Fatal(err)
	}
	if err := c.PutStore(&metapb.Store{Id: 2, Address: "a:1"}); !errors.Is(err, ErrInvalidStore) {
		t.Fatalf("duplicate address: %v", err)
	}
	if err := c.StoreHeartbeat(9, time.Now()); !errors.Is(err, ErrStoreNotFound) {
		t.Fatalf("unknown store heartbeat: %v", err)
	}
	now := time.Unix(1000, 0)
	if err := c.StoreHeartbeat(1, now, StoreStats{Capacity: 10, IsBusy: true}); err != nil {
		t.Fatal(err)
	}
	s := c.GetStore(1)
	if !s.IsUp() || s.DownTime(now.Add(time.Minute)) != time.Minute || s.Stats().Capacity != 10 || !s.IsBusy() {
		t.Fatalf("store snapshot %+v", s)
	}
	if err := c.SetStoreState(1, metapb.StoreState_Tombstone); err != nil {
		t.Fatal(err)
	}
	if !s.IsUp() {
		t.Fatal("a returned snapshot changed")
	}
	if err := c.PutStore(&metapb.Store{Id: 1, Address: "a:1"}); !errors.Is(err, ErrStoreTombstone) {
		t.Fatalf("tombstone revived: %v", err)
	}
	if err := c.PutStore(&metapb.Store{Id: 2, Address: "a:1"}); err != nil {
		t.Fatalf("address of a tombstone reused: %v", err)
	}
	if got := len(c.GetStores()); got != 2 || c.StoreCount() != 2 {
		t.Fatalf("%d stores", got)
	}
}

// 3C "2000 concurrent heartbeats are handled safely" (TestConcurrentHandleRegion3C): 2,000 goroutines
// (bounded: each sends a fixed number) race splits, leader changes and stale repeats; the cache ends
// consistent and holds the newest version of every region.
func TestConcurrentHandleRegion(t *testing.T) {
	c := NewCluster()
	const n = 2000
	// The final layout: n regions over k0000..k1999; each goroutine reports one region's history.
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			start, end := fmt.Sprintf("k%04d", i), fmt.Sprintf("k%04d", i+1)
			if i == 0 {
				start = ""
			}
			if i == n-1 {
				end = ""
			}
			for v := uint64(1); v <= 3; v++ {
				r := mkRegion(uint64(i+1), start, end, v, 10, 1, 2, 3)
				_, _ = c.HandleRegion(with(r, uint64(1+i%3)))
				_, _ = c.HandleRegion(r) // may be stale by now: must not break anything
				_ = c.GetRegionByKey([]byte(start))
				_ = c.GetStore(1)
			}
		}(i)
	}
	wg.Wait()
	checkConsistent(t, c)
	if c.RegionCount() != n {
		t.Fatalf("%d regions, want %d", c.RegionCount(), n)
	}
	for _, r := range c.GetRegions() {
		if r.Epoch().GetConfVer() != 3 {
			t.Fatalf("%v: not the newest epoch", r)
		}
	}
}
