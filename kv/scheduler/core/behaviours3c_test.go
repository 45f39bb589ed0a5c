package core

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// modelRegion is the test's own record of an accepted heartbeat: the key range as
// integers (0 and keySpace stand for the open ends) and who holds what.
type modelRegion struct {
	id, start, end   int
	confVer, version uint64
	stores           []uint64 // leader first
	pending          []uint64
	size             int64
}

const keySpace = 10000

func modelKey(i int) string {
	if i == 0 || i == keySpace {
		return ""
	}
	return fmt.Sprintf("k%04d", i)
}

func (m modelRegion) info() *RegionInfo {
	r := mkRegion(uint64(m.id), modelKey(m.start), modelKey(m.end), m.confVer, m.version, m.stores...)
	var pend []*metapb.Peer
	for _, s := range m.pending {
		pend = append(pend, r.StorePeer(s))
	}
	return with(r, 0, WithApproximateSize(m.size), WithPendingPeers(pend))
}

// modelCounts is what a store's counters should say, recomputed from the model.
type modelCounts struct {
	regions, leaders, pending int
	regionSize, leaderSize    int64
}

func expectedCounts(model map[int]modelRegion) map[uint64]modelCounts {
	out := map[uint64]modelCounts{}
	for _, m := range model {
		for i, s := range m.stores {
			c := out[s]
			c.regions++
			c.regionSize += m.size
			if i == 0 {
				c.leaders++
				c.leaderSize += m.size
			}
			if slices.Contains(m.pending, s) {
				c.pending++
			}
			out[s] = c
		}
	}
	return out
}

// checkAgainstModel compares every store's counters, StoreRegions and the region tree
// with the model, independently of CheckInvariants.
func checkAgainstModel(t *testing.T, c *Cluster, model map[int]modelRegion, step int) {
	t.Helper()
	want := expectedCounts(model)
	for s := uint64(1); s <= 5; s++ {
		st := c.GetStore(s)
		got := modelCounts{st.RegionCount(), st.LeaderCount(), st.PendingPeerCount(), st.RegionSize(), st.LeaderSize()}
		if got != want[s] {
			t.Fatalf("step %d: store %d counts %+v, model says %+v", step, s, got, want[s])
		}
		if n := len(c.StoreRegions(s)); n != want[s].regions {
			t.Fatalf("step %d: store %d StoreRegions has %d, model %d", step, s, n, want[s].regions)
		}
	}
	if c.RegionCount() != len(model) || len(c.GetRegions()) != len(model) {
		t.Fatalf("step %d: %d regions cached, model has %d", step, c.RegionCount(), len(model))
	}
	for _, m := range model {
		got := c.GetRegionByKey([]byte(modelKey(m.start)))
		if got == nil || got.ID() != uint64(m.id) || got.ApproximateSize() != m.size ||
			got.Leader().GetStoreId() != m.stores[0] {
			t.Fatalf("step %d: key %q -> %v, model region %+v", step, modelKey(m.start), got, m)
		}
	}
}

// 3C "Per-store region and leader counts and sizes match the region tree"
// (TestRegion{Counts,GetRegions,GetStores,GetStoresInfo}3C), checked against a model the
// test keeps itself rather than the cluster's own recount: 3,000 random heartbeats
// moving leaders, sizes, pending peers and members, splitting and merging, plus stale
// reports that must be refused and change nothing.
func TestStoreCountsMatchModel(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 11))
	c := NewCluster()
	for s := uint64(1); s <= 5; s++ {
		if err := c.PutStore(&metapb.Store{Id: s, Address: fmt.Sprintf("127.0.0.1:%d", 21000+s)}); err != nil {
			t.Fatal(err)
		}
	}
	randStores := func() []uint64 {
		all := []uint64{1, 2, 3, 4, 5}
		rnd.Shuffle(5, func(a, b int) { all[a], all[b] = all[b], all[a] })
		return slices.Clone(all[:1+rnd.IntN(3)])
	}
	model := map[int]modelRegion{}
	nextID := 1
	for i := 0; i < 20; i++ {
		m := modelRegion{id: nextID, start: i * 500, end: (i + 1) * 500, confVer: 1, version: 1,
			stores: randStores(), size: rnd.Int64N(1 << 20)}
		nextID++
		mustHandle(t, c, m.info(), true)
		model[m.id] = m
	}
	accept := func(m modelRegion) {
		t.Helper()
		if _, err := c.HandleRegion(m.info()); err != nil {
			t.Fatalf("heartbeat %+v refused: %v", m, err)
		}
		for id, o := range model {
			if id != m.id && o.start < m.end && m.start < o.end {
				delete(model, id)
			}
		}
		model[m.id] = m
	}
	for step := 0; step < 3000; step++ {
		ids := make([]int, 0, len(model))
		for id := range model {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		m := model[ids[rnd.IntN(len(ids))]]
		old := m
		m.stores, m.pending = slices.Clone(m.stores), slices.Clone(m.pending)
		switch op := rnd.IntN(7); op {
		case 0: // leader moves within the same epoch
			i := rnd.IntN(len(m.stores))
			m.stores[0], m.stores[i] = m.stores[i], m.stores[0]
			m.pending = slices.DeleteFunc(m.pending, func(s uint64) bool { return s == m.stores[0] })
			accept(m)
		case 1:
			m.size = rnd.Int64N(1 << 20)
			accept(m)
		case 2:
			m.pending = nil
			for _, s := range m.stores[1:] {
				if rnd.IntN(2) == 0 {
					m.pending = append(m.pending, s)
				}
			}
			accept(m)
		case 3:
			m.confVer++
			m.stores, m.pending = randStores(), nil
			accept(m)
		case 4: // split, halves reported in random order
			if m.end-m.start < 2 {
				continue
			}
			mid := m.start + 1 + rnd.IntN(m.end-m.start-1)
			m.version++
			right := m
			right.id, right.start = nextID, mid
			nextID++
			m.end = mid
			halves := []modelRegion{m, right}
			rnd.Shuffle(2, func(a, b int) { halves[a], halves[b] = halves[b], halves[a] })
			accept(halves[0])
			accept(halves[1])
		case 5: // merge with the right neighbour
			var next modelRegion
			found := false
			for _, o := range model {
				if o.start == m.end {
					next, found = o, true
				}
			}
			if !found {
				continue
			}
			m.end = next.end
			m.version = max(m.version, next.version) + 1
			m.size += next.size
			accept(m)
		default: // a stale report: older version or conf_ver
			stale := old
			if old.version > 1 && rnd.IntN(2) == 0 {
				stale.version--
			} else if old.confVer > 1 {
				stale.confVer--
			} else {
				continue
			}
			stale.size = old.size + 1
			if _, err := c.HandleRegion(stale.info()); err == nil || !(errors.Is(err, ErrStaleEpoch) || errors.Is(err, ErrStaleRegion)) {
				t.Fatalf("step %d: stale %+v over %+v: err %v, want a stale error", step, stale, old, err)
			}
		}
		if step%50 == 0 {
			checkAgainstModel(t, c, model, step)
		}
	}
	checkAgainstModel(t, c, model, 3000)
	checkConsistent(t, c)
}
