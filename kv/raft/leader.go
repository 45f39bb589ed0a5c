package raft

import (
	"errors"
	"fmt"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// stepLeader handles messages while leading.
func stepLeader(r *raft, m *pb.Message) error {
	switch m.Type {
	case pb.MessageType_MsgBeat:
		r.bcastHeartbeat(nil)
		return nil
	case pb.MessageType_MsgCheckQuorum:
		if !r.quorumActive() {
			r.logger.Warningf("raft: %x stepped down: quorum is not active", r.id)
			r.becomeFollower(r.Term, None)
		}
		return nil
	case pb.MessageType_MsgProp:
		return r.handlePropose(m)
	case pb.MessageType_MsgReadIndex:
		r.handleReadIndex(m)
		return nil
	}
	pr := r.prs[m.From]
	if pr == nil {
		return nil
	}
	switch m.Type {
	case pb.MessageType_MsgAppResp:
		r.handleAppendResponse(m, pr)
	case pb.MessageType_MsgHeartbeatResp:
		r.handleHeartbeatResponse(m, pr)
	case pb.MessageType_MsgHibernateResp:
		// The follower lacks our last entry (receiving this woke us).
		pr.RecentActive = true
		if m.Reject {
			r.sendAppend(m.From)
		}
	case pb.MessageType_MsgSnapStatus:
		if pr.State != StateSnapshot {
			return nil
		}
		if m.Reject {
			pr.PendingSnapshot = 0
		}
		pr.BecomeProbe()
		// Wait for a heartbeat response before probing again.
		pr.MsgAppFlowPaused = true
	case pb.MessageType_MsgUnreachable:
		if pr.State == StateReplicate {
			pr.BecomeProbe()
		}
	case pb.MessageType_MsgTransferLeader:
		r.handleTransferLeader(m, pr)
	}
	return nil
}

// errConfChangePending wraps ErrProposalDropped for a second conf change.
var errConfChangePending = fmt.Errorf("%w: a configuration change is still pending", ErrProposalDropped)

func (r *raft) handlePropose(m *pb.Message) error {
	if len(m.Entries) == 0 {
		return fmt.Errorf("%w: empty proposal", ErrProposalDropped)
	}
	if r.prs[r.id] == nil {
		return fmt.Errorf("%w: this node was removed from the cluster", ErrProposalDropped)
	}
	if r.leadTransferee != None {
		return fmt.Errorf("%w: leadership transfer to %x in progress", ErrProposalDropped, r.leadTransferee)
	}
	confIndex := uint64(0)
	for i, e := range m.Entries {
		if e == nil {
			return fmt.Errorf("%w: nil entry", ErrProposalDropped)
		}
		if !isConfChange(e) {
			continue
		}
		// Single-step changes are safe only one at a time (§6), and a
		// joint configuration is left before the next change starts.
		if confIndex != 0 || r.pendingConfIndex > r.raftLog.applied {
			return errConfChangePending
		}
		cc, err := decodeConfChange(e)
		if err != nil {
			return err
		}
		// With no conf change pending, conf is the membership it will
		// apply to, so this check is exact.
		if err := r.checkConfChange(cc); err != nil {
			return err
		}
		confIndex = r.raftLog.lastIndex() + uint64(i) + 1
	}
	if !r.increaseUncommittedSize(m.Entries) {
		return ErrUncommittedFull
	}
	if confIndex != 0 {
		r.pendingConfIndex = confIndex
	}
	r.appendEntry(m.Entries...)
	// Appends go out when the caller next takes a Ready, so proposals made
	// in between share one message per follower.
	r.pendingAppend = true
	return nil
}

// flushAppends sends the appends deferred by proposals.
func (r *raft) flushAppends() {
	if r.pendingAppend && r.state == StateLeader {
		r.bcastAppend()
	}
	r.pendingAppend = false
}

// bcastAppend sends pending entries to every follower.
func (r *raft) bcastAppend() {
	r.pendingAppend = false
	for _, id := range r.ids {
		if id == r.id {
			continue
		}
		// While replicating, stream as far as the in-flight window allows.
		if r.maybeSendAppend(id, true) {
			for r.maybeSendAppend(id, false) {
			}
		}
	}
}

func (r *raft) sendAppend(to uint64) { r.maybeSendAppend(to, true) }

// maybeSendAppend sends to a follower the entries after its Next, or a
// snapshot if they were compacted. With sendIfEmpty false nothing is sent
// when there are no entries (used to keep a replicate stream going).
func (r *raft) maybeSendAppend(to uint64, sendIfEmpty bool) bool {
	pr := r.prs[to]
	if pr == nil || pr.IsPaused() {
		return false
	}
	prevIndex := pr.Next - 1
	prevTerm, errt := r.raftLog.term(prevIndex)
	ents, erre := r.raftLog.entries(pr.Next, r.maxMsgSize)
	if len(ents) == 0 && !sendIfEmpty {
		return false
	}
	if errt != nil || erre != nil {
		return r.sendSnapshot(to, pr)
	}
	r.send(&pb.Message{To: to, Type: pb.MessageType_MsgApp, Index: prevIndex, LogTerm: prevTerm,
		Entries: ents, Commit: r.raftLog.committed})
	last := prevIndex
	if n := len(ents); n > 0 {
		last = ents[n-1].Index
	}
	pr.updateOnEntriesSend(len(ents), last)
	return true
}

// sendSnapshot ships the latest snapshot to a follower that is behind the
// start of our log (§7).
func (r *raft) sendSnapshot(to uint64, pr *Progress) bool {
	if !pr.RecentActive {
		return false
	}
	snap, err := r.raftLog.snapshot()
	if err != nil {
		if errors.Is(err, ErrSnapshotTemporarilyUnavailable) {
			return false
		}
		panic(fmt.Sprintf("raft: storage Snapshot failed: %v", err))
	}
	if snap.GetMetadata().GetIndex() == 0 {
		panic("raft: need a non-empty snapshot to replace compacted entries")
	}
	r.send(&pb.Message{To: to, Type: pb.MessageType_MsgSnap, Snapshot: snap})
	pr.BecomeSnapshot(snap.Metadata.Index)
	return true
}

// bcastHeartbeat sends heartbeats carrying each follower's safe commit
// index and, for ReadIndex, a context.
func (r *raft) bcastHeartbeat(ctx []byte) {
	for _, id := range r.ids {
		if id == r.id {
			continue
		}
		commit := min(r.prs[id].Match, r.raftLog.committed)
		// Index carries our clock; the follower echoes it, so an answer
		// proves the follower reset its election timer after this tick.
		r.send(&pb.Message{To: id, Type: pb.MessageType_MsgHeartbeat, Commit: commit, Context: ctx,
			Index: r.clock})
	}
}

func (r *raft) handleAppendResponse(m *pb.Message, pr *Progress) {
	if m.Index > r.raftLog.lastIndex() {
		r.logger.Errorf("raft: %x got MsgAppResp from %x for index %d beyond our last %d; ignored",
			r.id, m.From, m.Index, r.raftLog.lastIndex())
		return
	}
	pr.RecentActive = true
	if m.Reject {
		// Fast backtracking: jump to the follower's hint, refined by the
		// last index in our log whose term is <= the follower's term there.
		next := m.RejectHint
		if m.LogTerm > 0 {
			next, _ = r.raftLog.findConflictByTerm(m.RejectHint, m.LogTerm)
		}
		if pr.MaybeDecrTo(m.Index, next) {
			if pr.State == StateReplicate {
				pr.BecomeProbe()
			}
			r.sendAppend(m.From)
		}
		return
	}
	oldPaused := pr.IsPaused()
	if !pr.MaybeUpdate(m.Index) && !(pr.Match == m.Index && pr.State == StateProbe) {
		return
	}
	switch {
	case pr.State == StateProbe:
		pr.BecomeReplicate()
	case pr.State == StateSnapshot && pr.Match+1 >= r.raftLog.firstIndex():
		pr.BecomeProbe()
		pr.BecomeReplicate()
	case pr.State == StateReplicate:
		pr.Inflights.FreeLE(m.Index)
	}
	if r.maybeCommit() {
		r.releasePendingReadIndex()
		r.bcastAppend()
	} else if oldPaused {
		r.sendAppend(m.From)
	}
	for r.maybeSendAppend(m.From, false) {
	}
	if m.From == r.leadTransferee && pr.Match == r.raftLog.lastIndex() {
		r.sendTimeoutNow(m.From)
	}
}

func (r *raft) handleHeartbeatResponse(m *pb.Message, pr *Progress) {
	pr.RecentActive = true
	r.lease.ack(pr, m.Index, r.clock)
	pr.MsgAppFlowPaused = false
	if pr.State == StateReplicate && pr.Inflights.Full() {
		pr.Inflights.FreeFirstOne()
	}
	if pr.Match < r.raftLog.lastIndex() {
		r.sendAppend(m.From)
	}
	if len(m.Context) == 0 {
		return
	}
	if acks := r.readOnly.recvAck(m.From, m.Context); acks == nil || r.conf.voters.voteResult(acks) != voteWon {
		return
	}
	for _, rs := range r.readOnly.advance(m.Context) {
		r.respondReadIndex(rs.req, rs.index)
	}
}

// quorumActive reports whether a quorum (of both halves, if joint)
// answered since the last check, and starts a new check period.
func (r *raft) quorumActive() bool {
	active := map[uint64]bool{}
	for _, id := range r.ids {
		pr := r.prs[id]
		active[id] = id == r.id || pr.RecentActive
		if id != r.id {
			pr.RecentActive = false
		}
	}
	return r.conf.voters.voteResult(active) == voteWon
}

// handleTransferLeader starts moving leadership to m.From: catch it up,
// then tell it to campaign immediately.
func (r *raft) handleTransferLeader(m *pb.Message, pr *Progress) {
	target := m.From
	if r.leadTransferee != None {
		if r.leadTransferee == target {
			return
		}
		r.abortLeaderTransfer()
	}
	if target == r.id || !r.conf.voters.contains(target) {
		return // learners cannot lead
	}
	r.electionElapsed = 0
	r.leadTransferee = target
	if pr.Match == r.raftLog.lastIndex() {
		r.sendTimeoutNow(target)
		return
	}
	r.sendAppend(target)
}

func (r *raft) sendTimeoutNow(to uint64) {
	// The target campaigns past its peers' leases whenever this message
	// arrives, however late: no lease can be trusted for the rest of the term.
	r.lease.revoked = true
	r.send(&pb.Message{To: to, Type: pb.MessageType_MsgTimeoutNow})
}
