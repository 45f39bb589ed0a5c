package schedule

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/scheduler/core"
)

const controllerShards = 64 // spreads heartbeat streams over locks; a power of two

// OperatorController holds at most one operator per region and hands out their steps on region heartbeats.
// Every method is goroutine-safe.
type OperatorController struct {
	now    func() time.Time
	shards [controllerShards]opShard
	counts [numKinds]atomic.Int64

	inflMu    sync.Mutex
	influence map[uint64]*StoreInfluence // from the unfinished steps of every operator

	finished, stale, expired, replaced atomic.Int64
	history                            opHistory
}

type opShard struct {
	mu  sync.Mutex
	ops map[uint64]*Operator
}

// ControllerStats counts operators by how they left the controller.
type ControllerStats struct {
	Running, Finished, Stale, Expired, Replaced int64
}

// NewOperatorController makes an empty controller; now is its clock (time.Now if nil).
func NewOperatorController(now func() time.Time) *OperatorController {
	if now == nil {
		now = time.Now
	}
	oc := &OperatorController{now: now, influence: make(map[uint64]*StoreInfluence)}
	for i := range oc.shards {
		oc.shards[i].ops = make(map[uint64]*Operator)
	}
	return oc
}

func (oc *OperatorController) shard(regionID uint64) *opShard {
	return &oc.shards[regionID&(controllerShards-1)]
}

// AddOperator installs op unless the region already has an operator of the same or higher priority; a lower one
// is replaced. It reports whether op was installed.
func (oc *OperatorController) AddOperator(op *Operator) bool {
	sh := oc.shard(op.regionID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old := sh.ops[op.regionID]; old != nil {
		if old.priority >= op.priority {
			return false
		}
		oc.dropLocked(sh, old)
		oc.replaced.Add(1)
		oc.record(old, StatusReplaced)
	}
	sh.ops[op.regionID] = op
	oc.counts[op.kind].Add(1)
	oc.shiftInfluence(op, 0, len(op.steps), 1)
	return true
}

// GetOperator returns the region's operator, or nil.
func (oc *OperatorController) GetOperator(regionID uint64) *Operator {
	sh := oc.shard(regionID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.ops[regionID]
}

// RemoveOperator drops the region's operator; it reports whether there was one.
func (oc *OperatorController) RemoveOperator(regionID uint64) bool {
	sh := oc.shard(regionID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	op := sh.ops[regionID]
	if op == nil {
		return false
	}
	oc.dropLocked(sh, op)
	oc.record(op, StatusCancelled)
	return true
}

// Dispatch is called with every region heartbeat the cluster accepted. It advances the region's operator past the
// steps the heartbeat shows applied, drops the operator when it is finished, stale or expired, and returns the step
// to send to the region's leader, or nil when there is nothing to send.
func (oc *OperatorController) Dispatch(region *core.RegionInfo) Step {
	sh := oc.shard(region.ID())
	sh.mu.Lock()
	defer sh.mu.Unlock()
	op := sh.ops[region.ID()]
	if op == nil {
		return nil
	}
	before := op.Current()
	step, state := op.evaluate(region, oc.now())
	if after := op.Current(); after > before {
		oc.shiftInfluence(op, before, after, -1)
	}
	switch state {
	case Finished:
		oc.finished.Add(1)
		oc.record(op, StatusSuccess)
	case Stale:
		oc.stale.Add(1)
		oc.record(op, StatusCancelled)
	case Expired:
		oc.expired.Add(1)
		oc.record(op, StatusTimeout)
	}
	if state != Running {
		oc.dropLocked(sh, op)
		return nil
	}
	if catchingUp(step, region) {
		return nil // the peer joined and is catching up by snapshot; sending the change again would not help
	}
	return step
}

// RemoveExpired drops every operator past its timeout (their regions may never heartbeat again) and returns how
// many it dropped.
func (oc *OperatorController) RemoveExpired() int {
	now := oc.now()
	n := 0
	for i := range oc.shards {
		sh := &oc.shards[i]
		sh.mu.Lock()
		for _, op := range sh.ops {
			if op.Expired(now) {
				oc.dropLocked(sh, op)
				oc.expired.Add(1)
				oc.record(op, StatusTimeout)
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}

// RemoveIf drops every operator for which drop returns true (it runs under a shard lock: it must
// not call the controller) and returns how many it dropped. They count as stale.
func (oc *OperatorController) RemoveIf(drop func(op *Operator) bool) int {
	n := 0
	for i := range oc.shards {
		sh := &oc.shards[i]
		sh.mu.Lock()
		for _, op := range sh.ops {
			if drop(op) {
				oc.dropLocked(sh, op)
				oc.stale.Add(1)
				oc.record(op, StatusCancelled)
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}

// Count is the number of operators of kind k in flight.
func (oc *OperatorController) Count(k Kind) int { return int(oc.counts[k].Load()) }

// Operators returns every operator in flight, in no particular order.
func (oc *OperatorController) Operators() []*Operator {
	var out []*Operator
	for i := range oc.shards {
		sh := &oc.shards[i]
		sh.mu.Lock()
		for _, op := range sh.ops {
			out = append(out, op)
		}
		sh.mu.Unlock()
	}
	return out
}

// Influence returns a copy of each store's pending load change from the operators in flight.
func (oc *OperatorController) Influence() map[uint64]StoreInfluence {
	return oc.influenceInto(nil)
}

// influenceInto is Influence filling dst (cleared first; allocated if nil), so a round can reuse one map.
func (oc *OperatorController) influenceInto(dst map[uint64]StoreInfluence) map[uint64]StoreInfluence {
	oc.inflMu.Lock()
	defer oc.inflMu.Unlock()
	if dst == nil {
		dst = make(map[uint64]StoreInfluence, len(oc.influence))
	}
	clear(dst)
	for id, in := range oc.influence {
		dst[id] = *in
	}
	return dst
}

// Stats counts the operators running and those that left, by reason.
func (oc *OperatorController) Stats() ControllerStats {
	var running int64
	for k := range oc.counts {
		running += oc.counts[k].Load()
	}
	return ControllerStats{Running: running, Finished: oc.finished.Load(), Stale: oc.stale.Load(),
		Expired: oc.expired.Load(), Replaced: oc.replaced.Load()}
}

// dropLocked removes op, which is in sh; the caller holds sh.mu.
func (oc *OperatorController) dropLocked(sh *opShard, op *Operator) {
	delete(sh.ops, op.regionID)
	oc.counts[op.kind].Add(-1)
	oc.shiftInfluence(op, op.Current(), len(op.steps), -1)
}

// shiftInfluence adds sign × the influence of op's steps [from, to).
func (oc *OperatorController) shiftInfluence(op *Operator, from, to, sign int) {
	if from >= to {
		return
	}
	oc.inflMu.Lock()
	defer oc.inflMu.Unlock()
	for i := from; i < to; i++ {
		addStepInfluence(oc.influence, op.steps[i], op.regionSize, sign)
	}
}
