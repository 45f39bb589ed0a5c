package gcworker

import (
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/raftstore"
)

type fakeRaftStore map[uint64]raftstore.RegionStatus

func (f fakeRaftStore) Regions() []uint64 { return []uint64{1, 2, 3, 4} } // 4 is gone meanwhile

func (f fakeRaftStore) RegionStatus(id uint64) (raftstore.RegionStatus, bool) {
	s, ok := f[id]
	return s, ok
}

// Only initialized regions this store leads are collected, each with this store's own peer:
// followers would propose nothing useful, and a region created by a message has no data yet.
func TestRaftstoreRegionsListsOnlyLedInitialized(t *testing.T) {
	r := func(id uint64, peers ...*metapb.Peer) *metapb.Region {
		return &metapb.Region{Id: id, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: peers}
	}
	st := fakeRaftStore{
		1: {Region: r(1, &metapb.Peer{Id: 10, StoreId: 1}, &metapb.Peer{Id: 11, StoreId: 2}), PeerID: 11, IsLeader: true},
		2: {Region: r(2, &metapb.Peer{Id: 20, StoreId: 1}), PeerID: 20, IsLeader: false},
		3: {Region: r(3), PeerID: 30, IsLeader: true},
	}
	got := RaftstoreRegions(st)()
	if len(got) != 1 || got[0].Meta.GetId() != 1 || got[0].Peer.GetId() != 11 || got[0].Peer.GetStoreId() != 2 {
		t.Fatalf("led regions %v, want region 1 with peer 11", got)
	}
}
