package raft

import (
	"errors"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func transfer(t *testing.T, nw *network, to uint64, via uint64) {
	t.Helper()
	nw.send(t, &pb.Message{From: to, To: via, Type: pb.MessageType_MsgTransferLeader})
}

// Leader transfer to an up-to-date follower: TimeoutNow, then it wins.
// Behaviour 3A: immediate to an up-to-date peer (TestLeaderTransferToUpToDateNode3A).
func TestTransferToUpToDateFollower(t *testing.T) {
	peers := newPeers(t, 3, func(c *Config) { c.CheckQuorum = true })
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	term := peers[0].Term
	transfer(t, nw, 2, 1)
	mustState(t, peers[1], StateLeader)
	mustState(t, peers[0], StateFollower)
	if peers[1].Term != term+1 || peers[0].lead != 2 {
		t.Fatalf("new term %d lead %d, want %d and 2", peers[1].Term, peers[0].lead, term+1)
	}
}

// A lagging target is caught up first, then told to campaign.
// Behaviour 3A: a lagging peer is brought up to date first
// (TestLeaderTransferToSlowFollower3A).
func TestTransferCatchesUpLaggingFollower(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(3)
	for range 5 {
		nw.propose(t, 1, "x")
	}
	nw.recover()
	nw.ignore[pb.MessageType_MsgApp] = true
	transfer(t, nw, 3, 1)
	if peers[0].leadTransferee != 3 {
		t.Fatalf("transferee %d, want 3", peers[0].leadTransferee)
	}
	mustState(t, peers[0], StateLeader)
	// Proposals are dropped while the transfer is in progress.
	err := peers[0].Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{{}}})
	if !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("proposal during transfer: %v, want ErrProposalDropped", err)
	}
	nw.recover()
	nw.tick(t, 1, 1) // heartbeat response triggers the catch-up append
	mustState(t, peers[2], StateLeader)
	if peers[2].raftLog.lastIndex() < peers[0].raftLog.lastIndex() {
		t.Fatal("new leader lacks entries of the old one")
	}
}

// A transfer that does not finish within an election timeout is aborted
// and proposals are accepted again.
func TestTransferAbortsAfterElectionTimeout(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(3)
	transfer(t, nw, 3, 1)
	if peers[0].leadTransferee != 3 {
		t.Fatal("transfer not started")
	}
	nw.tick(t, 1, peers[0].electionTimeout)
	if peers[0].leadTransferee != None {
		t.Fatal("transfer not aborted after an election timeout")
	}
	err := peers[0].Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{{}}})
	if err != nil {
		t.Fatalf("proposal after abort: %v", err)
	}
}

// Transfers to the leader itself or to a non-member do nothing.
// Behaviour 3A: TestLeaderTransferToSelf3A, TestLeaderTransferToNonExistingNode3A.
func TestTransferToSelfOrStrangerIgnored(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	transfer(t, nw, 1, 1)
	transfer(t, nw, 9, 1)
	if peers[0].leadTransferee != None {
		t.Fatalf("transferee %d, want none", peers[0].leadTransferee)
	}
	mustState(t, peers[0], StateLeader)
}

// A follower forwards a transfer request to its leader.
// Behaviour 3A: the request may reach a follower
// (TestLeaderTransferToUpToDateNodeFromFollower3A).
func TestTransferForwardedByFollower(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	transfer(t, nw, 3, 2)
	mustState(t, peers[2], StateLeader)
}
