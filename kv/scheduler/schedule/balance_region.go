package schedule

import (
	"math/rand/v2"

	"github.com/gee-project/gee/kv/scheduler/core"
)

// balanceRegionTries is how many random regions each source store gets before the next store is tried.
const balanceRegionTries = 8

// BalanceRegion moves replicas from the store with the most region size to the one with the least.
//
// Source: the usable store with the largest region size (plus in-flight influence) that has a suitable region,
// preferring its pending regions, then follower ones, then led ones. Target: the usable store with the smallest
// region size that holds no replica of the region. The move happens only if the gap exceeds twice the region's
// size, so that moving it cannot reverse the imbalance. Regions whose voter count differs from max-replicas, with
// a learner, down peers, of unknown size (0), or with an operator already are left alone. The new replica joins
// as a learner and votes only once it has caught up.
type BalanceRegion struct{}

// Name implements Scheduler.
func (BalanceRegion) Name() string { return BalanceRegionName }

// Kind implements Scheduler.
func (BalanceRegion) Kind() Kind { return KindRegion }

// Schedule implements Scheduler.
func (BalanceRegion) Schedule(c *core.Cluster, env *Env) *Operator {
	stores := usableStores(c, env)
	if len(stores) < 2 {
		return nil
	}
	setScores(stores, storeView.regionScore)
	var minScore int64
	for lightest := range lightestFirst(stores) {
		minScore = lightest.key
		break
	}
	for src := range heaviestFirst(stores) {
		if src.key <= minScore {
			break // no store is lighter than this one: nothing left to gain
		}
		for try := 0; try < balanceRegionTries; try++ {
			region := pickSourceRegion(c, env, src.id())
			if region == nil {
				continue // a random pick may miss a movable region: try again
			}
			tgt, ok := lightestWithout(stores, region)
			if !ok || src.key-tgt.key <= 2*region.ApproximateSize() {
				continue
			}
			if op := movePeer(env, region, src.id(), tgt.id()); op != nil {
				return op
			}
		}
	}
	return nil
}

// pickSourceRegion returns a random suitable region with a replica on the store: a pending one if it can, else a
// follower, else a leader. Each kind gets a few random picks before the next is tried, so an unmovable region
// does not hide a movable one of the preferred kind. nil means no pick was suitable.
func pickSourceRegion(c *core.Cluster, env *Env, storeID uint64) *core.RegionInfo {
	picks := [...]func(uint64, *rand.Rand) *core.RegionInfo{
		c.RandPendingRegion, c.RandFollowerRegion, c.RandLeaderRegion,
	}
	for _, pick := range picks {
		for i := 0; i < picksPerKind; i++ {
			r := pick(storeID, env.Rand)
			if r == nil {
				break
			}
			if movable(r, env) {
				return r
			}
		}
	}
	return nil
}

// picksPerKind bounds the random picks of one kind of region (pending, follower, leader) per source pick.
const picksPerKind = 8

// movable reports a region the balancer may touch: exactly max-replicas voters and no learner (a leftover
// learner is the replica checker's), not joint, no down peer, a known size, a leader and no operator.
func movable(r *core.RegionInfo, env *Env) bool {
	if len(r.DownPeers()) != 0 || r.ApproximateSize() <= 0 || r.Leader() == nil ||
		env.Ops.GetOperator(r.ID()) != nil {
		return false
	}
	voters, _ := splitRoles(r)
	return len(voters) == env.Config.MaxReplicas && len(voters) == len(r.Peers())
}

// lightestWithout returns the store with the smallest key (ties: lower id) that holds no replica of r.
func lightestWithout(stores []storeView, r *core.RegionInfo) (storeView, bool) {
	best := -1
	for i, s := range stores {
		if r.StorePeer(s.id()) != nil {
			continue
		}
		if best < 0 || s.key < stores[best].key || (s.key == stores[best].key && s.id() < stores[best].id()) {
			best = i
		}
	}
	if best < 0 {
		return storeView{}, false
	}
	return stores[best], true
}

// movePeer builds the operator that moves r's replica from store src to store dst: add a learner on dst, promote
// it once it has caught up, hand the leadership to it if the leaving peer leads, then remove the old peer.
func movePeer(env *Env, r *core.RegionInfo, src, dst uint64) *Operator {
	old := r.StorePeer(src)
	newID := env.allocPeerID()
	if old == nil || newID == 0 {
		return nil
	}
	steps := addVoter(dst, newID)
	if r.Leader().GetStoreId() == src {
		steps = append(steps, TransferLeader{FromStore: src, ToStore: dst, ToPeerID: newID})
	}
	steps = append(steps, RemovePeer{FromStore: src, PeerID: old.GetId()})
	return NewOperator(BalanceRegionName, r, KindRegion, PriorityNormal, env.Now,
		env.Config.RegionOperatorTimeout, steps...)
}
