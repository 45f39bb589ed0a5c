package raft

// leaseState is the leader lease behind ReadOnlyLeaseBased (thesis
// §6.4.1). With CheckQuorum a follower that heard from the leader ignores
// non-forced votes for an election timeout of its own ticks. The leader
// stamps each heartbeat with its clock and the follower echoes the stamp,
// so once a quorum answered stamps >= s, no other leader can be elected
// before ElectionTick of their ticks after s; the leader trusts that for
// ElectionTick - LeaseDriftTicks of its own ticks.
type leaseState struct {
	enabled bool
	ticks   uint64 // lease length in the leader's ticks
	// revoked is set once this leader sent MsgTimeoutNow: the transfer
	// target may win past the leases at any time, so none holds.
	revoked bool
	// voteHoldAtStart makes a freshly started node ignore non-forced
	// votes for an election timeout, keeping promises it may have made
	// before a restart.
	voteHoldAtStart bool
	// minStamp is the first clock value stamped after the leader last
	// woke from hibernation; older answers earn nothing.
	minStamp uint64
	buf      []uint64
}

// ack records that a follower answered a heartbeat stamped at stamp.
// Stamps from the future cannot be ours and are ignored.
func (ls *leaseState) ack(pr *Progress, stamp, now uint64) {
	if stamp <= now && stamp > pr.leaseStamp && stamp >= ls.minStamp {
		pr.leaseStamp = stamp
	}
}

// leaseValid reports whether this leader may answer a read from its
// commit index without a heartbeat round.
func (r *raft) leaseValid() bool {
	ls := &r.lease
	if !ls.enabled || ls.revoked || r.state != StateLeader {
		return false
	}
	if self := r.prs[r.id]; self != nil {
		self.leaseStamp = r.clock
	}
	// The quorum-th most recent stamp (of each half, if joint) bounds when
	// a quorum last promised; learners' promises do not count.
	q := r.conf.voters.committedIndex(r.prs, leaseStampOf, &ls.buf)
	return q != 0 && r.clock < q+ls.ticks
}
