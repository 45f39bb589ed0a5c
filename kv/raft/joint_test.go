package raft

import (
	"errors"
	"slices"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func ccV2(tr pb.ConfChangeTransition, changes ...*pb.ConfChangeSingle) *pb.ConfChangeV2 {
	return &pb.ConfChangeV2{Transition: tr, Changes: changes}
}

func add(id uint64) *pb.ConfChangeSingle {
	return &pb.ConfChangeSingle{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: id}
}

func remove(id uint64) *pb.ConfChangeSingle {
	return &pb.ConfChangeSingle{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: id}
}

// Replacing a replica in one step (as TiKV moves replicas): add 4 and
// remove the leader 1 together. The group enters the joint configuration,
// the leader leaves it on its own once applied, then steps down, and the
// new voters elect a leader among themselves.
func TestJointReplaceVoterAutoLeave(t *testing.T) {
	c := newRawCluster(t, 3)
	_ = c.nodes[1].Campaign()
	c.settle(t)
	c.join(t, 4)
	if err := c.nodes[1].ProposeConfChangeV2(ccV2(pb.ConfChangeTransition_ConfChangeTransitionAuto, add(4), remove(1))); err != nil {
		t.Fatal(err)
	}
	c.settle(t)
	for _, id := range []uint64{2, 3} {
		confs := c.confs[id]
		if len(confs) != 2 {
			t.Fatalf("node %d applied %d conf changes, want enter + leave: %v", id, len(confs), confs)
		}
		enter, leave := confs[0], confs[1]
		if !slices.Equal(enter.Voters, []uint64{2, 3, 4}) || !slices.Equal(enter.VotersOutgoing, []uint64{1, 2, 3}) || !enter.AutoLeave {
			t.Fatalf("node %d joint state %v", id, enter)
		}
		if !slices.Equal(leave.Voters, []uint64{2, 3, 4}) || len(leave.VotersOutgoing) != 0 || leave.AutoLeave {
			t.Fatalf("node %d after leaving %v", id, leave)
		}
	}
	if st := c.nodes[1].Status(); st.SoftState.RaftState == StateLeader {
		t.Fatal("removed leader still leads after leaving the joint configuration")
	}
	for range 4 * 10 {
		for _, id := range []uint64{2, 3, 4} {
			c.nodes[id].Tick()
		}
		c.settle(t)
	}
	if l := c.leader(); l == None || l == 1 {
		t.Fatalf("leader %d, want one of 2,3,4", l)
	}
	if err := c.nodes[c.leader()].Propose([]byte("after")); err != nil {
		t.Fatal(err)
	}
	c.settle(t)
	if got := c.applied[4]; len(got) == 0 || string(got[len(got)-1]) != "after" {
		t.Fatalf("node 4 applied %q", got)
	}
}

// jointLeader returns node 1 leading the joint configuration incoming
// {1,4,5}, outgoing {1,2,3}.
func jointLeader(t *testing.T) *raft {
	t.Helper()
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
	cs := r.applyConfChangeV2(ccV2(pb.ConfChangeTransition_ConfChangeTransitionJointExplicit, add(4), add(5), remove(2), remove(3)))
	if !slices.Equal(cs.Voters, []uint64{1, 4, 5}) || !slices.Equal(cs.VotersOutgoing, []uint64{1, 2, 3}) || cs.AutoLeave {
		t.Fatalf("joint state %v", cs)
	}
	return r
}

// In a joint configuration an election needs a majority of both halves.
func TestJointElectionNeedsBothMajorities(t *testing.T) {
	r := jointLeader(t)
	_ = r.Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgHup})
	mustState(t, r, StateCandidate)
	var asked []uint64
	for _, m := range r.readMessages() {
		asked = append(asked, m.To)
	}
	if !slices.Equal(asked, []uint64{2, 3, 4, 5}) {
		t.Fatalf("vote requests to %v, want both halves", asked)
	}
	vote := func(from uint64, reject bool) {
		_ = r.Step(&pb.Message{From: from, To: 1, Term: r.Term, Type: pb.MessageType_MsgVoteResp, Reject: reject})
	}
	vote(2, false) // outgoing majority {1,2}
	mustState(t, r, StateCandidate)
	vote(4, false) // incoming majority {1,4}
	mustState(t, r, StateLeader)

	r = jointLeader(t)
	_ = r.Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgHup})
	vote(4, false)
	vote(5, false) // incoming won
	vote(2, true)
	vote(3, true) // outgoing lost
	mustState(t, r, StateFollower)
}

// In a joint configuration commitment needs a majority of both halves.
func TestJointCommitNeedsBothMajorities(t *testing.T) {
	r := jointLeader(t)
	r.becomeCandidate()
	r.becomeLeader()
	_ = r.Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{{Data: []byte("x")}}})
	last := r.raftLog.lastIndex()
	ack := func(from uint64) {
		_ = r.Step(&pb.Message{From: from, To: 1, Term: r.Term, Type: pb.MessageType_MsgAppResp, Index: last})
	}
	ack(4)
	ack(5) // all of the incoming half
	if r.raftLog.committed == last {
		t.Fatal("committed with the incoming half only")
	}
	ack(2) // now {1,2} of outgoing too
	if r.raftLog.committed != last {
		t.Fatalf("commit %d, want %d with both majorities", r.raftLog.committed, last)
	}
	// CheckQuorum needs both halves active as well.
	for _, id := range []uint64{2, 3} {
		r.prs[id].RecentActive = false
	}
	r.prs[4].RecentActive, r.prs[5].RecentActive = true, true
	if r.quorumActive() {
		t.Fatal("quorum active with the outgoing half silent")
	}
}

// A joint configuration entered explicitly stays until the application
// proposes leaving; meanwhile no other change is accepted; leaving when
// not joint, or leaving no voter, is refused.
func TestJointExplicitLeaveAndRefusals(t *testing.T) {
	s := NewMemoryStorage(1)
	rn, err := NewRawNode(testConfig(1, s))
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	persistAndAdvance(t, rn, s)
	if err := rn.ProposeConfChangeV2(ccV2(0)); !errors.Is(err, ErrInvalidConfChange) {
		t.Fatalf("leave when not joint: %v, want ErrInvalidConfChange", err)
	}
	if err := rn.ProposeConfChangeV2(ccV2(0, remove(1), add(0))); !errors.Is(err, ErrRemovesLastVoter) {
		t.Fatalf("change leaving no voter: %v, want ErrRemovesLastVoter", err)
	}
	explicit := ccV2(pb.ConfChangeTransition_ConfChangeTransitionJointExplicit, add(2))
	if err := rn.ProposeConfChangeV2(explicit); err != nil {
		t.Fatal(err)
	}
	if err := rn.ProposeConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 3}); !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("second change while one is pending: %v, want ErrProposalDropped", err)
	}
	ents := persistAndAdvance(t, rn, s)
	if len(ents) != 1 || ents[0].Type != pb.EntryType_EntryConfChangeV2 {
		t.Fatalf("committed %v, want the ConfChangeV2 entry", ents)
	}
	cc, err := decodeConfChange(ents[0])
	if err != nil {
		t.Fatal(err)
	}
	cs := rn.ApplyConfChangeV2(cc)
	if !slices.Equal(cs.VotersOutgoing, []uint64{1}) || !slices.Equal(cs.Voters, []uint64{1, 2}) {
		t.Fatalf("joint state %v", cs)
	}
	rn.Advance(rn.Ready())
	for range 5 {
		rn.Tick()
	}
	if rn.HasReady() {
		rd := rn.Ready()
		for _, e := range rd.Entries {
			if isConfChange(e) {
				t.Fatal("explicit joint configuration was left automatically")
			}
		}
		rn.Advance(rd)
	}
	if err := rn.ProposeConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 3}); !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("change while joint: %v, want ErrProposalDropped", err)
	}
	if err := rn.ProposeConfChangeV2(ccV2(0)); err != nil {
		t.Fatalf("explicit leave: %v", err)
	}
	if cs := rn.ApplyConfChangeV2(ccV2(0)); len(cs.VotersOutgoing) != 0 || !slices.Equal(cs.Voters, []uint64{1, 2}) {
		t.Fatalf("after leaving %v", cs)
	}
}

// membership.apply decides between a single-step change and joint
// consensus: single-step only when at most one voter changes.
func TestMembershipApplyChoosesJoint(t *testing.T) {
	base := membershipOf(&pb.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}})
	learner := func(id uint64) *pb.ConfChangeSingle {
		return &pb.ConfChangeSingle{Type: pb.ConfChangeType_ConfChangeAddLearnerNode, NodeId: id}
	}
	for _, tc := range []struct {
		name  string
		cc    *pb.ConfChangeV2
		joint bool
	}{
		{"add one voter", ccV2(0, add(5)), false},
		{"promote learner", ccV2(0, add(4)), false},
		{"learners only", ccV2(0, learner(5), learner(6), remove(4)), false},
		{"replace a voter", ccV2(0, add(5), remove(1)), true},
		{"explicit single", ccV2(pb.ConfChangeTransition_ConfChangeTransitionJointExplicit, add(5)), true},
		{"implicit single", ccV2(pb.ConfChangeTransition_ConfChangeTransitionJointImplicit, remove(3)), true},
	} {
		n, err := base.apply(tc.cc)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n.joint() != tc.joint {
			t.Fatalf("%s: joint %v, want %v (%+v)", tc.name, n.joint(), tc.joint, n)
		}
		if tc.joint && !slices.Equal(n.voters[1], []uint64{1, 2, 3}) {
			t.Fatalf("%s: outgoing %v", tc.name, n.voters[1])
		}
	}
	if _, err := base.apply(&pb.ConfChangeV2{Changes: []*pb.ConfChangeSingle{{Type: 99, NodeId: 5}}}); !errors.Is(err, ErrInvalidConfChange) {
		t.Fatalf("unknown type: %v", err)
	}
}

// lastIsLeaveJoint reports whether r's last entry is the empty
// ConfChangeV2 that leaves a joint configuration.
func lastIsLeaveJoint(t *testing.T, r *raft) bool {
	t.Helper()
	ents, err := r.raftLog.slice(r.raftLog.lastIndex(), r.raftLog.lastIndex()+1, noLimit)
	if err != nil || len(ents) != 1 || ents[0].Type != pb.EntryType_EntryConfChangeV2 {
		return false
	}
	cc, err := decodeConfChange(ents[0])
	return err == nil && isLeaveJoint(cc)
}

// An auto-leave dropped because a transfer was in progress is retried at a
// heartbeat tick, and a leader elected while the group is joint leaves it
// once it has applied its predecessors' entries.
func TestJointAutoLeaveRetriedAndByNewLeader(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
	r.applyConfChangeV2(ccV2(pb.ConfChangeTransition_ConfChangeTransitionJointImplicit, add(4), remove(3)))
	r.becomeCandidate()
	r.becomeLeader()
	r.leadTransferee = 2 // a transfer in progress drops proposals
	applyTo(t, r, r.raftLog.committed)
	r.maybeAutoLeave()
	if lastIsLeaveJoint(t, r) {
		t.Fatal("leave proposed during a transfer")
	}
	r.abortLeaderTransfer()
	for range r.heartbeatTimeout {
		r.tick()
	}
	if !lastIsLeaveJoint(t, r) {
		t.Fatal("new leader of a joint auto-leave group did not propose leaving after a heartbeat tick")
	}
	// Only once: the pending leave blocks another.
	for range 3 * r.heartbeatTimeout {
		r.tick()
	}
	if n := r.raftLog.lastIndex(); n != r.pendingConfIndex {
		t.Fatalf("last index %d, pending conf %d: leave proposed more than once", n, r.pendingConfIndex)
	}
}
