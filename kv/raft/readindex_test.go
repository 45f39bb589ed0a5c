package raft

import (
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func readIndex(r *raft, ctx string) {
	_ = r.Step(&pb.Message{From: r.id, Type: pb.MessageType_MsgReadIndex, Entries: []*pb.Entry{{Data: []byte(ctx)}}})
}

// ReadIndex on the leader answers only after a heartbeat quorum confirms
// it still leads, with the commit index at the time of the request.
func TestReadIndexConfirmedByHeartbeatQuorum(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.propose(t, 1, "a")
	r := peers[0]
	commit := r.raftLog.committed
	readIndex(r, "ctx1")
	if len(r.readStates) != 0 {
		t.Fatal("read answered before leadership was confirmed")
	}
	hb := r.readMessages()
	if len(hb) != 2 || hb[0].Type != pb.MessageType_MsgHeartbeat || string(hb[0].Context) != "ctx1" {
		t.Fatalf("want 2 heartbeats with the context, got %v", hb)
	}
	nw.send(t, hb[0])
	if len(r.readStates) != 1 || r.readStates[0].Index != commit || string(r.readStates[0].RequestCtx) != "ctx1" {
		t.Fatalf("read states %v, want index %d for ctx1", r.readStates, commit)
	}
}

// A leader cut off from its quorum never answers a read.
func TestReadIndexIsolatedLeaderDoesNotAnswer(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(1)
	readIndex(peers[0], "ctx")
	nw.send(t, nw.filter(peers[0].readMessages())...)
	nw.tick(t, 1, 5)
	if len(peers[0].readStates) != 0 {
		t.Fatal("isolated leader answered a read")
	}
}

// A follower forwards the read; the leader answers it with the index.
func TestReadIndexFromFollower(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.propose(t, 1, "a")
	nw.send(t, &pb.Message{From: 2, To: 2, Type: pb.MessageType_MsgReadIndex,
		Entries: []*pb.Entry{{Data: []byte("f")}}})
	rs := peers[1].readStates
	if len(rs) != 1 || rs[0].Index != peers[0].raftLog.committed || string(rs[0].RequestCtx) != "f" {
		t.Fatalf("follower read states %v, want index %d", rs, peers[0].raftLog.committed)
	}
}

// A new leader serves reads only after committing an entry of its term.
func TestReadIndexWaitsForCurrentTermCommit(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.ignore[pb.MessageType_MsgApp] = true
	nw.campaign(t, 1)
	r := peers[0]
	mustState(t, r, StateLeader)
	readIndex(r, "early")
	if len(r.readMessages()) != 0 || len(r.readStates) != 0 {
		t.Fatal("read started before the leader's first commit")
	}
	nw.recover()
	nw.tick(t, 1, 1) // heartbeat responses trigger the noop append
	if len(r.readStates) != 1 || r.readStates[0].Index != r.raftLog.committed {
		t.Fatalf("read states %v, want one at %d", r.readStates, r.raftLog.committed)
	}
}

// A single-voter leader answers immediately.
func TestReadIndexSingleVoter(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1)))
	r.becomeCandidate()
	r.becomeLeader()
	readIndex(r, "x")
	if len(r.readStates) != 1 || r.readStates[0].Index != 2 {
		t.Fatalf("read states %v, want one at 2", r.readStates)
	}
}
