package raft

import (
	"errors"
	"slices"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func proposeCCRaw(t *testing.T, c *rawCluster, via uint64, typ pb.ConfChangeType, id uint64) {
	t.Helper()
	if err := c.nodes[via].ProposeConfChange(&pb.ConfChange{Type: typ, NodeId: id}); err != nil {
		t.Fatalf("propose %v %d: %v", typ, id, err)
	}
	c.settle(t)
}

// A new replica joins as a learner with an empty log, catches up by
// snapshot, and never counts towards the quorum until promoted.
func TestLearnerCatchesUpBySnapshotThenPromoted(t *testing.T) {
	c := newRawCluster(t, 3)
	_ = c.nodes[1].Campaign()
	c.settle(t)
	for range 5 {
		_ = c.nodes[1].Propose([]byte("x"))
	}
	c.settle(t)
	compactAllTest(t, c)
	c.join(t, 4)
	proposeCCRaw(t, c, 1, pb.ConfChangeType_ConfChangeAddLearnerNode, 4)
	c.nodes[1].Tick() // heartbeat: the learner answers, the leader sends a snapshot
	c.settle(t)
	st := c.nodes[1].Status()
	pr, ok := st.Progress[4]
	if !ok || !pr.IsLearner || pr.Match != st.Commit {
		t.Fatalf("learner progress %+v (ok %v), want a caught-up learner at %d", pr, ok, st.Commit)
	}
	if s4 := c.nodes[4].Status(); !s4.IsLearner || s4.Commit != st.Commit {
		t.Fatalf("learner status %+v, want learner with commit %d", s4, st.Commit)
	}
	if cs := c.nodes[1].ConfState(); !slices.Equal(cs.Voters, []uint64{1, 2, 3}) || !slices.Equal(cs.Learners, []uint64{4}) {
		t.Fatalf("conf state %v", cs)
	}
	// Two voters down: leader + learner are not a quorum of {1,2,3}.
	c.down[2], c.down[3] = true, true
	before := c.nodes[1].Status().Commit
	_ = c.nodes[1].Propose([]byte("y"))
	c.settle(t)
	if got := c.nodes[1].Status().Commit; got != before {
		t.Fatalf("commit moved to %d with only a learner acknowledging", got)
	}
	c.down[2], c.down[3] = false, false
	c.nodes[1].Tick()
	c.settle(t)
	proposeCCRaw(t, c, 1, pb.ConfChangeType_ConfChangePromoteLearner, 4)
	if cs := c.nodes[4].ConfState(); !slices.Equal(cs.Voters, []uint64{1, 2, 3, 4}) || len(cs.Learners) != 0 {
		t.Fatalf("after promotion the learner sees %v", cs)
	}
	if c.nodes[4].Status().IsLearner {
		t.Fatal("promoted node still reports learner")
	}
}

// compactAllTest snapshots and compacts every node's log at its applied index.
func compactAllTest(t *testing.T, c *rawCluster) {
	t.Helper()
	for id, s := range c.storage {
		applied := c.nodes[id].Status().Applied
		if _, err := s.CreateSnapshot(applied, c.nodes[id].ConfState(), nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Compact(applied); err != nil {
			t.Fatal(err)
		}
	}
}

// Learners neither campaign (on timeout, Campaign or TimeoutNow) nor are
// asked for votes; a leader does not transfer to them.
func TestLearnerDoesNotVoteOrCampaign(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	for _, p := range peers {
		p.applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 3})
		p.applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddLearnerNode, NodeId: 3})
	}
	learner := peers[2]
	for range 3 * learner.electionTimeout {
		learner.tick()
	}
	mustState(t, learner, StateFollower)
	_ = learner.Step(&pb.Message{From: 3, To: 3, Type: pb.MessageType_MsgHup})
	_ = learner.Step(&pb.Message{From: 1, To: 3, Term: learner.Term, Type: pb.MessageType_MsgTimeoutNow})
	mustState(t, learner, StateFollower)
	if msgs := learner.readMessages(); len(msgs) != 0 {
		t.Fatalf("learner sent %v", msgs)
	}
	// A voter's campaign asks voters only.
	nw.isolate(1)
	_ = peers[1].Step(&pb.Message{From: 2, To: 2, Type: pb.MessageType_MsgHup})
	for _, m := range peers[1].readMessages() {
		if m.To == 3 {
			t.Fatalf("vote request sent to the learner: %v", m)
		}
	}
	// 2 of {1,2}: a learner's vote would not help, 2 alone is not a quorum.
	_ = peers[1].Step(&pb.Message{From: 3, To: 2, Term: peers[1].Term, Type: pb.MessageType_MsgVoteResp})
	mustState(t, peers[1], StateCandidate)
	nw.recover()
	transfer(t, nw, 3, 1)
	if peers[0].leadTransferee != None {
		t.Fatal("leader started a transfer to a learner")
	}
}

// Adding a learner, promoting a non-learner and demoting a voter: the
// valid ones apply, the invalid ones are refused at proposal with
// ErrInvalidConfChange (not retryable) and skipped if committed anyway.
func TestLearnerConfChangeRules(t *testing.T) {
	s := NewMemoryStorage(1)
	rn, err := NewRawNode(testConfig(1, s))
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	persistAndAdvance(t, rn, s)
	for _, tc := range []struct {
		typ pb.ConfChangeType
		id  uint64
	}{
		{pb.ConfChangeType_ConfChangePromoteLearner, 2}, // not a member
		{pb.ConfChangeType_ConfChangeAddLearnerNode, 1}, // demote the voter
	} {
		err := rn.ProposeConfChange(&pb.ConfChange{Type: tc.typ, NodeId: tc.id})
		if !errors.Is(err, ErrInvalidConfChange) || errors.Is(err, ErrProposalDropped) {
			t.Fatalf("%v %d: err %v, want ErrInvalidConfChange", tc.typ, tc.id, err)
		}
		cs := rn.ApplyConfChange(&pb.ConfChange{Type: tc.typ, NodeId: tc.id})
		if !slices.Equal(cs.Voters, []uint64{1}) || len(cs.Learners) != 0 {
			t.Fatalf("%v %d applied anyway: %v", tc.typ, tc.id, cs)
		}
	}
	cs := rn.ApplyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddLearnerNode, NodeId: 2})
	if !slices.Equal(cs.Learners, []uint64{2}) {
		t.Fatalf("learners %v, want [2]", cs.Learners)
	}
	// A single voter plus a learner: still a one-voter group that commits alone.
	if err := rn.Propose([]byte("solo")); err != nil {
		t.Fatal(err)
	}
	ents := persistAndAdvance(t, rn, s) // the leader commits alone
	if ents = append(ents, persistAndAdvance(t, rn, s)...); len(ents) != 1 {
		t.Fatalf("one voter + learner committed %v, want the proposal", ents)
	}
	// Removing works for learners, and removing the last voter is still refused.
	cs = rn.ApplyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 2})
	if len(cs.Learners) != 0 || !slices.Equal(cs.Voters, []uint64{1}) {
		t.Fatalf("after removing the learner: %v", cs)
	}
	err = rn.ProposeConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 1})
	if !errors.Is(err, ErrRemovesLastVoter) {
		t.Fatalf("removing last voter: %v", err)
	}
}

// A learner listed in a snapshot's ConfState is restored as a learner,
// and a restarted node keeps learners from its storage.
func TestLearnerRestoredFromConfState(t *testing.T) {
	s := NewMemoryStorage()
	snap := &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: 5, Term: 2,
		ConfState: &pb.ConfState{Voters: []uint64{1, 2}, Learners: []uint64{3, 2}}}}
	if err := s.ApplySnapshot(snap); err != nil {
		t.Fatal(err)
	}
	r := newTestRaft(t, testConfig(3, s))
	if !r.conf.isLearner(3) || r.conf.isLearner(2) || r.promotable() {
		t.Fatalf("membership %+v: want 3 learner, 2 voter only", r.conf)
	}
	f := newTestRaft(t, testConfig(3, NewMemoryStorage(1, 2)))
	_ = f.Step(&pb.Message{From: 1, To: 3, Term: 2, Type: pb.MessageType_MsgSnap, Snapshot: snap})
	if !f.conf.isLearner(3) || f.promotable() {
		t.Fatalf("after MsgSnap membership %+v, want 3 learner", f.conf)
	}
}
