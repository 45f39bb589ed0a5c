package schedule

import (
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// balanceLeaderTries is how many random regions each store gets before the next store is tried.
const balanceLeaderTries = 8

// BalanceLeader moves leaderships from the store leading the most (by count, or by size with
// Config.LeaderBalanceBySize) to the store leading the least, among the region's own followers. A transfer
// happens only if it narrows the gap: by count the gap must be at least 2, by size more than twice the region's.
// It first looks for a leader to move out of the heaviest stores, then for a follower on the lightest stores
// whose leader sits on a heavier one.
type BalanceLeader struct{}

// Name implements Scheduler.
func (BalanceLeader) Name() string { return BalanceLeaderName }

// Kind implements Scheduler.
func (BalanceLeader) Kind() Kind { return KindLeader }

// Schedule implements Scheduler.
func (BalanceLeader) Schedule(c *core.Cluster, env *Env) *Operator {
	stores := usableStores(c, env)
	if len(stores) < 2 {
		return nil
	}
	bySize := env.Config.LeaderBalanceBySize
	score := func(s storeView) int64 { return s.leaderScore(bySize) }
	byID := make(map[uint64]storeView, len(stores))
	for _, s := range stores {
		byID[s.id()] = s
	}
	setScores(stores, score)
	var lightest, heaviest int64
	for s := range lightestFirst(stores) {
		lightest = s.key
		break
	}
	for s := range heaviestFirst(stores) {
		heaviest = s.key
		break
	}
	for src := range heaviestFirst(stores) {
		if src.key <= lightest {
			break
		}
		for try := 0; try < balanceLeaderTries; try++ {
			r := c.RandLeaderRegion(src.id(), env.Rand)
			if r == nil {
				break
			}
			if op := transferOut(env, r, src, byID, score, bySize); op != nil {
				return op
			}
		}
	}
	for dst := range lightestFirst(stores) {
		if dst.key >= heaviest {
			break // no store leads more than this one
		}
		for try := 0; try < balanceLeaderTries; try++ {
			r := c.RandFollowerRegion(dst.id(), env.Rand)
			if r == nil {
				break
			}
			src, ok := byID[r.Leader().GetStoreId()]
			if ok && worthTransfer(src, dst, r, score, bySize) && leaderMovable(r, env) &&
				followerReady(r, dst.id()) {
				return transferLeader(env, r, src.id(), dst.id())
			}
		}
	}
	return nil
}

// transferOut picks the follower of r (led from src) on the store leading the least, if the move is worth it.
func transferOut(env *Env, r *core.RegionInfo, src storeView, byID map[uint64]storeView,
	score func(storeView) int64, bySize bool) *Operator {
	if !leaderMovable(r, env) {
		return nil
	}
	var best storeView
	found := false
	for _, p := range r.Followers() {
		dst, ok := byID[p.GetStoreId()]
		if !ok || !followerReady(r, dst.id()) {
			continue
		}
		if !found || score(dst) < score(best) || (score(dst) == score(best) && dst.id() < best.id()) {
			best, found = dst, true
		}
	}
	if !found || !worthTransfer(src, best, r, score, bySize) {
		return nil
	}
	return transferLeader(env, r, src.id(), best.id())
}

// worthTransfer reports whether moving r's leadership from src to dst narrows their gap.
func worthTransfer(src, dst storeView, r *core.RegionInfo, score func(storeView) int64, bySize bool) bool {
	gap := score(src) - score(dst)
	if bySize {
		return gap > 2*r.ApproximateSize()
	}
	return gap >= 2
}

func leaderMovable(r *core.RegionInfo, env *Env) bool {
	return r.Leader() != nil && len(r.DownPeers()) == 0 && !inJoint(r) && env.Ops.GetOperator(r.ID()) == nil
}

// followerReady reports a voter follower on the store that is neither pending nor down, so it can lead at once
// (a learner cannot lead).
func followerReady(r *core.RegionInfo, storeID uint64) bool {
	p := r.StorePeer(storeID)
	return p != nil && p.GetId() != r.Leader().GetId() && p.GetRole() == metapb.PeerRole_Voter &&
		!isPending(r, p.GetId()) && !isDownPeer(r, p.GetId())
}

func transferLeader(env *Env, r *core.RegionInfo, src, dst uint64) *Operator {
	return NewOperator(BalanceLeaderName, r, KindLeader, PriorityNormal, env.Now, env.Config.LeaderOperatorTimeout,
		TransferLeader{FromStore: src, ToStore: dst, ToPeerID: r.StorePeer(dst).GetId()})
}
