package raft

import pb "github.com/gee-project/gee/kv/raft/raftpb"

// Hibernation (Config.Hibernate) lets an idle group stop ticking, so a
// store with many idle groups spends no CPU on them. Rules (see
// docs/raft.md "Hibernation"):
//
//   - A leader goes quiet at a heartbeat tick when nothing is in flight:
//     every member matched its last index, everything is committed and
//     applied, no proposal, read, conf change (or joint configuration) or
//     transfer is pending. It sends MsgHibernate (its last index and term,
//     and commit) instead of a heartbeat and forgets its lease.
//   - A follower that holds the leader's last entry commits up to it and
//     goes quiet; one that does not answers MsgHibernateResp (reject),
//     which wakes the leader. A follower that misses the message keeps
//     ticking and, if it campaigns, its messages wake the others.
//   - A quiet node ignores Tick. Any message except MsgHibernate, and any
//     local request (proposal, read, campaign, transfer, report, Wake),
//     wakes it. A woken leader heartbeats at once and must earn a new
//     lease; a woken follower restarts its election timer.
//   - Nobody notices a dead leader while every member is quiet: the host
//     must Wake the groups with a member on a store it sees go down.

// canHibernate reports whether this leader has nothing in flight.
func (r *raft) canHibernate() bool {
	l := r.raftLog
	last := l.lastIndex()
	if r.state != StateLeader || r.leadTransferee != None || r.conf.joint() ||
		r.pendingConfIndex > l.applied || r.pendingAppend || len(r.pendingReadIndex) > 0 ||
		len(r.readOnly.queue) > 0 || l.committed != last || l.applied != last || l.applying != last {
		return false
	}
	for _, id := range r.ids {
		if pr := r.prs[id]; pr.Match != last {
			return false
		}
	}
	return true
}

// hibernateLeader tells every member the group goes quiet.
func (r *raft) hibernateLeader() {
	r.hibernated = true
	// The clock stops while quiet but followers woken by their hosts do
	// not: no lease earned before may be trusted after waking.
	for _, pr := range r.prs {
		pr.leaseStamp = 0
	}
	li, lt := r.raftLog.lastIndex(), r.raftLog.lastTerm()
	for _, id := range r.ids {
		if id != r.id {
			r.send(&pb.Message{To: id, Type: pb.MessageType_MsgHibernate, Index: li, LogTerm: lt,
				Commit: r.raftLog.committed})
		}
	}
}

// handleHibernate is a follower's answer to MsgHibernate from its leader.
func (r *raft) handleHibernate(m *pb.Message) {
	r.electionElapsed = 0
	r.lead = m.From
	if !r.hibernate || !r.raftLog.matchTerm(m.Index, m.LogTerm) {
		r.send(&pb.Message{To: m.From, Type: pb.MessageType_MsgHibernateResp, Reject: true})
		return
	}
	// Log Matching: we hold the leader's log up to m.Index.
	r.raftLog.commitTo(min(m.Commit, m.Index))
	r.hibernated = true
}

// wake ends hibernation. A leader heartbeats at once, stamping a clock
// value no earlier answer can echo, and gives CheckQuorum a fresh period.
func (r *raft) wake() {
	if !r.hibernated {
		return
	}
	r.hibernated = false
	r.electionElapsed = 0
	r.heartbeatElapsed = 0
	if r.state != StateLeader {
		return
	}
	r.clock++
	r.lease.minStamp = r.clock
	for id, pr := range r.prs {
		pr.RecentActive = id == r.id
	}
	r.bcastHeartbeat(nil)
}
