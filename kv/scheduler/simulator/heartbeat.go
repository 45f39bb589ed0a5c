package simulator

import (
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// report builds the heartbeat the region's leader would send: fresh protos, as a server decodes each one anew.
func (r *region) report() *core.RegionInfo {
	meta := &metapb.Region{
		Id: r.meta.GetId(), StartKey: r.meta.GetStartKey(), EndKey: r.meta.GetEndKey(),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: r.meta.GetRegionEpoch().GetConfVer(),
			Version: r.meta.GetRegionEpoch().GetVersion()},
		Peers: make([]*metapb.Peer, len(r.meta.GetPeers())),
	}
	var leader *metapb.Peer
	for i, p := range r.meta.GetPeers() {
		meta.Peers[i] = &metapb.Peer{Id: p.GetId(), StoreId: p.GetStoreId()}
		if p.GetId() == r.leader.GetId() {
			leader = meta.Peers[i]
		}
	}
	opts := []core.RegionOption{core.WithApproximateSize(r.size)}
	if r.hasPending {
		var pending []*metapb.Peer
		for _, p := range meta.Peers {
			if r.pending[p.GetId()] > 0 {
				pending = append(pending, p)
			}
		}
		opts = append(opts, core.WithPendingPeers(pending))
	}
	return core.NewRegionInfo(meta, leader, opts...)
}

// heartbeat sends one region heartbeat through the cluster and the coordinator, applies the step that comes
// back, and reports whether the region changed (and so should report again).
func (s *Sim) heartbeat(r *region) (changed bool, err error) {
	info := r.report()
	if _, err := s.Cluster.HandleRegion(info); err != nil {
		return false, err
	}
	changed = r.catchUp()
	if step := s.Coord.Dispatch(info); step != nil {
		changed = r.apply(step) || changed
	}
	return changed, nil
}

// catchUp lets pending peers progress by one heartbeat; it reports whether any finished catching up.
func (r *region) catchUp() bool {
	if !r.hasPending {
		return false
	}
	done := false
	r.hasPending = false
	for id, n := range r.pending {
		if n--; n <= 0 {
			delete(r.pending, id)
			done = true
		} else {
			r.pending[id] = n
			r.hasPending = true
		}
	}
	return done
}

// apply carries out a step as the region's Raft group would and reports whether it changed anything.
func (r *region) apply(step schedule.Step) bool {
	ep := r.meta.GetRegionEpoch()
	switch st := step.(type) {
	case schedule.AddPeer:
		if hasStore(r.meta, st.ToStore) {
			return false
		}
		r.meta.Peers = append(r.meta.Peers, &metapb.Peer{Id: st.PeerID, StoreId: st.ToStore})
		ep.ConfVer++
		if r.pending == nil {
			r.pending = make(map[uint64]int)
		}
		r.pending[st.PeerID] = 1 // reported pending once, then caught up
		r.hasPending = true
		return true
	case schedule.RemovePeer:
		peers := r.meta.GetPeers()
		for i, p := range peers {
			if p.GetStoreId() == st.FromStore {
				r.meta.Peers = append(peers[:i:i], peers[i+1:]...)
				ep.ConfVer++
				delete(r.pending, p.GetId())
				if p.GetId() == r.leader.GetId() && len(r.meta.Peers) > 0 {
					r.leader = r.meta.Peers[0] // the group elects another leader
				}
				return true
			}
		}
	case schedule.TransferLeader:
		for _, p := range r.meta.GetPeers() {
			if p.GetStoreId() == st.ToStore && p.GetId() != r.leader.GetId() {
				r.leader = p
				return true
			}
		}
	}
	return false
}

func hasStore(m *metapb.Region, store uint64) bool {
	for _, p := range m.GetPeers() {
		if p.GetStoreId() == store {
			return true
		}
	}
	return false
}
