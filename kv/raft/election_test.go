package raft

import (
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// §5.2: a candidate wins with votes from a majority; without a majority
// it cannot become leader.
func TestLeaderElectionNeedsMajority(t *testing.T) {
	cases := []struct {
		size, down int
		want       StateType
	}{
		{3, 0, StateLeader},
		{3, 1, StateLeader},
		{3, 2, StateCandidate},
		{5, 2, StateLeader},
		{5, 3, StateCandidate},
	}
	for _, tc := range cases {
		peers := newPeers(t, tc.size, nil)
		nw := newNetwork(peers...)
		for i := 0; i < tc.down; i++ {
			nw.isolate(uint64(tc.size - i))
		}
		nw.campaign(t, 1)
		if peers[0].state != tc.want {
			t.Errorf("size %d down %d: state %v, want %v", tc.size, tc.down, peers[0].state, tc.want)
		}
		if peers[0].Term != 2 {
			t.Errorf("size %d down %d: term %d, want 2", tc.size, tc.down, peers[0].Term)
		}
	}
}

// §5.2: election timeouts are randomized in [ElectionTick, 2*ElectionTick).
func TestElectionTimeoutRandomized(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
	seen := map[int]bool{}
	for range 200 {
		r.becomeFollower(r.Term, None)
		ticks := 0
		for r.state == StateFollower {
			r.tick()
			ticks++
			if ticks > 2*r.electionTimeout {
				t.Fatalf("no campaign after %d ticks", ticks)
			}
		}
		if ticks < r.electionTimeout || ticks >= 2*r.electionTimeout {
			t.Fatalf("campaigned after %d ticks, want in [%d, %d)", ticks, r.electionTimeout, 2*r.electionTimeout)
		}
		seen[ticks] = true
	}
	if len(seen) < r.electionTimeout/2 {
		t.Fatalf("timeouts not randomized: only %d distinct values", len(seen))
	}
}

// §5.2: each server votes for at most one candidate per term.
func TestVoteOncePerTerm(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
	vote := func(from uint64) bool {
		_ = r.Step(&pb.Message{From: from, To: 1, Term: 5, Type: pb.MessageType_MsgVote, LogTerm: 1, Index: 1})
		msgs := r.readMessages()
		if len(msgs) != 1 || msgs[0].Type != pb.MessageType_MsgVoteResp {
			t.Fatalf("want one MsgVoteResp, got %v", msgs)
		}
		return !msgs[0].Reject
	}
	if !vote(2) {
		t.Fatal("first candidate was refused")
	}
	if vote(3) {
		t.Fatal("second candidate of the same term got a vote")
	}
	if !vote(2) {
		t.Fatal("repeated request from the voted-for candidate was refused")
	}
	if r.Vote != 2 || r.Term != 5 {
		t.Fatalf("vote %d term %d, want 2 and 5", r.Vote, r.Term)
	}
}

// §5.4.1: votes go only to candidates whose log is at least as up to date.
func TestVoteRequiresUpToDateLog(t *testing.T) {
	cases := []struct {
		lastIndex, lastTerm uint64
		grant               bool
	}{
		{3, 2, true},  // same last entry
		{4, 2, true},  // longer log, same term
		{2, 2, false}, // shorter log, same term
		{2, 3, true},  // higher last term wins regardless of length
		{9, 1, false}, // lower last term loses regardless of length
	}
	for _, tc := range cases {
		r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
		withLog(t, r, 1, 2) // log: 1/1 (bootstrap), 2/1, 3/2
		_ = r.Step(&pb.Message{From: 2, To: 1, Term: 4, Type: pb.MessageType_MsgVote,
			Index: tc.lastIndex, LogTerm: tc.lastTerm})
		msgs := r.readMessages()
		if len(msgs) != 1 || msgs[0].Reject == tc.grant {
			t.Errorf("candidate %d/%d: grant=%v, want %v", tc.lastTerm, tc.lastIndex, !msgs[0].Reject, tc.grant)
		}
	}
}

// §5.2: a candidate that hears from a leader of its term becomes follower.
func TestCandidateStepsDownForLeaderOfSameTerm(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
	r.becomeCandidate()
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgApp, Index: 1, LogTerm: 1})
	mustState(t, r, StateFollower)
	if r.lead != 2 {
		t.Fatalf("lead = %d, want 2", r.lead)
	}
}

// §5.2: a candidate rejected by a majority returns to follower.
func TestCandidateLosesElection(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
	r.becomeCandidate()
	for _, from := range []uint64{2, 3} {
		_ = r.Step(&pb.Message{From: from, To: 1, Term: r.Term, Type: pb.MessageType_MsgVoteResp, Reject: true})
	}
	mustState(t, r, StateFollower)
}

// §5.1: any message with a higher term makes a leader step down.
func TestLeaderStepsDownOnHigherTerm(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	mustState(t, peers[0], StateLeader)
	_ = peers[0].Step(&pb.Message{From: 3, To: 1, Term: peers[0].Term + 1, Type: pb.MessageType_MsgHeartbeat})
	mustState(t, peers[0], StateFollower)
	if peers[0].lead != 3 {
		t.Fatalf("lead = %d, want 3", peers[0].lead)
	}
}

// A leader elected twice in a row keeps term monotonic and one leader.
func TestReelectionAfterLeaderIsolation(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(1)
	nw.campaign(t, 2)
	mustState(t, peers[1], StateLeader)
	nw.recover()
	// The old leader learns the new term from the new leader's heartbeat.
	nw.tick(t, 2, 1)
	mustState(t, peers[0], StateFollower)
	if peers[0].Term != peers[1].Term || peers[0].lead != 2 {
		t.Fatalf("old leader term %d lead %d, want %d and 2", peers[0].Term, peers[0].lead, peers[1].Term)
	}
}

// PreVote: a node partitioned away does not bump its term, so when it
// rejoins the leader is not disrupted. Without PreVote it is.
func TestPreVoteRejoiningNodeDoesNotDisrupt(t *testing.T) {
	for _, preVote := range []bool{true, false} {
		peers := newPeers(t, 3, func(c *Config) { c.PreVote = preVote })
		nw := newNetwork(peers...)
		nw.campaign(t, 1)
		term := peers[0].Term
		nw.isolate(3)
		nw.tick(t, 3, 10*peers[2].electionTimeout)
		nw.recover()
		nw.tickAll(t, 3*peers[2].electionTimeout)
		disrupted := peers[0].state != StateLeader || peers[0].Term != term
		if preVote && disrupted {
			t.Fatalf("PreVote: leader disrupted (state %v term %d, was %d)", peers[0].state, peers[0].Term, term)
		}
		if !preVote && !disrupted {
			t.Fatal("without PreVote the rejoining node should have forced a new term")
		}
		if preVote && (peers[2].Term != term || peers[2].lead != 1) {
			t.Fatalf("PreVote: rejoined node term %d lead %d, want %d and 1", peers[2].Term, peers[2].lead, term)
		}
	}
}

// PreVote: a pre-candidate that wins the pre-election then wins the real
// election, bumping the term exactly once.
func TestPreVoteElection(t *testing.T) {
	peers := newPeers(t, 3, func(c *Config) { c.PreVote = true })
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	mustState(t, peers[0], StateLeader)
	if peers[0].Term != 2 {
		t.Fatalf("term %d, want 2", peers[0].Term)
	}
	// A pre-vote request does not change the voter's term or vote.
	_ = peers[1].Step(&pb.Message{From: 3, To: 2, Term: 9, Type: pb.MessageType_MsgPreVote,
		Index: 99, LogTerm: 9})
	if peers[1].Term != 2 || peers[1].Vote != 1 {
		t.Fatalf("pre-vote changed term/vote to %d/%d", peers[1].Term, peers[1].Vote)
	}
}

// CheckQuorum: a leader that hears from no quorum for an election timeout
// steps down.
func TestCheckQuorumLeaderStepsDown(t *testing.T) {
	peers := newPeers(t, 3, func(c *Config) { c.CheckQuorum = true })
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(1)
	nw.tick(t, 1, 2*peers[0].electionTimeout+1)
	mustState(t, peers[0], StateFollower)
}

// CheckQuorum: a leader with a connected quorum stays leader.
func TestCheckQuorumLeaderWithQuorumStays(t *testing.T) {
	peers := newPeers(t, 3, func(c *Config) { c.CheckQuorum = true })
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(3)
	nw.tick(t, 1, 5*peers[0].electionTimeout)
	mustState(t, peers[0], StateLeader)
}

// CheckQuorum: followers that recently heard from the leader ignore
// votes from a disruptive candidate (leader lease).
func TestCheckQuorumLeaseIgnoresVotes(t *testing.T) {
	peers := newPeers(t, 3, func(c *Config) { c.CheckQuorum = true })
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	term := peers[0].Term
	_ = peers[1].Step(&pb.Message{From: 3, To: 2, Term: term + 5, Type: pb.MessageType_MsgVote,
		Index: 100, LogTerm: term})
	if len(peers[1].readMessages()) != 0 || peers[1].Term != term {
		t.Fatalf("follower in lease answered a vote or changed term to %d", peers[1].Term)
	}
}

// A stale leader that hears an old-term append answer learns it is stale.
func TestStaleLeaderLearnsNewTerm(t *testing.T) {
	peers := newPeers(t, 3, func(c *Config) { c.CheckQuorum = true })
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(1)
	nw.tick(t, 2, 3*peers[1].electionTimeout) // 2 or 3 wins term 3
	nw.recover()
	_ = peers[1].Step(&pb.Message{From: 1, To: 2, Term: 2, Type: pb.MessageType_MsgHeartbeat})
	msgs := peers[1].readMessages()
	if len(msgs) != 1 || msgs[0].Term <= 2 {
		t.Fatalf("stale heartbeat answered with %v, want one message of a newer term", msgs)
	}
	_ = peers[0].Step(msgs[0])
	mustState(t, peers[0], StateFollower)
}
