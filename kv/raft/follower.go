package raft

import (
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// stepCandidate handles messages while (pre-)campaigning.
func stepCandidate(r *raft, m *pb.Message) error {
	myResp := pb.MessageType_MsgVoteResp
	if r.state == StatePreCandidate {
		myResp = pb.MessageType_MsgPreVoteResp
	}
	switch m.Type {
	case pb.MessageType_MsgProp:
		return ErrProposalDropped
	case pb.MessageType_MsgApp:
		r.becomeFollower(m.Term, m.From)
		r.handleAppendEntries(m)
	case pb.MessageType_MsgHeartbeat:
		r.becomeFollower(m.Term, m.From)
		r.handleHeartbeat(m)
	case pb.MessageType_MsgSnap:
		r.becomeFollower(m.Term, m.From)
		r.handleSnapshot(m)
	case pb.MessageType_MsgHibernate:
		r.becomeFollower(m.Term, m.From)
		r.handleHibernate(m)
	case myResp:
		switch r.poll(m.From, !m.Reject) {
		case voteWon:
			if r.state == StatePreCandidate {
				r.campaign(campaignElection)
			} else {
				r.becomeLeader()
				r.bcastAppend()
			}
		case voteLost:
			r.becomeFollower(r.Term, None)
		}
	}
	return nil
}

// stepFollower handles messages while following.
func stepFollower(r *raft, m *pb.Message) error {
	switch m.Type {
	case pb.MessageType_MsgProp:
		if r.lead == None {
			return ErrProposalDropped
		}
		m.To = r.lead
		r.send(m)
	case pb.MessageType_MsgApp:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleAppendEntries(m)
	case pb.MessageType_MsgHeartbeat:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleHeartbeat(m)
	case pb.MessageType_MsgSnap:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleSnapshot(m)
	case pb.MessageType_MsgHibernate:
		r.handleHibernate(m)
	case pb.MessageType_MsgTransferLeader, pb.MessageType_MsgReadIndex:
		if r.lead == None {
			return nil
		}
		m.To = r.lead
		r.send(m)
	case pb.MessageType_MsgTimeoutNow:
		// Leader transfer: campaign now, skipping pre-vote and leases.
		r.hup(campaignForced)
	case pb.MessageType_MsgReadIndexResp:
		if len(m.Entries) != 1 {
			r.logger.Errorf("raft: %x got MsgReadIndexResp with %d entries, want 1", r.id, len(m.Entries))
			return nil
		}
		r.readStates = append(r.readStates, ReadState{Index: m.Index, RequestCtx: m.Entries[0].Data})
	}
	return nil
}

// handleAppendEntries runs the §5.3 consistency check and appends; on a
// mismatch it rejects with a hint for fast backtracking.
func (r *raft) handleAppendEntries(m *pb.Message) {
	if m.Index < r.raftLog.committed {
		r.send(&pb.Message{To: m.From, Type: pb.MessageType_MsgAppResp, Index: r.raftLog.committed})
		return
	}
	if !contiguousAfter(m.Index, m.Entries) {
		r.logger.Errorf("raft: %x got MsgApp from %x with entries not following index %d; ignored",
			r.id, m.From, m.Index)
		return
	}
	if last, ok := r.raftLog.maybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries); ok {
		r.send(&pb.Message{To: m.From, Type: pb.MessageType_MsgAppResp, Index: last})
		return
	}
	hint := min(m.Index, r.raftLog.lastIndex())
	hint, hintTerm := r.raftLog.findConflictByTerm(hint, m.LogTerm)
	r.send(&pb.Message{To: m.From, Type: pb.MessageType_MsgAppResp, Index: m.Index,
		Reject: true, RejectHint: hint, LogTerm: hintTerm})
}

func (r *raft) handleHeartbeat(m *pb.Message) {
	r.raftLog.commitTo(m.Commit)
	r.send(&pb.Message{To: m.From, Type: pb.MessageType_MsgHeartbeatResp, Context: m.Context, Index: m.Index})
}

// handleSnapshot installs a leader's snapshot if it is newer than our
// commit index (§7), answering with our resulting last index.
func (r *raft) handleSnapshot(m *pb.Message) {
	if len(m.Snapshot.GetMetadata().GetConfState().GetVoters()) == 0 {
		r.logger.Errorf("raft: %x got MsgSnap without membership from %x; ignored", r.id, m.From)
		return
	}
	if r.restore(m.Snapshot) {
		r.send(&pb.Message{To: m.From, Type: pb.MessageType_MsgAppResp, Index: r.raftLog.lastIndex()})
		return
	}
	r.send(&pb.Message{To: m.From, Type: pb.MessageType_MsgAppResp, Index: r.raftLog.committed})
}

// restore replaces log and membership with snapshot s; false if s is not
// newer than what we have committed or our log already contains it.
func (r *raft) restore(s *pb.Snapshot) bool {
	md := s.Metadata
	if md.Index <= r.raftLog.committed {
		return false
	}
	// A snapshot may predate our own addition: we install it anyway and
	// learn that we are a voter from the entries that follow it.
	if r.raftLog.matchTerm(md.Index, md.Term) {
		r.raftLog.commitTo(md.Index)
		return false
	}
	r.raftLog.restore(s)
	r.prs = map[uint64]*Progress{}
	r.setMembership(membershipOf(md.GetConfState()))
	return true
}

// contiguousAfter reports whether ents are non-nil with indexes
// index+1, index+2, ... (a well-formed append).
func contiguousAfter(index uint64, ents []*pb.Entry) bool {
	for i, e := range ents {
		if e == nil || e.Index != index+1+uint64(i) {
			return false
		}
	}
	return true
}
