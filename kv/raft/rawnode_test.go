package raft

import (
	"errors"
	"strings"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func TestConfigValidate(t *testing.T) {
	s := NewMemoryStorage(1)
	cases := []struct {
		mut  func(*Config)
		want string
	}{
		{func(c *Config) { c.ID = 0 }, "ID"},
		{func(c *Config) { c.HeartbeatTick = 0 }, "HeartbeatTick"},
		{func(c *Config) { c.ElectionTick = c.HeartbeatTick }, "ElectionTick"},
		{func(c *Config) { c.Storage = nil }, "Storage"},
		{func(c *Config) { c.MaxInflightMsgs = 0 }, "MaxInflightMsgs"},
	}
	for _, tc := range cases {
		c := testConfig(1, s)
		tc.mut(c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate() = %v, want an error naming %s", err, tc.want)
		}
		if _, err := NewRawNode(c); err == nil {
			t.Errorf("NewRawNode accepted a config with bad %s", tc.want)
		}
	}
	if err := testConfig(1, s).Validate(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
}

func TestRawNodeStepErrors(t *testing.T) {
	rn, err := NewRawNode(testConfig(1, NewMemoryStorage(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if err := rn.Step(nil); !errors.Is(err, ErrEmptyMessage) {
		t.Errorf("Step(nil) = %v", err)
	}
	for _, typ := range []pb.MessageType{pb.MessageType_MsgHup, pb.MessageType_MsgBeat,
		pb.MessageType_MsgCheckQuorum, pb.MessageType_MsgUnreachable, pb.MessageType_MsgSnapStatus} {
		if err := rn.Step(&pb.Message{Type: typ, From: 2}); !errors.Is(err, ErrStepLocalMsg) {
			t.Errorf("Step(%v) = %v, want ErrStepLocalMsg", typ, err)
		}
	}
	if err := rn.Step(&pb.Message{Type: pb.MessageType_MsgAppResp, From: 9, Term: 1}); !errors.Is(err, ErrStepPeerNotFound) {
		t.Errorf("response from stranger: %v, want ErrStepPeerNotFound", err)
	}
	if err := rn.Propose([]byte("x")); !errors.Is(err, ErrProposalDropped) {
		t.Errorf("Propose without leader: %v, want ErrProposalDropped", err)
	}
	if err := rn.ReadIndex(nil); err == nil {
		t.Error("ReadIndex accepted an empty context")
	}
	if err := rn.ProposeConfChange(nil); err == nil {
		t.Error("ProposeConfChange accepted nil")
	}
	if _, err := NewRawNode(nil); err == nil {
		t.Error("NewRawNode(nil) succeeded")
	}
}

// The Ready contract on a single node: campaign, persist, apply, advance.
func TestRawNodeReadyContract(t *testing.T) {
	s := NewMemoryStorage(1)
	rn, err := NewRawNode(testConfig(1, s))
	if err != nil {
		t.Fatal(err)
	}
	if rn.HasReady() {
		t.Fatal("fresh node has a Ready")
	}
	if err := rn.Campaign(); err != nil {
		t.Fatal(err)
	}
	rd := rn.Ready()
	if rd.SoftState == nil || rd.SoftState.RaftState != StateLeader || rd.SoftState.Lead != 1 {
		t.Fatalf("soft state %+v, want leader 1", rd.SoftState)
	}
	if rd.HardState == nil || rd.HardState.Term != 2 || rd.HardState.Vote != 1 || rd.HardState.Commit != 2 {
		t.Fatalf("hard state %v, want term 2 vote 1 commit 2", rd.HardState)
	}
	if len(rd.Entries) != 1 || len(rd.CommittedEntries) != 1 || !rd.MustSync {
		t.Fatalf("entries %d committed %d mustSync %v, want the noop in both and sync",
			len(rd.Entries), len(rd.CommittedEntries), rd.MustSync)
	}
	_ = s.Append(rd.Entries)
	_ = s.SetHardState(rd.HardState)
	rn.Advance(rd)
	if rn.HasReady() {
		t.Fatalf("Ready left after Advance: %+v", rn.Ready())
	}
	if err := rn.Propose([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	rd = rn.Ready()
	if rd.SoftState != nil {
		t.Fatal("unchanged soft state reported again")
	}
	if len(rd.CommittedEntries) != 1 || string(rd.CommittedEntries[0].Data) != "hello" {
		t.Fatalf("committed %v, want hello", rd.CommittedEntries)
	}
	rn.Advance(rd)
	if st := rn.Status(); st.Applied != 3 || st.Commit != 3 || st.Progress[1].Match != 3 {
		t.Fatalf("status %+v, want applied/commit/match 3", st)
	}
}

// A node restarted from persisted HardState + log + snapshot resumes with
// the same term, vote and commit, and re-delivers only unapplied entries.
func TestRawNodeRestart(t *testing.T) {
	c := newRawCluster(t, 3)
	_ = c.nodes[1].Campaign()
	c.settle(t)
	for _, d := range []string{"a", "b", "c"} {
		if err := c.nodes[1].Propose([]byte(d)); err != nil {
			t.Fatal(err)
		}
	}
	c.settle(t)
	before := c.nodes[2].Status()
	// Node 2 snapshots at 3 (noop + a) and compacts, then crashes.
	if _, err := c.storage[2].CreateSnapshot(3, nil, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := c.storage[2].Compact(3); err != nil {
		t.Fatal(err)
	}
	c.applied[2] = nil
	c.start(t, 2, 3)
	after := c.nodes[2].Status()
	if after.Term != before.Term || after.Vote != before.Vote || after.Commit != before.Commit {
		t.Fatalf("restarted %d/%d/%d, want %d/%d/%d", after.Term, after.Vote, after.Commit,
			before.Term, before.Vote, before.Commit)
	}
	c.settle(t)
	if got := c.applied[2]; len(got) != 2 || string(got[0]) != "b" || string(got[1]) != "c" {
		t.Fatalf("re-applied %q, want [b c]", got)
	}
	// The cluster keeps working with the restarted node.
	_ = c.nodes[1].Propose([]byte("d"))
	c.settle(t)
	if got := c.applied[2]; len(got) != 3 || string(got[2]) != "d" {
		t.Fatalf("applied %q after restart, want d last", got)
	}
}

// A node that was down while the leader compacted catches up by snapshot.
func TestLaggingNodeCatchesUpBySnapshot(t *testing.T) {
	c := newRawCluster(t, 3)
	_ = c.nodes[1].Campaign()
	c.settle(t)
	c.down[3] = true
	for range 10 {
		_ = c.nodes[1].Propose([]byte("x"))
	}
	c.settle(t)
	last, _ := c.storage[1].LastIndex()
	if _, err := c.storage[1].CreateSnapshot(last, nil, []byte("state")); err != nil {
		t.Fatal(err)
	}
	if err := c.storage[1].Compact(last); err != nil {
		t.Fatal(err)
	}
	c.down[3] = false
	for range 3 {
		c.nodes[1].Tick() // heartbeat → response → snapshot
		c.settle(t)
	}
	snap, _ := c.storage[3].Snapshot()
	if snap.Metadata.Index != last || string(snap.Data) != "state" {
		t.Fatalf("node 3 snapshot at %d %q, want %d state", snap.Metadata.Index, snap.Data, last)
	}
	c.nodes[1].ReportSnapshot(3, true)
	_ = c.nodes[1].Propose([]byte("after"))
	c.settle(t)
	if got := c.applied[3]; len(got) == 0 || string(got[len(got)-1]) != "after" {
		t.Fatalf("node 3 applied %q, want 'after' replicated after the snapshot", got)
	}
}

// Leader transfer and ReadIndex through the RawNode API.
func TestRawNodeTransferAndReadIndex(t *testing.T) {
	c := newRawCluster(t, 3)
	_ = c.nodes[1].Campaign()
	c.settle(t)
	c.nodes[1].TransferLeader(2)
	c.settle(t)
	if c.leader() != 2 {
		t.Fatalf("leader %d after transfer, want 2", c.leader())
	}
	if err := c.nodes[3].ReadIndex([]byte("r1")); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 10 && len(c.reads[3]) == 0; round++ {
		c.nodes[2].Tick()
		c.settle(t)
	}
	got := c.reads[3]
	commit := c.nodes[2].Status().Commit
	if len(got) != 1 || string(got[0].RequestCtx) != "r1" || got[0].Index != commit {
		t.Fatalf("read states %v, want r1 at %d", got, commit)
	}
	c.nodes[1].ReportUnreachable(2) // harmless on a follower
}

// Bad input from the caller or a peer is refused without a panic and
// without losing state.
func TestRawNodeSurvivesBadInput(t *testing.T) {
	c := newRawCluster(t, 3)
	_ = c.nodes[1].Campaign()
	c.settle(t)
	before := c.nodes[2].Status()
	// A Ready this node never produced.
	c.nodes[2].Advance(Ready{CommittedEntries: []*pb.Entry{{Index: 999, Term: 9}}})
	// A snapshot without membership.
	_ = c.nodes[2].Step(&pb.Message{Type: pb.MessageType_MsgSnap, From: 1, To: 2, Term: before.Term,
		Snapshot: &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: 50, Term: before.Term}}})
	// An append whose entries do not follow its index.
	_ = c.nodes[2].Step(&pb.Message{Type: pb.MessageType_MsgApp, From: 1, To: 2, Term: before.Term,
		Index: 2, LogTerm: before.Term, Entries: []*pb.Entry{{Index: 7, Term: before.Term}}})
	// An ack for an index the leader does not have.
	_ = c.nodes[1].Step(&pb.Message{Type: pb.MessageType_MsgAppResp, From: 2, To: 1, Term: before.Term, Index: 1 << 40})
	after := c.nodes[2].Status()
	if after.Applied != before.Applied || after.Commit != before.Commit {
		t.Fatalf("bad input changed applied/commit: %+v -> %+v", before, after)
	}
	if last, _ := c.storage[2].LastIndex(); c.nodes[2].raft.raftLog.lastIndex() != last {
		t.Fatal("bad append changed the log")
	}
	if pr := c.nodes[1].Status().Progress[2]; pr.Match > c.nodes[1].raft.raftLog.lastIndex() {
		t.Fatalf("leader recorded match %d beyond its log", pr.Match)
	}
	_ = c.nodes[1].Propose([]byte("still works"))
	c.settle(t)
	if got := c.applied[2]; len(got) == 0 || string(got[len(got)-1]) != "still works" {
		t.Fatalf("cluster stopped working after bad input: %q", got)
	}
}

// Status tells a store where the leader's term started, whether its lease
// holds, and BasicStatus does so without allocating.
func TestRawNodeStatusForStores(t *testing.T) {
	c := newRawClusterWith(t, 3, func(cfg *Config) {
		cfg.CheckQuorum = true
		cfg.ReadOnlyOption = ReadOnlyLeaseBased
	})
	var l uint64
	for i := 0; i < 100 && l == None; i++ { // elects once the start-up vote hold is over
		for id := uint64(1); id <= 3; id++ {
			c.nodes[id].Tick()
		}
		c.settle(t)
		l = c.leader()
	}
	if l == None {
		t.Fatal("no leader elected")
	}
	f := l%3 + 1
	st := c.nodes[l].BasicStatus()
	if st.TermStartIndex == 0 || st.Commit < st.TermStartIndex || st.Progress != nil {
		t.Fatalf("leader status %+v: want TermStartIndex set and committed, no Progress", st)
	}
	if fs := c.nodes[f].BasicStatus(); fs.TermStartIndex != 0 || fs.LeaseValid {
		t.Fatalf("follower status %+v: want no TermStartIndex and no lease", fs)
	}
	c.nodes[l].Tick() // heartbeat round earns the lease
	c.settle(t)
	if !c.nodes[l].BasicStatus().LeaseValid {
		t.Fatal("leader has no lease after a heartbeat quorum")
	}
	if n := testing.AllocsPerRun(100, func() { _ = c.nodes[l].BasicStatus() }); n != 0 {
		t.Fatalf("BasicStatus allocates %.0f times", n)
	}
	if len(c.nodes[l].Status().Progress) != 3 {
		t.Fatal("Status lacks the leader's progress")
	}
}
