package dashboard

import (
	"fmt"
	"sync"
	"time"
)

// fakeSource is a Source the tests change between reads.
type fakeSource struct {
	mu        sync.Mutex
	id        uint64
	stores    []Store
	regions   []Region
	operators []Operator
	reads     int // Regions calls
}

func (f *fakeSource) ClusterID() uint64 { return f.id }

func (f *fakeSource) Stores() []Store {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Store(nil), f.stores...)
}

func (f *fakeSource) Regions() []Region {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return append([]Region(nil), f.regions...)
}

func (f *fakeSource) Operators(limit int) []Operator {
	f.mu.Lock()
	defer f.mu.Unlock()
	if limit < len(f.operators) {
		return append([]Operator(nil), f.operators[:limit]...)
	}
	return append([]Operator(nil), f.operators...)
}

func (f *fakeSource) setHealth(id uint64, h string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.stores {
		if f.stores[i].ID == id {
			f.stores[i].Health = h
		}
	}
}

var testNow = time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC)

// newFake returns nRegions regions over nStores stores: region i (id i+1) has keys
// [k%06d(i), k%06d(i+1)) (the first starts at "", the last is unbounded), replicas on stores
// i%n+1, (i+1)%n+1, (i+2)%n+1 and its leader on the first of them.
func newFake(nStores, nRegions int) *fakeSource {
	f := &fakeSource{id: 1<<62 + 7}
	for s := 1; s <= nStores; s++ {
		f.stores = append(f.stores, Store{
			ID: uint64(s), Address: fmt.Sprintf("127.0.0.1:%d", 20160+s), Health: HealthUp,
			LastHeartbeat: testNow.Add(-time.Duration(s) * time.Second),
			Capacity:      100 << 30, Available: 60 << 30, UsedSize: 40 << 30,
			RequestsPerSec: float64(10 * s), CommitsPerSec: float64(s),
		})
	}
	for i := 0; i < nRegions; i++ {
		r := Region{ID: uint64(i + 1), ConfVer: 3, Version: uint64(i + 1), ApproximateSize: 1 << 20}
		if i > 0 {
			r.StartKey = fmt.Appendf(nil, "k%06d", i)
		}
		if i < nRegions-1 {
			r.EndKey = fmt.Appendf(nil, "k%06d", i+1)
		}
		for j := 0; j < min(3, nStores); j++ {
			st := uint64((i+j)%nStores + 1)
			r.Peers = append(r.Peers, Peer{ID: uint64(100000 + 10*i + j), StoreID: st})
		}
		if nStores > 0 {
			r.LeaderStoreID = r.Peers[0].StoreID
		}
		f.regions = append(f.regions, r)
	}
	for i := 0; i < 30; i++ {
		f.operators = append(f.operators, Operator{
			RegionID: uint64(i + 1), Kind: "balance-region", Desc: "add peer, remove peer",
			Status: "success", Start: testNow.Add(-time.Minute), End: testNow.Add(-50 * time.Second), Source: "balance-region",
		})
	}
	return f
}
