package core

import (
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

// checkConsistent fails the test if the cluster's invariants do not hold.
func checkConsistent(t testing.TB, c *Cluster) {
	t.Helper()
	if err := c.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
