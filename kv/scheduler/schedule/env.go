package schedule

import (
	"iter"
	"math/rand/v2"
	"time"

	"github.com/gee-project/gee/kv/scheduler/core"
)

// IDAllocator hands out cluster-unique ids; the schedulers take new peer ids from it.
type IDAllocator interface {
	AllocID() (uint64, error)
}

// Env is what schedulers and checkers consult besides the cluster. One goroutine uses an Env at a time.
type Env struct {
	Config Config // with defaults applied
	Ops    *OperatorController
	IDs    IDAllocator
	Rand   *rand.Rand
	Now    time.Time
	// Started is when scheduling began: a store not heard from since counts as silent from then, so a restarted
	// scheduler does not take every store for dead before the stores had a chance to report.
	Started time.Time
	// Stores, if set, is the round's snapshot of the stores (in id order), read once per round instead of on every
	// Schedule call; the influence of operators added since keeps it current. Nil means ask the cluster each time.
	Stores []*core.StoreInfo
	byID   map[uint64]*core.StoreInfo
	infl   map[uint64]StoreInfluence // reused by usableStores
	views  []storeView               // reused by usableStores
}

// snapshotStores fixes the stores for a round.
func (env *Env) snapshotStores(c *core.Cluster) {
	env.Stores = c.GetStores()
	env.byID = make(map[uint64]*core.StoreInfo, len(env.Stores))
	for _, s := range env.Stores {
		env.byID[s.ID()] = s
	}
}

// store returns the store from the round's snapshot, or from the cluster when there is none.
func (env *Env) store(c *core.Cluster, id uint64) *core.StoreInfo {
	if env.byID != nil {
		return env.byID[id]
	}
	return c.GetStore(id)
}

// Scheduler proposes, per call, at most one operator that evens out the stores.
type Scheduler interface {
	// Name is the scheduler's name in Config.Schedulers.
	Name() string
	// Kind is the limit its operators count against.
	Kind() Kind
	// Schedule returns an operator to install, or nil when it finds nothing worth doing.
	Schedule(c *core.Cluster, env *Env) *Operator
}

// silence is how long the store has not been heard from, counting at most from env.Started.
func (env *Env) silence(s *core.StoreInfo) time.Duration {
	last := s.LastHeartbeat()
	if last.Before(env.Started) {
		last = env.Started
	}
	return env.Now.Sub(last)
}

// isDown reports a store whose replicas should be replaced: removed for good, or silent too long.
func (env *Env) isDown(s *core.StoreInfo) bool {
	return s == nil || s.IsTombstone() || env.silence(s) > env.Config.MaxStoreDownTime
}

// isUsable reports a store that may give or take replicas and leaders: up and recently heard from.
func (env *Env) isUsable(s *core.StoreInfo) bool {
	return s != nil && s.IsUp() && env.silence(s) <= env.Config.StoreDisconnectTime
}

// storeView is a usable store with the influence of the operators in flight.
type storeView struct {
	info *core.StoreInfo
	infl StoreInfluence
	key  int64 // the score the orderings below use
}

func (s storeView) id() uint64 { return s.info.ID() }

func (s storeView) regionScore() int64 { return s.info.RegionSize() + s.infl.RegionSize }

func (s storeView) leaderScore(bySize bool) int64 {
	if bySize {
		return s.info.LeaderSize() + s.infl.LeaderSize
	}
	return int64(s.info.LeaderCount() + s.infl.LeaderCount)
}

// usableStores returns the usable stores with their influence, in id order. The slice is reused by the next
// call: one scheduler call at a time uses it.
func usableStores(c *core.Cluster, env *Env) []storeView {
	env.infl = env.Ops.influenceInto(env.infl)
	stores := env.Stores
	if stores == nil {
		stores = c.GetStores()
	}
	out := env.views[:0]
	for _, s := range stores {
		if env.isUsable(s) {
			out = append(out, storeView{info: s, infl: env.infl[s.ID()]})
		}
	}
	env.views = out
	return out
}

// setScores records score(s) as each store's key for the orderings below.
func setScores(stores []storeView, score func(storeView) int64) {
	for i := range stores {
		stores[i].key = score(stores[i])
	}
}

// heaviestFirst yields the stores by descending key (ties: lower id first). It selects lazily, one pass per
// store yielded, because a scheduler nearly always stops at the first or second store.
func heaviestFirst(stores []storeView) iter.Seq[storeView] {
	return selectOrder(stores, func(a, b storeView) bool {
		return a.key > b.key || (a.key == b.key && a.id() < b.id())
	})
}

// lightestFirst yields the stores by ascending key (ties: lower id first), lazily.
func lightestFirst(stores []storeView) iter.Seq[storeView] {
	return selectOrder(stores, func(a, b storeView) bool {
		return a.key < b.key || (a.key == b.key && a.id() < b.id())
	})
}

func selectOrder(stores []storeView, before func(a, b storeView) bool) iter.Seq[storeView] {
	return func(yield func(storeView) bool) {
		used := make([]bool, len(stores))
		for range stores {
			best := -1
			for i := range stores {
				if !used[i] && (best < 0 || before(stores[i], stores[best])) {
					best = i
				}
			}
			used[best] = true
			if !yield(stores[best]) {
				return
			}
		}
	}
}

// allocPeerID takes a new peer id, or 0 if the allocator failed (the caller then makes no operator).
func (env *Env) allocPeerID() uint64 {
	id, err := env.IDs.AllocID()
	if err != nil {
		return 0
	}
	return id
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }
