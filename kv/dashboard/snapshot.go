package dashboard

import (
	"bytes"
	"slices"
	"sort"
	"sync"
	"time"
)

// snapshot is one consistent read of the Source, shared by every request within Options.CacheTTL.
type snapshot struct {
	at        time.Time
	clusterID uint64
	stores    []Store  // by id, Health normalized
	columns   []uint64 // store ids for grids: known stores and any store a peer names, ascending
	regions   []Region // by start key
	operators []Operator
	replicas  map[uint64]int // store id → replica count
	leaders   map[uint64]int // store id → leader count

	mu      sync.Mutex
	byStore map[uint64][]int // store id → indexes into regions of the regions with a peer there
	summary []byte           // encoded /api/summary, built on first use
	heatmap []byte           // encoded /api/replicas, built on first use
}

func newSnapshot(src Source, now time.Time, opLimit int) *snapshot {
	s := &snapshot{
		at:        now,
		clusterID: src.ClusterID(),
		stores:    slices.Clone(src.Stores()),
		regions:   src.Regions(),
		operators: src.Operators(opLimit),
		replicas:  map[uint64]int{},
		leaders:   map[uint64]int{},
	}
	if len(s.operators) > opLimit {
		s.operators = s.operators[:opLimit]
	}
	sort.Slice(s.stores, func(i, j int) bool { return s.stores[i].ID < s.stores[j].ID })
	if !sort.SliceIsSorted(s.regions, s.less) {
		s.regions = slices.Clone(s.regions) // the Source's slice is not ours to reorder
		sort.SliceStable(s.regions, s.less)
	}
	seen := map[uint64]bool{}
	for i := range s.stores {
		s.stores[i].Health = normalHealth(s.stores[i].Health)
		seen[s.stores[i].ID] = true
	}
	for i := range s.regions {
		r := &s.regions[i]
		for _, p := range r.Peers {
			s.replicas[p.StoreID]++
			seen[p.StoreID] = true
		}
		if r.LeaderStoreID != 0 {
			s.leaders[r.LeaderStoreID]++
		}
	}
	for id := range seen {
		s.columns = append(s.columns, id)
	}
	slices.Sort(s.columns)
	return s
}

func (s *snapshot) less(i, j int) bool {
	return bytes.Compare(s.regions[i].StartKey, s.regions[j].StartKey) < 0
}

// storeRegions returns the indexes of the regions with a peer on the store, in key order.
func (s *snapshot) storeRegions(storeID uint64) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx, ok := s.byStore[storeID]; ok {
		return idx
	}
	var idx []int
	for i := range s.regions {
		for _, p := range s.regions[i].Peers {
			if p.StoreID == storeID {
				idx = append(idx, i)
				break
			}
		}
	}
	if s.byStore == nil {
		s.byStore = map[uint64][]int{}
	}
	s.byStore[storeID] = idx
	return idx
}

// cached returns *slot, building it with build on first use (under s.mu, so once per snapshot).
func (s *snapshot) cached(slot *[]byte, build func() []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *slot == nil {
		*slot = build()
	}
	return *slot
}

func normalHealth(h string) string {
	switch h {
	case HealthUp, HealthDisconnected, HealthDown, HealthOffline, HealthTombstone:
		return h
	}
	return HealthDisconnected // a state we cannot name is not known to be serving
}

// snapshots hands out the current snapshot, reading the Source again when it is older than ttl.
type snapshots struct {
	src     Source
	ttl     time.Duration
	now     func() time.Time
	opLimit int

	mu  sync.Mutex // held while building: concurrent requests wait for one read of the Source
	cur *snapshot
}

func (c *snapshots) get() *snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.cur != nil && c.ttl > 0 && now.Sub(c.cur.at) < c.ttl && !now.Before(c.cur.at) {
		return c.cur
	}
	c.cur = newSnapshot(c.src, now, c.opLimit)
	return c.cur
}
