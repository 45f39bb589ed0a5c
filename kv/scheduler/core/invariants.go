package core

import "fmt"

// CheckInvariants recomputes everything the cluster keeps incrementally and compares: the id map
// and the range index hold the same regions, ranges do not overlap, and every store's counts and
// role sets match a recount. It walks every region (O(n)): for tests, fuzzing and debugging.
func (c *Cluster) CheckInvariants() error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.tree.len() != len(c.regions) {
		return fmt.Errorf("tree has %d regions, id map %d", c.tree.len(), len(c.regions))
	}
	want := map[uint64]*storeCounts{}
	get := func(id uint64) *storeCounts {
		if want[id] == nil {
			want[id] = &storeCounts{}
		}
		return want[id]
	}
	var prev *RegionInfo
	var err error
	c.tree.t.Ascend(func(it *regionItem) bool {
		r := it.region
		if c.regions[r.ID()] != it {
			err = fmt.Errorf("%v in tree but not in id map", r)
			return false
		}
		if prev != nil && (len(prev.EndKey()) == 0 || string(prev.EndKey()) > string(r.StartKey())) {
			err = fmt.Errorf("%v overlaps %v", prev, r)
			return false
		}
		prev = r
		for _, p := range r.Peers() {
			s := get(p.GetStoreId())
			s.regionCount++
			s.regionSize += r.size
			if r.leader != nil && r.leader.GetId() == p.GetId() {
				s.leaderCount++
				s.leaderSize += r.size
			}
		}
		for _, p := range r.pending {
			get(p.GetStoreId()).pendingCount++
		}
		return true
	})
	if err != nil {
		return err
	}
	for id, s := range c.stores {
		w := want[id]
		if w == nil {
			w = &storeCounts{}
		}
		if s.counts != *w {
			return fmt.Errorf("store %d counts %+v, recount %+v", id, s.counts, *w)
		}
		if s.leaders.len() != w.leaderCount || s.leaders.len()+s.followers.len() != w.regionCount || s.pending.len() != w.pendingCount {
			return fmt.Errorf("store %d role sets %d/%d/%d disagree with %+v", id, s.leaders.len(), s.followers.len(), s.pending.len(), *w)
		}
	}
	for id := range want {
		if c.stores[id] == nil {
			return fmt.Errorf("store %d has regions but no record", id)
		}
	}
	return nil
}
