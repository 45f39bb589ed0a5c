package raft

import (
	"errors"
	"slices"
	"strings"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

func ccEntry(t *testing.T, typ pb.ConfChangeType, id uint64) *pb.Entry {
	t.Helper()
	data, err := proto.Marshal(&pb.ConfChange{Type: typ, NodeId: id})
	if err != nil {
		t.Fatal(err)
	}
	return &pb.Entry{Type: pb.EntryType_EntryConfChange, Data: data}
}

func proposeCC(r *raft, e *pb.Entry) error {
	return r.Step(&pb.Message{From: r.id, To: r.id, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{e}})
}

// §6: adding a voter grows the quorum; the new node counts towards it.
// Behaviour 3A: add updates the peer set (TestAddNode3A).
func TestAddNodeGrowsQuorum(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1)))
	r.becomeCandidate()
	r.becomeLeader()
	cs := r.applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 2})
	if !slices.Equal(cs.Voters, []uint64{1, 2}) {
		t.Fatalf("voters %v, want [1 2]", cs.Voters)
	}
	committed := r.raftLog.committed
	_ = r.Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{{Data: []byte("x")}}})
	if r.raftLog.committed != committed {
		t.Fatal("two-voter cluster committed without the new voter's ack")
	}
	if appendsTo(r.readMessages(), 2) == 0 {
		t.Fatal("leader does not replicate to the added node")
	}
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgAppResp, Index: r.raftLog.lastIndex()})
	if r.raftLog.committed != r.raftLog.lastIndex() {
		t.Fatal("ack from the added voter did not commit")
	}
}

// §6: removing a voter shrinks the quorum, committing what the remaining
// voters already hold. Behaviour 3A: remove updates the peer set and pending
// entries commit under the lower quorum (TestRemoveNode3A,
// TestCommitAfterRemoveNode3A).
func TestRemoveNodeRecomputesQuorum(t *testing.T) {
	peers := newPeers(t, 4, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(3)
	nw.isolate(4)
	nw.propose(t, 1, "x")
	last := peers[0].raftLog.lastIndex()
	if peers[0].raftLog.committed == last {
		t.Fatal("committed with 2 of 4 voters")
	}
	peers[0].applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 4})
	if peers[0].raftLog.committed != last {
		t.Fatalf("committed %d after removal, want %d (2 of 3 hold it)", peers[0].raftLog.committed, last)
	}
}

// §6: a leader that removes itself steps down, and a removed node can
// neither campaign nor propose.
func TestRemovedLeaderStepsDown(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	peers[0].applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 1})
	mustState(t, peers[0], StateFollower)
	if err := peers[0].Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgHup}); err != nil {
		t.Fatal(err)
	}
	mustState(t, peers[0], StateFollower)
	for range 5 * peers[0].electionTimeout {
		peers[0].tick()
	}
	mustState(t, peers[0], StateFollower)
	// The remaining voters elect a new leader among themselves.
	for _, p := range peers[1:] {
		p.applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 1})
	}
	nw.isolate(1)
	nw.campaign(t, 2)
	mustState(t, peers[1], StateLeader)
}

// §6: only one configuration change may be pending at a time.
func TestOnlyOneConfChangePending(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	r := peers[0]
	applyTo(t, r, r.raftLog.committed) // the noop is applied
	if err := proposeCC(r, ccEntry(t, pb.ConfChangeType_ConfChangeAddNode, 4)); err != nil {
		t.Fatalf("first conf change: %v", err)
	}
	err := proposeCC(r, ccEntry(t, pb.ConfChangeType_ConfChangeRemoveNode, 3))
	if !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("second conf change: err %v, want ErrProposalDropped", err)
	}
	r.readMessages()
	nw.send(t, &pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgAppResp, Index: r.raftLog.lastIndex()})
	applyTo(t, r, r.raftLog.committed)
	if err := proposeCC(r, ccEntry(t, pb.ConfChangeType_ConfChangeRemoveNode, 3)); err != nil {
		t.Fatalf("conf change after the first applied: %v", err)
	}
}

// A new leader refuses conf changes until entries of earlier terms (which
// may hide an unapplied change) are applied.
func TestNewLeaderDefersConfChange(t *testing.T) {
	peers := newPeers(t, 3, nil)
	for _, p := range peers {
		withLog(t, p, 1, 1) // entries 2 and 3 from term 1, not yet applied
	}
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	r := peers[0]
	mustState(t, r, StateLeader)
	if err := proposeCC(r, ccEntry(t, pb.ConfChangeType_ConfChangeAddNode, 4)); !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("err %v, want ErrProposalDropped", err)
	}
	applyTo(t, r, 3)
	if err := proposeCC(r, ccEntry(t, pb.ConfChangeType_ConfChangeAddNode, 4)); err != nil {
		t.Fatalf("after applying old entries: %v", err)
	}
}

// A node with a committed but unapplied conf change does not campaign.
func TestNoCampaignWithUnappliedConfChange(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
	e := ccEntry(t, pb.ConfChangeType_ConfChangeRemoveNode, 1)
	e.Index, e.Term = 2, 1
	r.raftLog.append(e)
	r.raftLog.commitTo(2)
	_ = r.Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgHup})
	mustState(t, r, StateFollower)
}

// ApplyConfChange ignores no-op changes and reports the membership.
func TestApplyConfChangeIdempotent(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2)))
	cs := r.applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 2})
	cs2 := r.applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 9})
	cs3 := r.applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 0})
	for _, c := range []*pb.ConfState{cs, cs2, cs3} {
		if !slices.Equal(c.Voters, []uint64{1, 2}) {
			t.Fatalf("voters %v, want [1 2]", c.Voters)
		}
	}
}

// Removing the only voter is refused at proposal time, on the proposing
// node and on the leader a follower forwards to.
func TestRemoveLastVoterRefused(t *testing.T) {
	s := NewMemoryStorage(1)
	rn, err := NewRawNode(testConfig(1, s))
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	persistAndAdvance(t, rn, s)
	err = rn.ProposeConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 1})
	if !errors.Is(err, ErrRemovesLastVoter) {
		t.Fatalf("removing the last voter: %v, want ErrRemovesLastVoter", err)
	}
	if errors.Is(err, ErrProposalDropped) {
		t.Fatal("ErrRemovesLastVoter must not look retryable")
	}
	if rn.HasReady() {
		t.Fatal("refused conf change produced a Ready")
	}
	// The leader checks proposals that arrive forwarded, too.
	if err := proposeCC(rn.raft, ccEntry(t, pb.ConfChangeType_ConfChangeRemoveNode, 1)); !errors.Is(err, ErrRemovesLastVoter) {
		t.Fatalf("forwarded removal of the last voter: %v", err)
	}
	// Undecodable conf change data is refused with a clear error.
	bad := &pb.Entry{Type: pb.EntryType_EntryConfChange, Data: []byte{0xff, 0xff}}
	if err := proposeCC(rn.raft, bad); err == nil || !strings.Contains(err.Error(), "ConfChange") {
		t.Fatalf("undecodable conf change: %v", err)
	}
	// Removing a node that is not the last voter is fine.
	if err := rn.ProposeConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 2}); err != nil {
		t.Fatalf("removing a non-member: %v", err)
	}
}

// If such an entry commits anyway (e.g. proposed by an older version), it
// is skipped on apply: membership stays and the group keeps committing.
func TestApplyRemoveLastVoterIsSkipped(t *testing.T) {
	s := NewMemoryStorage(1)
	rn, err := NewRawNode(testConfig(1, s))
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	persistAndAdvance(t, rn, s)
	cs := rn.ApplyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 1})
	if !slices.Equal(cs.Voters, []uint64{1}) {
		t.Fatalf("voters after skipped removal %v, want [1]", cs.Voters)
	}
	if st := rn.Status(); st.SoftState.RaftState != StateLeader {
		t.Fatalf("node is %v after the skipped removal, want leader", st.SoftState.RaftState)
	}
	if err := rn.Propose([]byte("alive")); err != nil {
		t.Fatal(err)
	}
	if ents := persistAndAdvance(t, rn, s); len(ents) != 1 || string(ents[0].Data) != "alive" {
		t.Fatalf("committed %v, want the proposal", ents)
	}
}
