package schedule

import (
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// ReplicaChecker keeps each region at max-replicas: it adds a replica to a region that has too few, removes one
// from a region that has too many, and replaces a replica whose store has been down longer than
// max-store-down-time, is a tombstone, or is offline (being drained) by adding a new one elsewhere before
// removing it.
type ReplicaChecker struct{}

// Check returns an operator that repairs r, or nil when r needs nothing (or nothing can be done now).
func (ReplicaChecker) Check(c *core.Cluster, env *Env, r *core.RegionInfo) *Operator {
	if r.Leader() == nil || env.Ops.GetOperator(r.ID()) != nil {
		return nil
	}
	peers := r.Peers()
	want := env.Config.MaxReplicas
	if len(peers) < want {
		if dst, ok := bestStoreFor(c, env, r); ok {
			id := env.allocPeerID()
			if id == 0 {
				return nil
			}
			return replicaOp(env, "add-replica", r, AddPeer{ToStore: dst, PeerID: id})
		}
		return nil
	}
	if ls := env.store(c, r.Leader().GetStoreId()); ls != nil && ls.IsOffline() {
		return leaveOfflineStore(c, env, r)
	}
	if dead := downPeer(c, env, r); dead != nil {
		rm := RemovePeer{FromStore: dead.GetStoreId(), PeerID: dead.GetId()}
		if len(peers) > want {
			return replicaOp(env, "remove-down-replica", r, rm)
		}
		dst, ok := bestStoreFor(c, env, r)
		id := uint64(0)
		if ok {
			id = env.allocPeerID()
		}
		if id == 0 {
			return nil
		}
		return replicaOp(env, "replace-down-replica", r, AddPeer{ToStore: dst, PeerID: id}, rm)
	}
	if len(peers) > want {
		if p := worstFollower(c, env, r); p != nil {
			return replicaOp(env, "remove-extra-replica", r, RemovePeer{FromStore: p.GetStoreId(), PeerID: p.GetId()})
		}
	}
	return nil
}

func replicaOp(env *Env, desc string, r *core.RegionInfo, steps ...Step) *Operator {
	return NewOperator(desc, r, KindReplica, PriorityHigh, env.Now, env.Config.RegionOperatorTimeout, steps...)
}

// downPeer returns a non-leader peer of r on a store that is down or offline, or nil.
func downPeer(c *core.Cluster, env *Env, r *core.RegionInfo) *metapb.Peer {
	for _, p := range r.Followers() {
		if s := env.store(c, p.GetStoreId()); env.isDown(s) || s.IsOffline() {
			return p
		}
	}
	return nil
}

// bestStoreFor returns the usable store with the least region size (then fewest regions, then lowest id) that
// holds no replica of r.
func bestStoreFor(c *core.Cluster, env *Env, r *core.RegionInfo) (uint64, bool) {
	var best storeView
	found := false
	for _, s := range usableStores(c, env) {
		if r.StorePeer(s.id()) != nil {
			continue
		}
		if !found || lighter(s, best) {
			best, found = s, true
		}
	}
	if !found {
		return 0, false
	}
	return best.id(), true
}

func lighter(a, b storeView) bool {
	if a.regionScore() != b.regionScore() {
		return a.regionScore() < b.regionScore()
	}
	ac, bc := a.info.RegionCount()+a.infl.RegionCount, b.info.RegionCount()+b.infl.RegionCount
	if ac != bc {
		return ac < bc
	}
	return a.id() < b.id()
}

// worstFollower picks the follower to drop from a region with too many replicas: one the leader reports down
// first, then one on a store that cannot serve, then a pending one, then the one on the most loaded store.
func worstFollower(c *core.Cluster, env *Env, r *core.RegionInfo) *metapb.Peer {
	infl := env.Ops.Influence()
	var worst *metapb.Peer
	var worstRank int
	var worstScore int64
	for _, p := range r.Followers() {
		s := env.store(c, p.GetStoreId())
		rank, score := 0, int64(0)
		switch {
		case isDownPeer(r, p.GetId()):
			rank = 3
		case !env.isUsable(s):
			rank = 2
		case isPending(r, p.GetId()):
			rank = 1
		}
		if s != nil {
			score = s.RegionSize() + infl[s.ID()].RegionSize
		}
		if worst == nil || rank > worstRank || (rank == worstRank && score > worstScore) {
			worst, worstRank, worstScore = p, rank, score
		}
	}
	return worst
}

func isDownPeer(r *core.RegionInfo, peerID uint64) bool {
	for _, p := range r.DownPeers() {
		if p.GetId() == peerID {
			return true
		}
	}
	return false
}

// leaveOfflineStore hands r's leadership from its offline store to a ready follower on a usable store, so that the
// replica there can then be replaced like any other.
func leaveOfflineStore(c *core.Cluster, env *Env, r *core.RegionInfo) *Operator {
	from := r.Leader().GetStoreId()
	for _, p := range r.Followers() {
		if env.isUsable(env.store(c, p.GetStoreId())) && followerReady(r, p.GetStoreId()) {
			return replicaOp(env, "leave-offline-store", r,
				TransferLeader{FromStore: from, ToStore: p.GetStoreId(), ToPeerID: p.GetId()})
		}
	}
	return nil
}
