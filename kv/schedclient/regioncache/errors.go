package regioncache

import "github.com/gee-project/gee/kv/proto/errorpb"

// OnRegionError corrects the cache from a region error a store answered for regionID and reports
// whether retrying at once (with the corrected routing) makes sense:
//
//   - NotLeader with a leader: the leader is recorded, retry; without one: retry after backoff.
//   - EpochNotMatch: the store's current regions replace the older cached ones, retry.
//   - RegionNotFound, KeyNotInRegion, StoreNotMatch: the region is dropped, retry (Locate reloads).
//   - ServerIsBusy, StaleCommand, Timeout: nothing to correct, retry after backoff.
func (c *Cache) OnRegionError(regionID uint64, e *errorpb.Error) (retryNow bool) {
	switch {
	case e == nil:
		return false
	case e.GetNotLeader() != nil:
		if l := e.GetNotLeader().GetLeader(); l.GetId() != 0 {
			c.UpdateLeader(regionID, l)
			return true
		}
		return false
	case e.GetEpochNotMatch() != nil:
		// One critical section: a concurrent Locate never sees the range half replaced.
		// Newer current regions replace the cached ones they overlap; if none was usable (older
		// than what the cache holds, or missing), the region is dropped and reloaded.
		c.mu.Lock()
		accepted := false
		for _, r := range e.GetEpochNotMatch().GetCurrentRegions() {
			accepted = c.insertLocked(r, nil) != nil || accepted
		}
		if r := c.byID[regionID]; r != nil && !accepted {
			c.remove(r)
		}
		c.mu.Unlock()
		return true
	case e.GetRegionNotFound() != nil, e.GetKeyNotInRegion() != nil, e.GetStoreNotMatch() != nil:
		c.Invalidate(regionID)
		return true
	default:
		return false
	}
}
