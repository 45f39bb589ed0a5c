package schedule

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/scheduler/core"
)

// Kind says which schedule limit an operator counts against.
type Kind uint8

const (
	// KindLeader operators only move leadership.
	KindLeader Kind = iota
	// KindRegion operators move replicas to balance stores.
	KindRegion
	// KindReplica operators repair a region's replica count or replace a dead replica.
	KindReplica
	numKinds
)

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case KindLeader:
		return "leader"
	case KindRegion:
		return "region"
	case KindReplica:
		return "replica"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Priority orders operators competing for one region: a higher one replaces a lower one.
type Priority uint8

const (
	// PriorityNormal is for balancing.
	PriorityNormal Priority = iota
	// PriorityHigh is for repairs (missing or dead replicas).
	PriorityHigh
)

// State is where an operator stands after looking at a region heartbeat.
type State uint8

const (
	// Running means a step is still to be applied.
	Running State = iota
	// Finished means every step is applied.
	Finished
	// Stale means the region changed in a way the operator did not cause (split, merge, foreign conf change).
	Stale
	// Expired means the operator ran past its timeout.
	Expired
)

// String names the state for logs.
func (s State) String() string {
	return [...]string{"running", "finished", "stale", "expired"}[s]
}

// Operator is an ordered list of steps for one region, created for one epoch of that region.
type Operator struct {
	desc       string
	source     string // set for admin operators; see Source
	regionID   uint64
	confVer    uint64 // the region's epoch when the operator was made
	version    uint64
	regionSize int64
	kind       Kind
	priority   Priority
	steps      []Step
	created    time.Time
	timeout    time.Duration
	current    atomic.Int32 // index of the first unfinished step; written under the controller's shard lock
}

// NewOperator makes an operator for region's current epoch. The steps run in order.
func NewOperator(desc string, region *core.RegionInfo, kind Kind, priority Priority, now time.Time,
	timeout time.Duration, steps ...Step) *Operator {
	ep := region.Epoch()
	return &Operator{
		desc: desc, regionID: region.ID(), confVer: ep.GetConfVer(), version: ep.GetVersion(),
		regionSize: region.ApproximateSize(), kind: kind, priority: priority, steps: steps,
		created: now, timeout: timeout,
	}
}

// RegionID is the region the operator changes.
func (op *Operator) RegionID() uint64 { return op.regionID }

// Desc is the short name of what made the operator ("balance-region", "replace-down-peer", …).
func (op *Operator) Desc() string { return op.desc }

// Kind is the limit the operator counts against.
func (op *Operator) Kind() Kind { return op.kind }

// Priority orders the operator against others for the same region.
func (op *Operator) Priority() Priority { return op.priority }

// Len is the number of steps.
func (op *Operator) Len() int { return len(op.steps) }

// Step returns step i.
func (op *Operator) Step(i int) Step { return op.steps[i] }

// Current is the index of the first unfinished step (Len() when all are done).
func (op *Operator) Current() int { return int(op.current.Load()) }

// Created is when the operator was made.
func (op *Operator) Created() time.Time { return op.created }

// Expired reports whether the operator has run longer than its timeout at now.
func (op *Operator) Expired(now time.Time) bool { return now.Sub(op.created) > op.timeout }

// String describes the operator and its progress for logs.
func (op *Operator) String() string {
	parts := make([]string, len(op.steps))
	for i, s := range op.steps {
		parts[i] = s.String()
	}
	return fmt.Sprintf("%s region %d (%s, step %d/%d): %s", op.desc, op.regionID, op.kind, op.Current(),
		len(op.steps), strings.Join(parts, ", "))
}

// Check moves past every step region shows applied and returns the next unfinished step, or nil when all are done.
// Not goroutine-safe: the controller calls it under its lock.
func (op *Operator) Check(region *core.RegionInfo) Step {
	i := int(op.current.Load())
	for i < len(op.steps) && op.steps[i].IsFinished(region) {
		i++
	}
	op.current.Store(int32(i))
	if i == len(op.steps) {
		return nil
	}
	return op.steps[i]
}

// evaluate checks region against the operator at now: the state, and the step to send when Running.
func (op *Operator) evaluate(region *core.RegionInfo, now time.Time) (Step, State) {
	step := op.Check(region)
	if step == nil {
		return nil, Finished
	}
	if op.isStale(region) {
		return nil, Stale
	}
	if op.Expired(now) {
		return nil, Expired
	}
	return step, Running
}

// isStale reports a region whose range changed since the operator was made, or whose conf_ver moved further than
// the operator's own applied steps explain (someone else changed the membership).
func (op *Operator) isStale(region *core.RegionInfo) bool {
	ep := region.Epoch()
	if ep.GetVersion() != op.version {
		return true
	}
	return ep.GetConfVer() > op.confVer+op.appliedConfChanges(region)
}

func (op *Operator) appliedConfChanges(region *core.RegionInfo) uint64 {
	cur := op.Current()
	var n uint64
	for i := 0; i < cur; i++ {
		if isConfChange(op.steps[i]) {
			n++
		}
	}
	if cur < len(op.steps) {
		if catchingUp(op.steps[cur], region) {
			n++ // the peer joined and is still catching up
		}
	}
	return n
}
