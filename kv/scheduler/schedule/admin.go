package schedule

import (
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// OpError is why an admin operator was refused, with the wire error type the server answers with.
type OpError struct {
	Type schedulerpb.ErrorType
	Msg  string
}

func (e *OpError) Error() string { return e.Msg }

// ErrorType is the wire error type (kv/scheduler maps errors with this method to response headers).
func (e *OpError) ErrorType() schedulerpb.ErrorType { return e.Type }

func opErr(t schedulerpb.ErrorType, format string, args ...any) *OpError {
	return &OpError{Type: t, Msg: fmt.Sprintf(format, args...)}
}

// AddAdminOperator makes and installs an operator asked for by hand (PD's `operator add`):
// transfer the region's leadership to its peer on storeID, add a replica on storeID (as a learner,
// then promoted), or remove the replica on storeID (moving leadership away first if it is there).
// It replaces nothing (PD lets an admin operator replace a lower-priority one; refusing keeps a
// move in flight from being cut short): a region with an operator running gets OPERATOR_RUNNING.
// The operator has high priority, so no balance scheduler replaces it.
func (co *Coordinator) AddAdminOperator(kind schedulerpb.OperatorKind, regionID, storeID uint64) (*Operator, error) {
	co.mu.Lock() // the round's env is reused here; also keeps the checks and the install together
	defer co.mu.Unlock()
	env := &co.env
	env.Now = co.base.Now()
	env.Config = co.base.refreshed()
	env.Stores, env.byID = nil, nil // read the cluster now, not the last round's snapshot
	if env.Started.IsZero() {
		env.Started = env.Now
	}
	r := co.cluster.GetRegion(regionID)
	if r == nil {
		return nil, opErr(schedulerpb.ErrorType_REGION_NOT_FOUND, "region %d is not known", regionID)
	}
	if r.Leader() == nil {
		return nil, opErr(schedulerpb.ErrorType_UNAVAILABLE, "region %d has no known leader yet", regionID)
	}
	if old := co.ops.GetOperator(regionID); old != nil {
		return nil, opErr(schedulerpb.ErrorType_OPERATOR_RUNNING, "region %d already has an operator: %s", regionID, old)
	}
	if inJoint(r) {
		return nil, opErr(schedulerpb.ErrorType_OPERATOR_RUNNING, "region %d is in a joint configuration; try again shortly", regionID)
	}
	op, err := co.adminOperator(env, kind, r, storeID)
	if err != nil {
		return nil, err
	}
	op.source = SourceAdmin
	if !co.ops.AddOperator(op) { // raced with a heartbeat-time install; cannot replace
		return nil, opErr(schedulerpb.ErrorType_OPERATOR_RUNNING, "region %d already has an operator", regionID)
	}
	co.noteAdded(op)
	return op, nil
}

func (co *Coordinator) adminOperator(env *Env, kind schedulerpb.OperatorKind, r *core.RegionInfo, storeID uint64) (*Operator, error) {
	switch kind {
	case schedulerpb.OperatorKind_TRANSFER_LEADER:
		return co.adminTransferLeader(env, r, storeID)
	case schedulerpb.OperatorKind_ADD_PEER:
		return co.adminAddPeer(env, r, storeID)
	case schedulerpb.OperatorKind_REMOVE_PEER:
		return co.adminRemovePeer(env, r, storeID)
	}
	return nil, opErr(schedulerpb.ErrorType_INVALID_ARGUMENT, "kind: %s, want TRANSFER_LEADER, ADD_PEER or REMOVE_PEER", kind)
}

// usableStore checks that storeID can take a replica or the leadership now.
func (co *Coordinator) usableStore(env *Env, storeID uint64) error {
	s := co.cluster.GetStore(storeID)
	switch {
	case s == nil:
		return opErr(schedulerpb.ErrorType_STORE_NOT_FOUND, "store %d is not known", storeID)
	case s.IsTombstone():
		return opErr(schedulerpb.ErrorType_STORE_TOMBSTONE, "store %d is a tombstone", storeID)
	case !s.IsUp():
		return opErr(schedulerpb.ErrorType_STORE_NOT_UP, "store %d is %s", storeID, s.Meta().GetState())
	case !env.isUsable(s):
		return opErr(schedulerpb.ErrorType_STORE_NOT_UP, "store %d has not sent a heartbeat for %v", storeID,
			env.silence(s).Round(time.Millisecond))
	}
	return nil
}

func (co *Coordinator) adminTransferLeader(env *Env, r *core.RegionInfo, storeID uint64) (*Operator, error) {
	p := r.StorePeer(storeID)
	switch {
	case p == nil:
		return nil, opErr(schedulerpb.ErrorType_PEER_NOT_FOUND, "region %d has no replica on store %d", r.ID(), storeID)
	case r.Leader().GetStoreId() == storeID:
		return nil, opErr(schedulerpb.ErrorType_INVALID_ARGUMENT, "region %d's leader is already on store %d", r.ID(), storeID)
	case !isVoter(p):
		return nil, opErr(schedulerpb.ErrorType_INVALID_ARGUMENT, "region %d's replica on store %d is a %s, not a voter",
			r.ID(), storeID, p.GetRole())
	}
	if err := co.usableStore(env, storeID); err != nil {
		return nil, err
	}
	step := TransferLeader{FromStore: r.Leader().GetStoreId(), ToStore: storeID, ToPeerID: p.GetId()}
	return NewOperator("transfer-leader", r, KindLeader, PriorityHigh, env.Now, env.Config.LeaderOperatorTimeout, step), nil
}

func (co *Coordinator) adminAddPeer(env *Env, r *core.RegionInfo, storeID uint64) (*Operator, error) {
	if p := r.StorePeer(storeID); p != nil {
		return nil, opErr(schedulerpb.ErrorType_PEER_EXISTS, "region %d already has replica %d on store %d", r.ID(), p.GetId(), storeID)
	}
	if err := co.usableStore(env, storeID); err != nil {
		return nil, err
	}
	id, err := env.IDs.AllocID()
	if err != nil {
		return nil, opErr(schedulerpb.ErrorType_UNAVAILABLE, "allocate a peer id: %v", err)
	}
	return NewOperator("add-peer", r, KindRegion, PriorityHigh, env.Now, env.Config.RegionOperatorTimeout,
		addVoter(storeID, id)...), nil
}

func (co *Coordinator) adminRemovePeer(env *Env, r *core.RegionInfo, storeID uint64) (*Operator, error) {
	p := r.StorePeer(storeID)
	if p == nil {
		return nil, opErr(schedulerpb.ErrorType_PEER_NOT_FOUND, "region %d has no replica on store %d", r.ID(), storeID)
	}
	rm := RemovePeer{FromStore: storeID, PeerID: p.GetId()}
	if r.Leader().GetStoreId() != storeID {
		return NewOperator("remove-peer", r, KindRegion, PriorityHigh, env.Now, env.Config.RegionOperatorTimeout, rm), nil
	}
	to := co.newLeaderFor(env, r, storeID)
	if to == nil {
		return nil, opErr(schedulerpb.ErrorType_INVALID_ARGUMENT,
			"region %d's leader is on store %d and no other voter on a usable store can take over", r.ID(), storeID)
	}
	tl := TransferLeader{FromStore: storeID, ToStore: to.GetStoreId(), ToPeerID: to.GetId()}
	return NewOperator("remove-peer", r, KindRegion, PriorityHigh, env.Now, env.Config.RegionOperatorTimeout, tl, rm), nil
}

// newLeaderFor picks the voter, not on store from, on a usable store that is not pending (lowest store id).
func (co *Coordinator) newLeaderFor(env *Env, r *core.RegionInfo, from uint64) *metapb.Peer {
	var best *metapb.Peer
	for _, p := range r.Peers() {
		if p.GetStoreId() == from || !isVoter(p) || isPending(r, p.GetId()) ||
			!env.isUsable(co.cluster.GetStore(p.GetStoreId())) {
			continue
		}
		if best == nil || p.GetStoreId() < best.GetStoreId() {
			best = p
		}
	}
	return best
}
