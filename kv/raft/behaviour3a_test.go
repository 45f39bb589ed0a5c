package raft

import (
	"slices"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// The 3A behaviours of ../shared/kv/behaviours.md not covered by the
// membership and transfer tests: each test names its behaviour.

// Behaviour 3A: a conf-change proposal becomes a ConfChange entry, and
// applying it updates the membership (TestRawNodeProposeAndConfChange3A).
func TestRawNodeProposeBecomesConfChangeEntry(t *testing.T) {
	s := NewMemoryStorage(1)
	rn, err := NewRawNode(testConfig(1, s))
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	persistAndAdvance(t, rn, s)
	cc := &pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 2, Context: []byte("ctx")}
	if err := rn.ProposeConfChange(cc); err != nil {
		t.Fatal(err)
	}
	rd := rn.Ready()
	if len(rd.Entries) != 1 || rd.Entries[0].Type != pb.EntryType_EntryConfChange {
		t.Fatalf("ready entries %v, want one EntryConfChange", rd.Entries)
	}
	var got pb.ConfChange
	if err := proto.Unmarshal(rd.Entries[0].Data, &got); err != nil || !proto.Equal(&got, cc) {
		t.Fatalf("entry holds %v (%v), want %v", &got, err, cc)
	}
	if err := s.Append(rd.Entries); err != nil {
		t.Fatal(err)
	}
	if len(rd.CommittedEntries) != 1 {
		t.Fatalf("committed %v, want the conf change (single voter)", rd.CommittedEntries)
	}
	cs := rn.ApplyConfChange(&got)
	rn.Advance(rd)
	if !slices.Equal(cs.Voters, []uint64{1, 2}) {
		t.Fatalf("voters %v, want [1 2]", cs.Voters)
	}
}

// Behaviour 3A: adding an existing node again does no harm
// (TestRawNodeProposeAddDuplicateNode3A): the duplicate commits, the
// membership is unchanged and the group keeps committing.
func TestRawNodeProposeAddDuplicateNode(t *testing.T) {
	s := NewMemoryStorage(1)
	rn, err := NewRawNode(testConfig(1, s))
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	persistAndAdvance(t, rn, s)
	for range 2 {
		if err := rn.ProposeConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 1}); err != nil {
			t.Fatal(err)
		}
		ents := persistAndAdvance(t, rn, s)
		if len(ents) != 1 || ents[0].Type != pb.EntryType_EntryConfChange {
			t.Fatalf("committed %v, want the duplicate add", ents)
		}
		var cc pb.ConfChange
		if err := proto.Unmarshal(ents[0].Data, &cc); err != nil {
			t.Fatal(err)
		}
		if cs := rn.ApplyConfChange(&cc); !slices.Equal(cs.Voters, []uint64{1}) {
			t.Fatalf("voters %v after a duplicate add, want [1]", cs.Voters)
		}
	}
	if err := rn.Propose([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if ents := persistAndAdvance(t, rn, s); len(ents) != 1 || string(ents[0].Data) != "x" {
		t.Fatalf("committed %v, want x", ents)
	}
}

// Behaviour 3A: a lagging peer whose entries were compacted is brought up
// to date by snapshot before the transfer (TestLeaderTransferAfterSnapshot3A).
func TestLeaderTransferAfterSnapshot(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(3)
	for range 5 {
		nw.propose(t, 1, "x")
	}
	l := peers[0]
	applyTo(t, l, l.raftLog.committed)
	ms := l.raftLog.storage.(*MemoryStorage)
	if ents := l.raftLog.unstable.entries; len(ents) > 0 { // persist, as a Ready would
		if err := ms.Append(ents); err != nil {
			t.Fatal(err)
		}
		last := ents[len(ents)-1]
		l.raftLog.unstable.stableTo(last.Index, last.Term)
	}
	if _, err := ms.CreateSnapshot(l.raftLog.applied, l.conf.confState(), nil); err != nil {
		t.Fatal(err)
	}
	if err := ms.Compact(l.raftLog.applied); err != nil {
		t.Fatal(err)
	}
	nw.recover()
	sawSnap := false
	nw.ignore[pb.MessageType_MsgHeartbeat] = true // only the transfer drives replication
	transfer(t, nw, 3, 1)
	for _, p := range peers {
		if p.id == 3 && p.raftLog.firstIndex() > 2 {
			sawSnap = true
		}
	}
	if !sawSnap {
		t.Fatal("node 3 did not install a snapshot")
	}
	mustState(t, peers[2], StateLeader)
}

// Behaviour 3A: a transfer to a removed node does nothing
// (TestLeaderTransferRemoveNode3A).
func TestLeaderTransferToRemovedNode(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	peers[0].applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 3})
	transfer(t, nw, 3, 1)
	if peers[0].leadTransferee != None {
		t.Fatalf("transfer to removed node started (transferee %d)", peers[0].leadTransferee)
	}
	mustState(t, peers[0], StateLeader)
}

// Behaviour 3A: a pending transfer is cancelled by transferring back to
// the leader (TestLeaderTransferBack3A), or redirected to another node
// (TestLeaderTransferSecondTransferToAnotherNode3A).
func TestLeaderTransferCancelAndRedirect(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(3)
	transfer(t, nw, 3, 1)
	if peers[0].leadTransferee != 3 {
		t.Fatal("transfer to the isolated node did not start")
	}
	transfer(t, nw, 1, 1)
	if peers[0].leadTransferee != None {
		t.Fatal("transfer back to the leader did not cancel")
	}
	mustState(t, peers[0], StateLeader)
	if err := peers[0].Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp,
		Entries: []*pb.Entry{{Data: []byte("ok")}}}); err != nil {
		t.Fatalf("proposal after cancel: %v", err)
	}
	transfer(t, nw, 3, 1)
	transfer(t, nw, 2, 1)
	mustState(t, peers[1], StateLeader)
	mustState(t, peers[0], StateFollower)
}

// Behaviour 3A: a higher-term election wins over a transfer in progress
// (TestLeaderTransferReceiveHigherTermVote3A).
func TestLeaderTransferLosesToHigherTermVote(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(3)
	transfer(t, nw, 3, 1)
	if peers[0].leadTransferee != 3 {
		t.Fatal("transfer not pending")
	}
	term := peers[0].Term
	nw.campaign(t, 2)
	mustState(t, peers[1], StateLeader)
	mustState(t, peers[0], StateFollower)
	if peers[0].Term != term+1 || peers[0].leadTransferee != None {
		t.Fatalf("old leader term %d transferee %d, want %d and none", peers[0].Term, peers[0].leadTransferee, term+1)
	}
}

// Behaviour 3A: a removed node ignores TimeoutNow (TestTransferNonMember3A).
func TestRemovedNodeIgnoresTimeoutNow(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(2, 3, 4)))
	term := r.Term
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: term, Type: pb.MessageType_MsgTimeoutNow})
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: term, Type: pb.MessageType_MsgVoteResp})
	_ = r.Step(&pb.Message{From: 3, To: 1, Term: term, Type: pb.MessageType_MsgVoteResp})
	mustState(t, r, StateFollower)
	if r.Term != term {
		t.Fatalf("term %d, want %d: a non-member campaigned", r.Term, term)
	}
}

// Behaviour 3A: removing a node updates the peer set (TestRemoveNode3A):
// the leader's and a follower's membership drop it, the leader keeps no
// progress for it, sends it nothing more, and commits with the rest.
func TestRemoveNodeUpdatesPeerSet(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	cc := &pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: 3}
	for _, p := range peers[:2] {
		if cs := p.applyConfChange(cc); !slices.Equal(cs.Voters, []uint64{1, 2}) {
			t.Fatalf("node %d voters %v after removing 3, want [1 2]", p.id, cs.Voters)
		}
	}
	if _, ok := peers[0].prs[3]; ok {
		t.Fatal("leader keeps progress for the removed node")
	}
	if err := peers[0].Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp,
		Entries: []*pb.Entry{{Data: []byte("y")}}}); err != nil {
		t.Fatal(err)
	}
	msgs := peers[0].readMessages()
	if appendsTo(msgs, 3) != 0 || appendsTo(msgs, 2) == 0 {
		t.Fatalf("after removal the leader sent %v, want appends to 2 only", msgs)
	}
	nw.send(t, msgs...)
	if c := peers[0].raftLog.committed; c != peers[0].raftLog.lastIndex() || peers[1].raftLog.committed != c {
		t.Fatalf("commit %d/%d, want last %d on both members", c, peers[1].raftLog.committed, peers[0].raftLog.lastIndex())
	}
}

// Behaviour 3A: adding an existing node again does no harm
// (TestRawNodeProposeAddDuplicateNode3A), in a group with followers: the
// member's replication progress survives and commits go on needing it.
func TestAddExistingFollowerKeepsProgress(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.propose(t, 1, "a")
	l := peers[0]
	before := *l.prs[2]
	cs := l.applyConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 2})
	if !slices.Equal(cs.Voters, []uint64{1, 2, 3}) {
		t.Fatalf("voters %v after a duplicate add, want [1 2 3]", cs.Voters)
	}
	if pr := l.prs[2]; pr.Match != before.Match || pr.Next != before.Next || pr.Match != l.raftLog.lastIndex() {
		t.Fatalf("progress of 2 was %+v, now %+v: reset by a duplicate add", before, *pr)
	}
	nw.isolate(3)
	nw.propose(t, 1, "b")
	if l.raftLog.committed != l.raftLog.lastIndex() {
		t.Fatal("nodes 1 and 2 no longer commit after a duplicate add of 2")
	}
	nw.isolate(2)
	nw.propose(t, 1, "c")
	if l.raftLog.committed == l.raftLog.lastIndex() {
		t.Fatal("the leader alone committed: the quorum shrank")
	}
}
