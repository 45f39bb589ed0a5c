package raft

import (
	"bytes"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// Step advances the state machine with one message: term handling common
// to all roles first (§5.1), votes (§5.2, §5.4.1), then the role's step.
func (r *raft) Step(m *pb.Message) error {
	if r.hibernated && m.Type != pb.MessageType_MsgHibernate {
		r.wake()
	}
	switch {
	case m.Term == 0:
		// Local message or forwarded request.
	case m.Term > r.Term:
		if !r.acceptHigherTerm(m) {
			return nil
		}
	case m.Term < r.Term:
		r.answerStale(m)
		return nil
	}
	switch m.Type {
	case pb.MessageType_MsgHup:
		if r.preVote {
			r.hup(campaignPreElection)
		} else {
			r.hup(campaignElection)
		}
	case pb.MessageType_MsgVote, pb.MessageType_MsgPreVote:
		r.handleVote(m)
	default:
		return r.step(r, m)
	}
	return nil
}

// acceptHigherTerm handles a message from a newer term; false means drop it.
func (r *raft) acceptHigherTerm(m *pb.Message) bool {
	if m.Type == pb.MessageType_MsgVote || m.Type == pb.MessageType_MsgPreVote {
		force := bytes.Equal(m.Context, campaignTransfer)
		inLease := r.checkQuorum && (r.lead != None || r.lease.voteHoldAtStart) &&
			r.electionElapsed < r.electionTimeout
		if !force && inLease {
			// We heard from a leader within the minimum election
			// timeout: the candidate is likely partitioned or removed.
			return false
		}
	}
	switch {
	case m.Type == pb.MessageType_MsgPreVote:
		// A pre-vote never changes our term.
	case m.Type == pb.MessageType_MsgPreVoteResp && !m.Reject:
		// The term is bumped when the pre-election is won.
	case m.Type == pb.MessageType_MsgApp, m.Type == pb.MessageType_MsgHeartbeat,
		m.Type == pb.MessageType_MsgSnap, m.Type == pb.MessageType_MsgHibernate:
		r.becomeFollower(m.Term, m.From)
	default:
		r.becomeFollower(m.Term, None)
	}
	return true
}

// answerStale replies to a message from an older term where that helps the
// sender catch up; otherwise the message is ignored.
func (r *raft) answerStale(m *pb.Message) {
	switch {
	case (r.checkQuorum || r.preVote) &&
		(m.Type == pb.MessageType_MsgHeartbeat || m.Type == pb.MessageType_MsgApp ||
			m.Type == pb.MessageType_MsgHibernate):
		// A stale leader whose quorum moved on learns our term and steps down;
		// without this, with CheckQuorum/PreVote it could never be told.
		r.send(&pb.Message{To: m.From, Type: pb.MessageType_MsgAppResp})
	case m.Type == pb.MessageType_MsgPreVote:
		r.send(&pb.Message{To: m.From, Term: r.Term, Type: pb.MessageType_MsgPreVoteResp, Reject: true})
	}
}

// handleVote grants a (pre-)vote only to a candidate whose log is at least
// as up to date as ours (§5.4.1) and only once per term (§5.2).
func (r *raft) handleVote(m *pb.Message) {
	canVote := r.Vote == m.From ||
		(r.Vote == None && r.lead == None) ||
		(m.Type == pb.MessageType_MsgPreVote && m.Term > r.Term)
	resp := voteRespType(m.Type)
	if canVote && r.raftLog.isUpToDate(m.Index, m.LogTerm) {
		r.send(&pb.Message{To: m.From, Term: m.Term, Type: resp})
		if m.Type == pb.MessageType_MsgVote {
			r.electionElapsed = 0
			r.Vote = m.From
		}
		return
	}
	r.send(&pb.Message{To: m.From, Term: r.Term, Type: resp, Reject: true})
}

type campaignType uint8

const (
	campaignPreElection campaignType = iota
	campaignElection
	campaignForced
)

// hup starts an election unless this node may not lead.
func (r *raft) hup(t campaignType) {
	if r.state == StateLeader || !r.promotable() {
		return
	}
	if r.hasUnappliedConfChanges() {
		r.logger.Warningf("raft: %x cannot campaign: committed conf changes are not applied yet", r.id)
		return
	}
	r.campaign(t)
}

func (r *raft) hasUnappliedConfChanges() bool {
	if r.raftLog.applied >= r.raftLog.committed {
		return false
	}
	ents, err := r.raftLog.slice(max(r.raftLog.applied+1, r.raftLog.firstIndex()), r.raftLog.committed+1, noLimit)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if isConfChange(e) {
			return true
		}
	}
	return false
}

// campaign asks every voter for a (pre-)vote.
func (r *raft) campaign(t campaignType) {
	var term uint64
	var voteMsg pb.MessageType
	if t == campaignPreElection {
		r.becomePreCandidate()
		voteMsg = pb.MessageType_MsgPreVote
		term = r.Term + 1
	} else {
		r.becomeCandidate()
		voteMsg = pb.MessageType_MsgVote
		term = r.Term
	}
	if r.poll(r.id, true) == voteWon {
		if t == campaignPreElection {
			r.campaign(campaignElection)
		} else {
			r.becomeLeader()
		}
		return
	}
	var ctx []byte
	if t == campaignForced {
		ctx = campaignTransfer
	}
	li, lt := r.raftLog.lastIndex(), r.raftLog.lastTerm()
	for _, id := range r.ids {
		if id == r.id || !r.conf.voters.contains(id) {
			continue // learners do not vote
		}
		r.send(&pb.Message{To: id, Term: term, Type: voteMsg, Index: li, LogTerm: lt, Context: ctx})
	}
}

type voteResult uint8

const (
	votePending voteResult = iota
	voteLost
	voteWon
)

// poll records a vote from a voter and tallies the election; in a joint
// configuration it takes a majority of both halves.
func (r *raft) poll(id uint64, granted bool) voteResult {
	if r.conf.voters.contains(id) {
		if _, seen := r.votes[id]; !seen {
			r.votes[id] = granted
		}
	}
	return r.conf.voters.voteResult(r.votes)
}
