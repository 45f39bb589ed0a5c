package raft

import (
	"slices"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func testSnapshot(index, term uint64, voters ...uint64) *pb.Snapshot {
	return &pb.Snapshot{Data: []byte("state"), Metadata: &pb.SnapshotMetadata{Index: index, Term: term,
		ConfState: &pb.ConfState{Voters: voters}}}
}

// §7: a follower whose next entry was compacted away gets a snapshot.
func TestLeaderSendsSnapshotWhenCompacted(t *testing.T) {
	s := NewMemoryStorage(1, 2)
	ents := []*pb.Entry{{Index: 2, Term: 1}, {Index: 3, Term: 1}, {Index: 4, Term: 1}}
	if err := s.Append(ents); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateSnapshot(4, nil, []byte("app")); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(4); err != nil {
		t.Fatal(err)
	}
	r := newTestRaft(t, testConfig(1, s))
	if err := r.loadState(&pb.HardState{Term: 1, Commit: 4}); err != nil {
		t.Fatal(err)
	}
	r.becomeCandidate()
	r.becomeLeader()
	r.readMessages()
	pr := r.prs[2]
	pr.RecentActive = true
	pr.Next = 2 // the follower needs index 2, compacted
	r.sendAppend(2)
	msgs := r.readMessages()
	if len(msgs) != 1 || msgs[0].Type != pb.MessageType_MsgSnap {
		t.Fatalf("want one MsgSnap, got %v", msgs)
	}
	if md := msgs[0].Snapshot.Metadata; md.Index != 4 || string(msgs[0].Snapshot.Data) != "app" {
		t.Fatalf("snapshot at %d with %q, want 4 and app", md.Index, msgs[0].Snapshot.Data)
	}
	if pr.State != StateSnapshot || pr.PendingSnapshot != 4 {
		t.Fatalf("progress %v, want StateSnapshot pending 4", pr)
	}
	// While the snapshot is in flight nothing else is sent.
	r.sendAppend(2)
	if len(r.readMessages()) != 0 {
		t.Fatal("sent to a follower that is receiving a snapshot")
	}
	// The follower's ack at the snapshot index resumes replication.
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgAppResp, Index: 4})
	if pr.State != StateReplicate || pr.Match != 4 {
		t.Fatalf("progress %v after snapshot ack, want StateReplicate match 4", pr)
	}
}

// §7: a failed snapshot send goes back to probing and is retried after
// the follower is heard from.
func TestReportSnapshotFailureRetries(t *testing.T) {
	r, _ := electedLeader(t, nil)
	pr := r.prs[2]
	pr.BecomeSnapshot(10)
	_ = r.Step(&pb.Message{From: 2, Type: pb.MessageType_MsgSnapStatus, Reject: true})
	if pr.State != StateProbe || pr.PendingSnapshot != 0 || !pr.MsgAppFlowPaused {
		t.Fatalf("after failure: %v, want paused probe", pr)
	}
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgHeartbeatResp})
	if pr.MsgAppFlowPaused {
		t.Fatal("heartbeat response did not resume probing")
	}
	// A reported success also moves on, past the snapshot.
	pr.BecomeSnapshot(10)
	_ = r.Step(&pb.Message{From: 2, Type: pb.MessageType_MsgSnapStatus})
	if pr.State != StateProbe || pr.Next != 11 {
		t.Fatalf("after success: %v, want probe from 11", pr)
	}
}

// §7: a follower installs a newer snapshot, replacing log and membership.
func TestFollowerInstallsSnapshot(t *testing.T) {
	r := newTestRaft(t, testConfig(2, NewMemoryStorage(1, 2)))
	withLog(t, r, 1, 1)
	snap := testSnapshot(10, 3, 1, 2, 3)
	_ = r.Step(&pb.Message{From: 1, To: 2, Term: 3, Type: pb.MessageType_MsgSnap, Snapshot: snap})
	if r.raftLog.committed != 10 || r.raftLog.lastIndex() != 10 || r.raftLog.lastTerm() != 3 {
		t.Fatalf("after install: committed %d last %d/%d, want 10 and 10/3",
			r.raftLog.committed, r.raftLog.lastIndex(), r.raftLog.lastTerm())
	}
	if !slices.Equal(r.ids, []uint64{1, 2, 3}) {
		t.Fatalf("membership %v, want [1 2 3]", r.ids)
	}
	msgs := r.readMessages()
	if len(msgs) != 1 || msgs[0].Type != pb.MessageType_MsgAppResp || msgs[0].Index != 10 {
		t.Fatalf("want MsgAppResp at 10, got %v", msgs)
	}
	if r.raftLog.unstable.snapshot != snap {
		t.Fatal("snapshot not handed to the application")
	}
}

// §7: a snapshot not newer than the commit index is ignored.
func TestFollowerIgnoresStaleSnapshot(t *testing.T) {
	r := newTestRaft(t, testConfig(2, NewMemoryStorage(1, 2)))
	withLog(t, r, 1, 1, 1)
	r.raftLog.commitTo(4)
	_ = r.Step(&pb.Message{From: 1, To: 2, Term: 1, Type: pb.MessageType_MsgSnap, Snapshot: testSnapshot(3, 1, 1, 2)})
	if r.raftLog.unstable.snapshot != nil || r.raftLog.lastIndex() != 4 {
		t.Fatal("stale snapshot was installed")
	}
	msgs := r.readMessages()
	if len(msgs) != 1 || msgs[0].Index != 4 {
		t.Fatalf("want ack of commit 4, got %v", msgs)
	}
}

// §7: a snapshot whose last entry we already hold only advances commit.
func TestFollowerFastForwardsOnMatchingSnapshot(t *testing.T) {
	r := newTestRaft(t, testConfig(2, NewMemoryStorage(1, 2)))
	withLog(t, r, 1, 1, 1, 1)
	_ = r.Step(&pb.Message{From: 1, To: 2, Term: 1, Type: pb.MessageType_MsgSnap, Snapshot: testSnapshot(3, 1, 1, 2)})
	if r.raftLog.unstable.snapshot != nil || r.raftLog.committed != 3 || r.raftLog.lastIndex() != 5 {
		t.Fatalf("committed %d last %d; want 3 and 5 with log kept", r.raftLog.committed, r.raftLog.lastIndex())
	}
}
