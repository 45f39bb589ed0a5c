package core

import (
	"sync"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// Cluster is the goroutine-safe region and store cache (the heart of the scheduler).
type Cluster struct {
	mu      sync.RWMutex
	regions map[uint64]*regionItem
	tree    *regionTree
	stores  map[uint64]*storeState
}

// storeState is the mutable per-store record behind StoreInfo snapshots. A store may have
// region counts before its meta arrives (a region heartbeat can beat PutStore).
type storeState struct {
	meta          *metapb.Store
	lastHeartbeat int64 // unix nanoseconds; 0 = never
	stats         StoreStats
	counts        storeCounts
	leaders       regionSet
	followers     regionSet
	pending       regionSet
}

// NewCluster returns an empty cache.
func NewCluster() *Cluster {
	return &Cluster{
		regions: make(map[uint64]*regionItem),
		tree:    newRegionTree(),
		stores:  make(map[uint64]*storeState),
	}
}

func probeMeta(key []byte) *metapb.Region { return &metapb.Region{StartKey: key} }

// GetRegion returns the cached region with the id, or nil.
func (c *Cluster) GetRegion(id uint64) *RegionInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if it := c.regions[id]; it != nil {
		return it.region
	}
	return nil
}

// GetRegionByKey returns the region whose range contains key, or nil if that range is unresolved.
func (c *Cluster) GetRegionByKey(key []byte) *RegionInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if it := c.tree.find(key); it != nil {
		return it.region
	}
	return nil
}

// GetPrevRegionByKey returns the region just before the one containing key (or before key), or nil.
func (c *Cluster) GetPrevRegionByKey(key []byte) *RegionInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if it := c.tree.prev(key); it != nil {
		return it.region
	}
	return nil
}

// ScanRegions returns up to limit regions in key order, starting with the one containing start
// (or the first after it) and stopping before end (empty end: unbounded). limit <= 0 means no limit.
// Unresolved gaps are skipped: the caller sees them as holes between consecutive regions.
func (c *Cluster) ScanRegions(start, end []byte, limit int) []*RegionInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []*RegionInfo
	c.tree.scan(start, end, func(it *regionItem) bool {
		out = append(out, it.region)
		return limit <= 0 || len(out) < limit
	})
	return out
}

// RegionCount returns the number of cached regions.
func (c *Cluster) RegionCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.regions)
}

// GetRegions returns every cached region in key order.
func (c *Cluster) GetRegions() []*RegionInfo {
	return c.ScanRegions(nil, nil, 0)
}

// StoreRegions returns the regions with a peer on the store (leaders first, in no particular order).
func (c *Cluster) StoreRegions(storeID uint64) []*RegionInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s := c.stores[storeID]
	if s == nil {
		return nil
	}
	out := make([]*RegionInfo, 0, s.leaders.len()+s.followers.len())
	for _, set := range []*regionSet{&s.leaders, &s.followers} {
		for _, id := range set.ids {
			out = append(out, c.regions[id].region)
		}
	}
	return out
}
