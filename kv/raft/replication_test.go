package raft

import (
	"slices"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// §5.3: a leader replicates proposals; once a majority has them they
// commit on every node and all logs are equal.
func TestLogReplication(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.propose(t, 1, "a")
	nw.propose(t, 2, "b") // forwarded by a follower
	nw.tickAll(t, 1)      // heartbeats carry the final commit index
	want := logTerms(t, peers[0], 2)
	if len(want) != 3 {
		t.Fatalf("leader log terms %v, want noop + 2 entries", want)
	}
	for _, p := range peers {
		if got := logTerms(t, p, 2); !slices.Equal(got, want) {
			t.Errorf("node %d log %v, want %v", p.id, got, want)
		}
		if p.raftLog.committed != 4 {
			t.Errorf("node %d committed %d, want 4", p.id, p.raftLog.committed)
		}
	}
	ents, _ := peers[2].raftLog.slice(3, 5, noLimit)
	if string(ents[0].Data) != "a" || string(ents[1].Data) != "b" {
		t.Fatalf("node 3 entries %q %q, want a b", ents[0].Data, ents[1].Data)
	}
}

// §5.3: the consistency check rejects an append whose previous entry does
// not match, with a hint for backtracking.
func TestFollowerRejectsMismatchedAppend(t *testing.T) {
	r := newTestRaft(t, testConfig(2, NewMemoryStorage(1, 2, 3)))
	withLog(t, r, 1, 2) // 2/1, 3/2
	_ = r.Step(&pb.Message{From: 1, To: 2, Term: 3, Type: pb.MessageType_MsgApp, Index: 3, LogTerm: 3,
		Entries: []*pb.Entry{{Index: 4, Term: 3}}})
	msgs := r.readMessages()
	if len(msgs) != 1 || !msgs[0].Reject {
		t.Fatalf("want one rejection, got %v", msgs)
	}
	if msgs[0].RejectHint != 3 || msgs[0].LogTerm != 2 {
		t.Fatalf("hint %d/%d, want index 3 term 2", msgs[0].RejectHint, msgs[0].LogTerm)
	}
	if r.raftLog.lastIndex() != 3 {
		t.Fatalf("rejected append changed the log: last %d", r.raftLog.lastIndex())
	}
}

// §5.3: conflicting uncommitted entries are replaced by the leader's.
func TestFollowerTruncatesConflictingEntries(t *testing.T) {
	r := newTestRaft(t, testConfig(2, NewMemoryStorage(1, 2, 3)))
	withLog(t, r, 1, 2, 2, 2) // 2/1, 3/2, 4/2, 5/2
	_ = r.Step(&pb.Message{From: 1, To: 2, Term: 3, Type: pb.MessageType_MsgApp, Index: 2, LogTerm: 1,
		Entries: []*pb.Entry{{Index: 3, Term: 3}}, Commit: 3})
	msgs := r.readMessages()
	if len(msgs) != 1 || msgs[0].Reject || msgs[0].Index != 3 {
		t.Fatalf("want acceptance up to 3, got %v", msgs)
	}
	if got := logTerms(t, r, 2); !slices.Equal(got, []uint64{1, 3}) {
		t.Fatalf("log %v, want [1 3]", got)
	}
	if r.raftLog.committed != 3 {
		t.Fatalf("committed %d, want 3", r.raftLog.committed)
	}
}

// §5.3 / Figure 7: a new leader brings followers with missing, extra and
// conflicting entries to exactly its own log.
func TestLeaderRepairsDivergentFollowers(t *testing.T) {
	leaderLog := []uint64{1, 1, 1, 4, 4, 5, 5, 6, 6, 6}
	followers := [][]uint64{
		{1, 1, 1, 4, 4, 5, 5, 6, 6},          // (a) missing one
		{1, 1, 1, 4},                         // (b) missing many
		{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},    // (c) one extra
		{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}, // (d) extra of a newer term
		{1, 1, 1, 4, 4, 4, 4},                // (e) missing and conflicting
		{1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3},    // (f) long conflicting suffix
	}
	for i, fl := range followers {
		peers := newPeers(t, 3, nil)
		withLog(t, peers[0], leaderLog...)
		withLog(t, peers[1], fl...)
		peers[0].Term, peers[1].Term = 7, 7
		nw := newNetwork(peers...)
		nw.ignore[pb.MessageType_MsgVote] = true // node 3 grants the vote by hand
		nw.campaign(t, 1)
		delete(nw.ignore, pb.MessageType_MsgVote)
		nw.send(t, &pb.Message{From: 3, To: 1, Term: peers[0].Term, Type: pb.MessageType_MsgVoteResp})
		mustState(t, peers[0], StateLeader)
		nw.propose(t, 1, "x")
		if got, want := logTerms(t, peers[1], 2), logTerms(t, peers[0], 2); !slices.Equal(got, want) {
			t.Errorf("follower (%c): log %v, want %v", 'a'+i, got, want)
		}
	}
}

// Fast backtracking: a long conflicting suffix is skipped a term at a
// time, not an entry at a time.
func TestFastBacktracking(t *testing.T) {
	peers := newPeers(t, 3, nil)
	lead, fol := make([]uint64, 60), make([]uint64, 60)
	for i := range lead {
		lead[i], fol[i] = 1, 1
		if i >= 10 {
			lead[i], fol[i] = 3, 2
		}
	}
	withLog(t, peers[0], lead...)
	withLog(t, peers[1], fol...)
	nw := newNetwork(peers...)
	rejects := 0
	nw.isolate(3)
	nw.ignore[pb.MessageType_MsgApp] = true // repair is driven by hand below
	nw.campaign(t, 1)
	mustState(t, peers[0], StateLeader)
	peers[0].readMessages()
	msgs := []*pb.Message{}
	// Drive the repair by hand to count the rounds; a heartbeat response
	// unpauses the probe whose first append was dropped.
	_ = peers[0].Step(&pb.Message{From: 2, To: 1, Term: peers[0].Term, Type: pb.MessageType_MsgHeartbeatResp})
	for _, m := range peers[0].readMessages() {
		if m.To == 2 {
			msgs = append(msgs, m)
		}
	}
	rounds := 0
	for len(msgs) > 0 && rounds < 100 {
		rounds++
		var next []*pb.Message
		for _, m := range msgs {
			_ = peers[1].Step(cloneMsg(m))
			for _, resp := range peers[1].readMessages() {
				if resp.Reject {
					rejects++
				}
				_ = peers[0].Step(cloneMsg(resp))
			}
			for _, m2 := range peers[0].readMessages() {
				if m2.To == 2 {
					next = append(next, m2)
				}
			}
		}
		msgs = next
	}
	if got, want := logTerms(t, peers[1], 2), logTerms(t, peers[0], 2); !slices.Equal(got, want) {
		t.Fatalf("follower not repaired: %v vs %v", got, want)
	}
	t.Logf("%d rejections, %d rounds", rejects, rounds)
	if rejects > 3 {
		t.Fatalf("%d rejections to skip a 50-entry conflicting suffix; want at most 3", rejects)
	}
}

// §5.4.2 / Figure 8: a leader never commits an entry of an earlier term by
// counting replicas; it commits it indirectly with one of its own term.
func TestCommitOnlyCurrentTermByCounting(t *testing.T) {
	r := newTestRaft(t, testConfig(1, NewMemoryStorage(1, 2, 3)))
	withLog(t, r, 2) // 2/2: from an earlier term, never committed
	r.Term = 3
	r.becomeCandidate()
	r.becomeLeader() // appends noop 3/4
	r.readMessages()
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgAppResp, Index: 2})
	if r.raftLog.committed != 1 {
		t.Fatalf("committed %d after a majority stored an old-term entry; want 1", r.raftLog.committed)
	}
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgAppResp, Index: 3})
	if r.raftLog.committed != 3 {
		t.Fatalf("committed %d after a majority stored the current-term entry; want 3", r.raftLog.committed)
	}
}

// Heartbeats carry commit, but never beyond what the follower holds.
func TestHeartbeatCarriesSafeCommit(t *testing.T) {
	peers := newPeers(t, 3, nil)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.propose(t, 1, "a")
	peers[0].prs[3].Match = 1 // pretend node 3 is behind
	peers[0].bcastHeartbeat(nil)
	for _, m := range peers[0].readMessages() {
		want := peers[0].raftLog.committed
		if m.To == 3 {
			want = 1
		}
		if m.Type != pb.MessageType_MsgHeartbeat || m.Commit != want {
			t.Fatalf("heartbeat to %d: commit %d, want %d", m.To, m.Commit, want)
		}
	}
	// A follower advances its commit index from a heartbeat.
	f := newTestRaft(t, testConfig(2, NewMemoryStorage(1, 2, 3)))
	withLog(t, f, 1, 1)
	_ = f.Step(&pb.Message{From: 1, To: 2, Term: 1, Type: pb.MessageType_MsgHeartbeat, Commit: 3})
	if f.raftLog.committed != 3 {
		t.Fatalf("follower commit %d after heartbeat, want 3", f.raftLog.committed)
	}
}

func electedLeader(t *testing.T, tweak func(*Config)) (*raft, *network) {
	t.Helper()
	peers := newPeers(t, 3, tweak)
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	mustState(t, peers[0], StateLeader)
	return peers[0], nw
}

func appendsTo(msgs []*pb.Message, to uint64) int {
	n := 0
	for _, m := range msgs {
		if m.To == to && m.Type == pb.MessageType_MsgApp {
			n++
		}
	}
	return n
}

// Probe state: one append at a time until the follower answers.
func TestProbeSendsOneAppendAtATime(t *testing.T) {
	r, _ := electedLeader(t, nil)
	r.prs[2].BecomeProbe()
	for range 3 {
		_ = r.Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{{Data: []byte("x")}}})
	}
	if n := appendsTo(r.readMessages(), 2); n != 1 {
		t.Fatalf("%d appends to a probing follower, want 1", n)
	}
	// A heartbeat response unpauses the probe.
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgHeartbeatResp})
	if n := appendsTo(r.readMessages(), 2); n != 1 {
		t.Fatalf("%d appends after heartbeat response, want 1", n)
	}
	// A successful answer switches to replicate.
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgAppResp, Index: r.raftLog.lastIndex()})
	if r.prs[2].State != StateReplicate {
		t.Fatalf("state %v after ack, want StateReplicate", r.prs[2].State)
	}
}

// Replicate state: at most MaxInflightMsgs unacknowledged appends.
func TestInflightAppendsBounded(t *testing.T) {
	r, _ := electedLeader(t, func(c *Config) { c.MaxInflightMsgs = 3; c.MaxSizePerMsg = 0 })
	if r.prs[2].State != StateReplicate {
		t.Fatalf("state %v, want StateReplicate", r.prs[2].State)
	}
	for range 10 {
		_ = r.Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{{Data: []byte("x")}}})
	}
	if n := appendsTo(r.readMessages(), 2); n != 3 {
		t.Fatalf("%d appends in flight, want 3", n)
	}
	first := r.raftLog.lastIndex() - 9
	_ = r.Step(&pb.Message{From: 2, To: 1, Term: r.Term, Type: pb.MessageType_MsgAppResp, Index: first})
	if n := appendsTo(r.readMessages(), 2); n != 1 {
		t.Fatalf("%d appends after one ack, want 1", n)
	}
}

// MaxSizePerMsg splits large batches into several appends.
func TestMaxSizePerMsg(t *testing.T) {
	r, _ := electedLeader(t, func(c *Config) { c.MaxSizePerMsg = 100 })
	r.prs[2].BecomeProbe()
	ents := make([]*pb.Entry, 10)
	for i := range ents {
		ents[i] = &pb.Entry{Data: make([]byte, 40)}
	}
	_ = r.Step(&pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: ents})
	for _, m := range r.readMessages() {
		if m.To == 2 && len(m.Entries) > 2 {
			t.Fatalf("append carries %d entries of 56 bytes with a 100-byte limit", len(m.Entries))
		}
	}
}

// A follower that does not answer gets retried: MsgUnreachable drops it to
// probe, and lost appends are re-sent after a heartbeat response.
func TestReportUnreachableProbes(t *testing.T) {
	r, _ := electedLeader(t, nil)
	_ = r.Step(&pb.Message{From: 2, Type: pb.MessageType_MsgUnreachable})
	if r.prs[2].State != StateProbe {
		t.Fatalf("state %v after unreachable, want StateProbe", r.prs[2].State)
	}
}
