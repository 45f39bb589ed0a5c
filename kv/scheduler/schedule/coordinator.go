package schedule

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gee-project/gee/kv/scheduler/core"
)

// Coordinator runs the replica checker and the balance schedulers in rounds and hands their operators' steps to
// region heartbeats through an OperatorController.
type Coordinator struct {
	cluster    *core.Cluster
	ops        *OperatorController
	checker    ReplicaChecker
	schedulers []Scheduler

	mu      sync.Mutex // one round at a time; guards env and patrol
	env     Env
	base    Config // as given, defaults applied; env.Config is it refreshed from ClusterConfig each round
	patrol  []byte // where the replica checker's next batch starts
	started bool
	added   []uint64 // regions given an operator since the last TakeAdded (capped at maxAdded)
}

// maxAdded caps the regions TakeAdded remembers; beyond it, new operators wait for their region's
// heartbeat as they always may.
const maxAdded = 4096

// RoundStats counts what one scheduling round created.
type RoundStats struct {
	Expired, Replica, Region, Leader int
	// Abandoned: operators dropped because a store they move a peer or leader to is no longer usable.
	Abandoned int
}

// NewCoordinator builds a coordinator over cluster that takes new peer ids from ids.
func NewCoordinator(cluster *core.Cluster, ids IDAllocator, cfg Config) (*Coordinator, error) {
	if cluster == nil || ids == nil {
		return nil, errors.New("schedule: NewCoordinator needs a cluster and an id allocator")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	co := &Coordinator{cluster: cluster, ops: NewOperatorController(cfg.Now), base: cfg}
	co.env = Env{Config: cfg, Ops: co.ops, IDs: ids, Rand: newRand(cfg.Seed)}
	if !cfg.DisableBalance {
		for _, name := range cfg.Schedulers {
			switch name {
			case BalanceRegionName:
				co.schedulers = append(co.schedulers, BalanceRegion{})
			case BalanceLeaderName:
				co.schedulers = append(co.schedulers, BalanceLeader{})
			}
		}
	}
	return co, nil
}

// Dispatch is to be called with every region heartbeat the cluster accepted; see OperatorController.Dispatch.
func (co *Coordinator) Dispatch(region *core.RegionInfo) Step { return co.ops.Dispatch(region) }

// Operators is the coordinator's operator controller (for listing operators or adding one by hand).
func (co *Coordinator) Operators() *OperatorController { return co.ops }

// Config returns the configuration as given, defaults applied (without the ClusterConfig overrides).
func (co *Coordinator) Config() Config { return co.base }

// Run schedules a round every ScheduleInterval until ctx is done.
func (co *Coordinator) Run(ctx context.Context) {
	t := time.NewTicker(co.base.ScheduleInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			co.RunOnce()
		}
	}
}

// RunOnce is one scheduling round: drop expired operators, let the replica checker look at the next batch of
// regions, then let each balance scheduler add operators until it finds nothing or its kind's limit is reached.
func (co *Coordinator) RunOnce() RoundStats { return co.RunOnceAt(co.base.Now()) }

// RunOnceAt is RunOnce with the round's clock reading given.
func (co *Coordinator) RunOnceAt(now time.Time) RoundStats {
	co.mu.Lock()
	defer co.mu.Unlock()
	env := &co.env
	env.Now = now
	env.Config = co.base.refreshed()
	env.snapshotStores(co.cluster)
	if !co.started {
		env.Started, co.started = env.Now, true
	}
	var st RoundStats
	st.Expired = co.ops.RemoveExpired()
	st.Abandoned = co.ops.RemoveIf(func(op *Operator) bool { return co.targetGone(op, env) })
	st.Replica = co.patrolRegions(env)
	for _, s := range co.schedulers {
		n := 0
		for co.ops.Count(s.Kind()) < co.limit(s.Kind()) {
			op := s.Schedule(co.cluster, env)
			if op == nil || !co.ops.AddOperator(op) {
				break
			}
			co.noteAdded(op)
			n++
		}
		if s.Kind() == KindRegion {
			st.Region += n
		} else {
			st.Leader += n
		}
	}
	return st
}

// patrolRegions runs the replica checker over the next PatrolBatch regions in key order, wrapping around at the
// end of the key space, and returns how many operators it added.
func (co *Coordinator) patrolRegions(env *Env) int {
	regions := co.cluster.ScanRegions(co.patrol, nil, env.Config.PatrolBatch)
	added := 0
	for _, r := range regions {
		if co.ops.Count(KindReplica) >= env.Config.ReplicaScheduleLimit {
			return added // resume here next round
		}
		co.patrol = r.EndKey()
		if op := co.checker.Check(co.cluster, env, r); op != nil && co.ops.AddOperator(op) {
			co.noteAdded(op)
			added++
		}
		if len(co.patrol) == 0 {
			break
		}
	}
	if len(regions) < env.Config.PatrolBatch || len(co.patrol) == 0 {
		co.patrol = nil
	}
	return added
}

func (co *Coordinator) limit(k Kind) int {
	switch k {
	case KindLeader:
		return co.env.Config.LeaderScheduleLimit
	case KindRegion:
		return co.env.Config.RegionScheduleLimit
	}
	return co.env.Config.ReplicaScheduleLimit
}

// targetGone reports an operator whose remaining steps add a peer on, or hand a leader to, a store
// that is no longer usable (silent, offline, removed): it could only wait for its timeout (10
// minutes for a replica move) while holding the region, so the region's checker and the balance
// schedulers get it back at once.
func (co *Coordinator) targetGone(op *Operator, env *Env) bool {
	for i := op.Current(); i < op.Len(); i++ {
		var to uint64
		switch s := op.Step(i).(type) {
		case AddPeer:
			to = s.ToStore
		case AddLearner:
			to = s.ToStore
		case PromoteLearner:
			to = s.ToStore
		case TransferLeader:
			to = s.ToStore
		default:
			continue
		}
		if !env.isUsable(env.store(co.cluster, to)) {
			return true
		}
	}
	return false
}

// noteAdded remembers op's region for TakeAdded. Caller holds co.mu.
func (co *Coordinator) noteAdded(op *Operator) {
	if len(co.added) < maxAdded {
		co.added = append(co.added, op.RegionID())
	}
}

// TakeAdded returns the regions given an operator since the last call (at most 4,096), so the
// server can send their first steps at once instead of waiting for the regions' next heartbeats.
func (co *Coordinator) TakeAdded() []uint64 {
	co.mu.Lock()
	defer co.mu.Unlock()
	out := co.added
	co.added = nil
	return out
}
