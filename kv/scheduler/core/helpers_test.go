package core

import (
	"fmt"
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// mkRegion builds region id over [start, end) with peers on the given stores (peer id = id*100+store),
// the leader on the first store.
func mkRegion(id uint64, start, end string, confVer, version uint64, stores ...uint64) *RegionInfo {
	meta := &metapb.Region{
		Id: id, StartKey: []byte(start), EndKey: []byte(end),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: confVer, Version: version},
	}
	for _, s := range stores {
		meta.Peers = append(meta.Peers, &metapb.Peer{Id: id*100 + s, StoreId: s})
	}
	var leader *metapb.Peer
	if len(meta.Peers) > 0 {
		leader = meta.Peers[0]
	}
	return NewRegionInfo(meta, leader)
}

// with returns a copy of r with changed options (leader chosen by store, nil = keep).
func with(r *RegionInfo, leaderStore uint64, opts ...RegionOption) *RegionInfo {
	leader := r.leader
	if leaderStore != 0 {
		leader = r.StorePeer(leaderStore)
	}
	n := NewRegionInfo(r.meta, leader, WithPendingPeers(r.pending), WithDownPeers(r.down), WithApproximateSize(r.size))
	for _, o := range opts {
		o(n)
	}
	return n
}

func mustHandle(t testing.TB, c *Cluster, r *RegionInfo, wantChanged bool) {
	t.Helper()
	changed, err := c.HandleRegion(r)
	if err != nil {
		t.Fatalf("HandleRegion(%v): %v", r, err)
	}
	if changed != wantChanged {
		t.Fatalf("HandleRegion(%v) changed = %v, want %v", r, changed, wantChanged)
	}
}

// checkConsistent recomputes everything the cluster keeps incrementally and compares:
// the id map and range index hold the same regions, ranges do not overlap, and every
// store's counts and role sets match a recount.
func checkConsistent(t testing.TB, c *Cluster) {
	t.Helper()
	if err := consistency(c); err != nil {
		t.Fatal(err)
	}
}

func consistency(c *Cluster) error {
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
