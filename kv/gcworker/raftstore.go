package gcworker

import (
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/raftstore"
)

// RaftStore is what RaftstoreRegions needs of a store; *raftstore.Store satisfies it.
type RaftStore interface {
	Regions() []uint64
	RegionStatus(regionID uint64) (raftstore.RegionStatus, bool)
}

// RaftstoreRegions returns a Config.Regions listing the initialized regions st leads now.
func RaftstoreRegions(st RaftStore) func() []Region {
	return func() []Region {
		var out []Region
		for _, id := range st.Regions() {
			s, ok := st.RegionStatus(id)
			if !ok || !s.IsLeader || len(s.Region.GetPeers()) == 0 {
				continue
			}
			out = append(out, Region{Meta: s.Region, Peer: peerByID(s.Region, s.PeerID)})
		}
		return out
	}
}

func peerByID(r *metapb.Region, id uint64) *metapb.Peer {
	for _, p := range r.GetPeers() {
		if p.GetId() == id {
			return p
		}
	}
	return nil
}
