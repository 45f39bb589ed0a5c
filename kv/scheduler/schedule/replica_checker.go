package schedule

import (
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// ReplicaChecker keeps each region at max-replicas voters: it adds a replica to a region that has too few, removes
// one from a region that has too many, and replaces a replica whose store has been down longer than
// max-store-down-time, is a tombstone, or is offline (being drained) by adding a new one elsewhere before
// removing it. New replicas join as learners and are promoted once caught up; only voters count as replicas.
// A learner no operator is moving (one left over from an interrupted move) is promoted once it has caught up, as
// PD's learner checker does, since its snapshot is already paid for (if the region then has a voter too many, the
// worst one goes next); a learner on a store that cannot serve is removed instead. While it catches up the
// region is left alone: adding another replica then would only waste a second snapshot.
type ReplicaChecker struct{}

// Check returns an operator that repairs r, or nil when r needs nothing (or nothing can be done now).
func (ReplicaChecker) Check(c *core.Cluster, env *Env, r *core.RegionInfo) *Operator {
	if r.Leader() == nil || env.Ops.GetOperator(r.ID()) != nil || inJoint(r) {
		return nil
	}
	voters, learners := splitRoles(r)
	if len(learners) > 0 {
		return checkLearners(c, env, r, learners)
	}
	want := env.Config.MaxReplicas
	if len(voters) < want {
		if dst, ok := bestStoreFor(c, env, r); ok {
			if id := env.allocPeerID(); id != 0 {
				return replicaOp(env, "add-replica", r, addVoter(dst, id)...)
			}
		}
		return nil
	}
	if ls := env.store(c, r.Leader().GetStoreId()); ls != nil && ls.IsOffline() {
		return leaveOfflineStore(c, env, r)
	}
	if dead := downPeer(c, env, r); dead != nil {
		rm := RemovePeer{FromStore: dead.GetStoreId(), PeerID: dead.GetId()}
		if len(voters) > want {
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
		return replicaOp(env, "replace-down-replica", r, append(addVoter(dst, id), rm)...)
	}
	if len(voters) > want {
		if p := worstFollower(c, env, r); p != nil {
			return replicaOp(env, "remove-extra-replica", r, RemovePeer{FromStore: p.GetStoreId(), PeerID: p.GetId()})
		}
	}
	return nil
}

// addVoter is the steps that give a region a new voter: a learner first, promoted once it has caught up, so the
// quorum never waits for a peer still receiving its snapshot.
func addVoter(store, peerID uint64) []Step {
	return []Step{AddLearner{ToStore: store, PeerID: peerID}, PromoteLearner{ToStore: store, PeerID: peerID}}
}

// checkLearners handles the learners of a region no operator is moving: one on a store that cannot serve (or
// reported down) is removed, else a caught-up one is promoted; nil while they catch up.
func checkLearners(c *core.Cluster, env *Env, r *core.RegionInfo, learners []*metapb.Peer) *Operator {
	for _, p := range learners {
		if !env.isUsable(env.store(c, p.GetStoreId())) || isDownPeer(r, p.GetId()) {
			return replicaOp(env, "remove-learner", r, RemovePeer{FromStore: p.GetStoreId(), PeerID: p.GetId()})
		}
	}
	for _, p := range learners {
		if !isPending(r, p.GetId()) {
			return replicaOp(env, "promote-learner", r, PromoteLearner{ToStore: p.GetStoreId(), PeerID: p.GetId()})
		}
	}
	return nil
}

func replicaOp(env *Env, desc string, r *core.RegionInfo, steps ...Step) *Operator {
	return NewOperator(desc, r, KindReplica, PriorityHigh, env.Now, env.Config.RegionOperatorTimeout, steps...)
}

// downPeer returns a non-leader voter of r on a store that is down or offline, or nil.
func downPeer(c *core.Cluster, env *Env, r *core.RegionInfo) *metapb.Peer {
	for _, p := range r.Followers() {
		if !isVoter(p) {
			continue
		}
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

// worstFollower picks the voter follower to drop from a region with too many voters: one the leader reports down
// first, then one on a store that cannot serve, then a pending one, then the one on the most loaded store.
func worstFollower(c *core.Cluster, env *Env, r *core.RegionInfo) *metapb.Peer {
	infl := env.Ops.Influence()
	var worst *metapb.Peer
	var worstRank int
	var worstScore int64
	for _, p := range r.Followers() {
		if !isVoter(p) {
			continue
		}
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

// leaveOfflineStore hands r's leadership from its offline store to a ready voter on a usable store, so that the
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
