package simulator

import (
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// maxSlabPeers is how many peers a heartbeat's single allocation has room for (more take a second one).
const maxSlabPeers = 6

// reportSlab holds one heartbeat's protos in a single allocation, as a decoder with an arena would.
type reportSlab struct {
	meta  metapb.Region
	epoch metapb.RegionEpoch
	peers [maxSlabPeers]metapb.Peer
	ptrs  [maxSlabPeers]*metapb.Peer
}

// report builds the heartbeat the region's leader would send: fresh protos, as a server decodes each one anew.
func (r *region) report() *core.RegionInfo {
	slab := &reportSlab{}
	src := r.meta.GetPeers()
	ptrs := slab.ptrs[:0]
	if len(src) > maxSlabPeers {
		ptrs = make([]*metapb.Peer, 0, len(src))
	}
	var leader *metapb.Peer
	for i, p := range src {
		var cp *metapb.Peer
		if i < maxSlabPeers {
			cp = &slab.peers[i]
		} else {
			cp = &metapb.Peer{}
		}
		cp.Id, cp.StoreId, cp.Role = p.GetId(), p.GetStoreId(), p.GetRole()
		ptrs = append(ptrs, cp)
		if p.GetId() == r.leader.GetId() {
			leader = cp
		}
	}
	ep := r.meta.GetRegionEpoch()
	slab.epoch.ConfVer, slab.epoch.Version = ep.GetConfVer(), ep.GetVersion()
	m := &slab.meta
	m.Id, m.StartKey, m.EndKey, m.RegionEpoch, m.Peers = r.meta.GetId(), r.meta.GetStartKey(), r.meta.GetEndKey(),
		&slab.epoch, ptrs
	opts := []core.RegionOption{core.WithApproximateSize(r.size)}
	if r.hasPending {
		var pending []*metapb.Peer
		for _, p := range ptrs {
			if r.pending[p.GetId()] > 0 {
				pending = append(pending, p)
			}
		}
		opts = append(opts, core.WithPendingPeers(pending))
	}
	return core.NewRegionInfo(m, leader, opts...)
}

// heartbeat sends one region heartbeat through the cluster and the coordinator, applies the step that comes
// back, and reports whether the region changed (and so should report again).
func (s *Sim) heartbeat(r *region) (changed bool, err error) {
	info := r.last
	if info == nil || !s.cfg.ReuseReports {
		info = r.report()
		r.last = info
	}
	if _, err := s.Cluster.HandleRegion(info); err != nil {
		return false, err
	}
	changed = r.catchUp()
	if step := s.Coord.Dispatch(info); step != nil {
		changed = r.apply(step) || changed
	}
	if changed {
		r.last = nil
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
		return r.addPeer(st.ToStore, st.PeerID, metapb.PeerRole_Voter)
	case schedule.AddLearner:
		return r.addPeer(st.ToStore, st.PeerID, metapb.PeerRole_Learner)
	case schedule.PromoteLearner:
		for _, p := range r.meta.GetPeers() {
			if p.GetId() == st.PeerID && p.GetRole() == metapb.PeerRole_Learner {
				p.Role = metapb.PeerRole_Voter
				ep.ConfVer++
				return true
			}
		}
	case schedule.RemovePeer:
		peers := r.meta.GetPeers()
		for i, p := range peers {
			if p.GetStoreId() == st.FromStore {
				r.meta.Peers = append(peers[:i:i], peers[i+1:]...)
				ep.ConfVer++
				delete(r.pending, p.GetId())
				if p.GetId() == r.leader.GetId() {
					r.elect(nil) // the group elects another leader
				}
				return true
			}
		}
	case schedule.TransferLeader:
		for _, p := range r.meta.GetPeers() {
			if p.GetStoreId() == st.ToStore && p.GetId() != r.leader.GetId() && p.GetRole() == metapb.PeerRole_Voter {
				r.leader = p
				return true
			}
		}
	}
	return false
}

// addPeer adds a peer in role on store, reported pending for one heartbeat, unless the store has one already.
func (r *region) addPeer(store, id uint64, role metapb.PeerRole) bool {
	if hasStore(r.meta, store) {
		return false
	}
	r.meta.Peers = append(r.meta.Peers, &metapb.Peer{Id: id, StoreId: store, Role: role})
	r.meta.GetRegionEpoch().ConfVer++
	if r.pending == nil {
		r.pending = make(map[uint64]int)
	}
	r.pending[id] = 1 // reported pending once, then caught up
	r.hasPending = true
	return true
}

// elect makes the first voter not on a dead store (dead may be nil) the leader; it reports whether there was one.
// A learner never leads.
func (r *region) elect(dead func(store uint64) bool) bool {
	for _, p := range r.meta.GetPeers() {
		if p.GetRole() == metapb.PeerRole_Voter && p.GetId() != r.leader.GetId() && (dead == nil || !dead(p.GetStoreId())) {
			r.leader = p
			return true
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
