package dashboard

import (
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler"
)

// FromScheduler shows the scheduler's cache: stores with Server.StoreHealth (up; disconnected
// after scheduler.StoreDisconnectWindow, 20 s as PD, of silence; down after the cluster's
// max_store_down_time; offline; tombstone) and Server.StoreLoad rates, regions as the last
// heartbeats reported them, and Server.RecentOperators.
func FromScheduler(s *scheduler.Server) Source { return schedulerSource{s} }

type schedulerSource struct{ s *scheduler.Server }

func (a schedulerSource) ClusterID() uint64 { return a.s.ClusterID() }

func (a schedulerSource) Stores() []Store {
	infos := a.s.Cluster().GetStores()
	out := make([]Store, 0, len(infos))
	for _, st := range infos {
		stats := st.Stats()
		req, com := a.s.StoreLoad(st.ID())
		out = append(out, Store{
			ID: st.ID(), Address: st.Address(), Health: a.s.StoreHealth(st.ID()),
			LastHeartbeat: st.LastHeartbeat(),
			Capacity:      stats.Capacity, Available: stats.Available, UsedSize: stats.UsedSize,
			RequestsPerSec: req, CommitsPerSec: com,
		})
	}
	return out
}

func (a schedulerSource) Regions() []Region {
	infos := a.s.Cluster().GetRegions() // key order
	out := make([]Region, len(infos))
	for i, r := range infos {
		out[i] = Region{
			ID: r.ID(), StartKey: r.StartKey(), EndKey: r.EndKey(),
			ConfVer: r.Epoch().GetConfVer(), Version: r.Epoch().GetVersion(),
			Peers:           make([]Peer, len(r.Peers())),
			LeaderStoreID:   r.Leader().GetStoreId(),
			ApproximateSize: r.ApproximateSize(),
			DownPeers:       peerIDs(r.DownPeers()),
			PendingPeers:    peerIDs(r.PendingPeers()),
		}
		for j, p := range r.Peers() {
			out[i].Peers[j] = Peer{ID: p.GetId(), StoreID: p.GetStoreId(), Learner: p.GetRole() == metapb.PeerRole_Learner}
		}
	}
	return out
}

func peerIDs(peers []*metapb.Peer) []uint64 {
	if len(peers) == 0 {
		return nil
	}
	ids := make([]uint64, len(peers))
	for i, p := range peers {
		ids[i] = p.GetId()
	}
	return ids
}

func (a schedulerSource) Operators(limit int) []Operator {
	infos := a.s.RecentOperators(limit)
	out := make([]Operator, 0, len(infos))
	for _, op := range infos {
		out = append(out, Operator{
			RegionID: op.GetRegionId(), Kind: op.GetKind(), Desc: op.GetDesc(), Status: op.GetStatus(),
			Start: fromUnixMs(op.GetStartUnixMs()), End: fromUnixMs(op.GetEndUnixMs()), Source: op.GetSource(),
		})
	}
	return out
}

func fromUnixMs(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
