package core

import "fmt"

// HandleRegion applies a region heartbeat to the cache under the epoch rules of the package doc.
// It reports whether the cache changed. A stale or malformed heartbeat changes nothing and
// returns an error wrapping ErrStaleEpoch, ErrStaleRegion or ErrInvalidRegion.
func (c *Cluster) HandleRegion(r *RegionInfo) (changed bool, err error) {
	ch, err := c.PutRegion(r)
	return ch.Changed, err
}

// RegionChange says what a PutRegion did, for a caller that persists region meta.
type RegionChange struct {
	// Changed: the cache now holds the new RegionInfo.
	Changed bool
	// MetaChanged: the region is new or its range, epoch or peers changed (not just leader/size).
	MetaChanged bool
	// Removed are the older overlapping regions it replaced.
	Removed []*RegionInfo
}

// PutRegion is HandleRegion reporting what changed.
func (c *Cluster) PutRegion(r *RegionInfo) (RegionChange, error) {
	if r == nil {
		return RegionChange{}, fmt.Errorf("%w: nil region", ErrInvalidRegion)
	}
	if err := r.validate(); err != nil {
		return RegionChange{}, err
	}
	// Most heartbeats repeat what is cached: decide that under the read lock only.
	c.mu.RLock()
	noop, err := c.checkCached(r)
	c.mu.RUnlock()
	if noop || err != nil {
		return RegionChange{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if noop, err := c.checkCached(r); noop || err != nil {
		return RegionChange{}, err
	}
	return c.putLocked(r)
}

// checkCached compares r with the cached region of the same id. Caller holds mu (read or write).
func (c *Cluster) checkCached(r *RegionInfo) (noop bool, err error) {
	it := c.regions[r.ID()]
	if it == nil {
		return false, nil
	}
	o := it.region
	oe, ne := o.Epoch(), r.Epoch()
	if ne.GetVersion() < oe.GetVersion() || ne.GetConfVer() < oe.GetConfVer() {
		return false, fmt.Errorf("%w: %v is older than the cached %v", ErrStaleEpoch, r, o)
	}
	if ne.GetVersion() != oe.GetVersion() || ne.GetConfVer() != oe.GetConfVer() {
		return false, nil
	}
	if r.term != 0 && r.term < o.term {
		return false, fmt.Errorf("%w: %v reported at term %d, the cached one at term %d", ErrStaleEpoch, r, r.term, o.term)
	}
	return sameState(o, r), nil
}

// putLocked stores r, replacing older overlapping regions. Caller holds mu for writing.
func (c *Cluster) putLocked(r *RegionInfo) (RegionChange, error) {
	it := c.regions[r.ID()]
	ch := RegionChange{Changed: true, MetaChanged: it == nil || !sameMeta(it.region, r)}
	if it != nil && sameRange(it.region, r) {
		// Same slot in the range index: swap in place, adjust counters only.
		c.updateStats(it.region, r)
		it.region = r
		return ch, nil
	}
	var stale []*regionItem
	for _, ov := range c.tree.overlaps(r.StartKey(), r.EndKey()) {
		if ov == it {
			continue
		}
		if ov.region.Epoch().GetVersion() >= r.Epoch().GetVersion() {
			return RegionChange{}, fmt.Errorf("%w: %v overlaps the cached %v", ErrStaleRegion, r, ov.region)
		}
		stale = append(stale, ov)
	}
	for _, ov := range stale {
		c.tree.delete(ov)
		delete(c.regions, ov.region.ID())
		c.updateStats(ov.region, nil)
		ch.Removed = append(ch.Removed, ov.region)
	}
	if it != nil {
		c.tree.delete(it)
		c.updateStats(it.region, r)
		it.region = r
	} else {
		it = &regionItem{region: r}
		c.regions[r.ID()] = it
		c.updateStats(nil, r)
	}
	c.tree.insert(it)
	return ch, nil
}

// RemoveRegion drops a region from the cache (e.g. after a merge reported it gone); its range
// becomes unresolved. It reports whether the region was cached.
func (c *Cluster) RemoveRegion(id uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	it := c.regions[id]
	if it == nil {
		return false
	}
	c.tree.delete(it)
	delete(c.regions, id)
	c.updateStats(it.region, nil)
	return true
}

// updateStats moves the per-store counters from old to new (either may be nil). Caller holds mu.
func (c *Cluster) updateStats(old, new *RegionInfo) {
	if old != nil && new != nil && sameRoles(old, new) {
		if d := new.size - old.size; d != 0 {
			for _, p := range new.Peers() {
				c.store(p.GetStoreId()).counts.regionSize += d
			}
			if new.leader != nil {
				c.store(new.leader.GetStoreId()).counts.leaderSize += d
			}
		}
		return
	}
	if old != nil && new != nil && samePeers(old.Peers(), new.Peers()) && samePeers(old.pending, new.pending) {
		c.moveLeader(old, new) // a leader transfer: touch only the two leader stores' sets
		return
	}
	if old != nil {
		c.applyStats(old, -1)
	}
	if new != nil {
		c.applyStats(new, +1)
	}
}

// moveLeader updates the counters when only the leader (and maybe the size) changed. Caller holds mu.
func (c *Cluster) moveLeader(old, new *RegionInfo) {
	id := new.ID()
	if d := new.size - old.size; d != 0 {
		for _, p := range new.Peers() {
			c.store(p.GetStoreId()).counts.regionSize += d
		}
	}
	if old.leader != nil {
		s := c.store(old.leader.GetStoreId())
		s.counts.leaderCount--
		s.counts.leaderSize -= old.size
		s.leaders.remove(id)
		s.followers.add(id)
	}
	if new.leader != nil {
		s := c.store(new.leader.GetStoreId())
		s.counts.leaderCount++
		s.counts.leaderSize += new.size
		s.followers.remove(id)
		s.leaders.add(id)
	}
}

// applyStats adds (sign +1) or removes (sign -1) one region's contribution. Caller holds mu.
func (c *Cluster) applyStats(r *RegionInfo, sign int) {
	id := r.ID()
	for _, p := range r.Peers() {
		s := c.store(p.GetStoreId())
		s.counts.regionCount += sign
		s.counts.regionSize += int64(sign) * r.size
		isLeader := r.leader != nil && r.leader.GetId() == p.GetId()
		switch {
		case isLeader && sign > 0:
			s.leaders.add(id)
		case isLeader:
			s.leaders.remove(id)
		case sign > 0:
			s.followers.add(id)
		default:
			s.followers.remove(id)
		}
		if isLeader {
			s.counts.leaderCount += sign
			s.counts.leaderSize += int64(sign) * r.size
		}
	}
	for _, p := range r.pending {
		s := c.store(p.GetStoreId())
		s.counts.pendingCount += sign
		if sign > 0 {
			s.pending.add(id)
		} else {
			s.pending.remove(id)
		}
	}
}
