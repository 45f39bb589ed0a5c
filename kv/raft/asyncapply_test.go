package raft

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// persistAndAdvance runs one Ready's persistence and Advance, returning
// its committed entries (which the caller applies whenever it likes).
func persistAndAdvance(t testing.TB, rn *RawNode, s *MemoryStorage) []*pb.Entry {
	t.Helper()
	rd := rn.Ready()
	if err := s.Append(rd.Entries); err != nil {
		t.Fatal(err)
	}
	if rd.HardState != nil {
		_ = s.SetHardState(rd.HardState)
	}
	rn.Advance(rd)
	return rd.CommittedEntries
}

func newAsyncNode(t testing.TB) (*RawNode, *MemoryStorage) {
	t.Helper()
	s := NewMemoryStorage(1)
	cfg := testConfig(1, s)
	cfg.AsyncApply = true
	rn, err := NewRawNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := rn.Campaign(); err != nil {
		t.Fatal(err)
	}
	return rn, s
}

// With AsyncApply, Advance hands entries out exactly once and leaves the
// applied index to AdvanceApplied.
func TestAsyncApplyHandsOutOnce(t *testing.T) {
	rn, s := newAsyncNode(t)
	_ = rn.Propose([]byte("a"))
	_ = rn.Propose([]byte("b"))
	ents := persistAndAdvance(t, rn, s)
	if len(ents) != 3 || ents[2].Index != 4 {
		t.Fatalf("first Ready handed out %d entries, want noop, a, b (up to 4)", len(ents))
	}
	if rn.HasReady() {
		t.Fatalf("entries handed out again before they were applied: %+v", rn.Ready())
	}
	if st := rn.Status(); st.Applied != 1 || st.Applying != 4 || st.Commit != 4 {
		t.Fatalf("applied/applying/commit %d/%d/%d, want 1/4/4", st.Applied, st.Applying, st.Commit)
	}
	_ = rn.Propose([]byte("c"))
	if ents := persistAndAdvance(t, rn, s); len(ents) != 1 || string(ents[0].Data) != "c" {
		t.Fatalf("second Ready handed out %v, want only c", ents)
	}
	if err := rn.AdvanceApplied(6); err == nil {
		t.Fatal("AdvanceApplied beyond what was handed out succeeded")
	}
	if err := rn.AdvanceApplied(3); err != nil {
		t.Fatal(err)
	}
	if err := rn.AdvanceApplied(2); err != nil { // stale report: ignored
		t.Fatal(err)
	}
	if st := rn.Status(); st.Applied != 3 {
		t.Fatalf("applied %d, want 3", st.Applied)
	}
	if err := rn.AdvanceApplied(5); err != nil || rn.Status().Applied != 5 {
		t.Fatalf("AdvanceApplied(5) = %v, applied %d", err, rn.Status().Applied)
	}
}

// Without AsyncApply, Advance still means applied (the simple contract),
// and AdvanceApplied is a harmless no-op.
func TestSyncApplyAdvanceMeansApplied(t *testing.T) {
	s := NewMemoryStorage(1)
	rn, err := NewRawNode(testConfig(1, s))
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	_ = rn.Propose([]byte("a"))
	persistAndAdvance(t, rn, s)
	if st := rn.Status(); st.Applied != 3 || st.Applying != 3 {
		t.Fatalf("applied/applying %d/%d, want 3/3", st.Applied, st.Applying)
	}
	if err := rn.AdvanceApplied(2); err != nil || rn.Status().Applied != 3 {
		t.Fatalf("AdvanceApplied(2) = %v moved applied to %d", err, rn.Status().Applied)
	}
}

// With AsyncApply, a conf change handed out but not yet applied still
// blocks the next one, and it is the reported applied index that frees it.
func TestAsyncApplyGatesConfChanges(t *testing.T) {
	rn, s := newAsyncNode(t)
	persistAndAdvance(t, rn, s)
	_ = rn.AdvanceApplied(2)
	cc := &pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 2}
	if err := rn.ProposeConfChange(cc); err != nil {
		t.Fatal(err)
	}
	ents := persistAndAdvance(t, rn, s)
	if len(ents) != 1 || ents[0].Type != pb.EntryType_EntryConfChange {
		t.Fatalf("handed out %v, want the conf change", ents)
	}
	next := &pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 3}
	if err := rn.ProposeConfChange(next); !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("second conf change before the first was applied: %v, want ErrProposalDropped", err)
	}
	rn.ApplyConfChange(cc)
	if err := rn.AdvanceApplied(ents[0].Index); err != nil {
		t.Fatal(err)
	}
	if err := rn.ProposeConfChange(next); err != nil {
		t.Fatalf("second conf change after the first was applied: %v", err)
	}
}

// With AsyncApply, a follower that was handed a conf change it has not
// applied does not campaign.
func TestAsyncApplyUnappliedConfChangeBlocksCampaign(t *testing.T) {
	c := newRawClusterWith(t, 3, func(cfg *Config) { cfg.AsyncApply = true })
	_ = c.nodes[1].Campaign()
	c.settle(t)
	for id := uint64(1); id <= 3; id++ {
		_ = c.nodes[id].AdvanceApplied(c.nodes[id].Status().Applying)
	}
	if err := c.nodes[1].ProposeConfChange(&pb.ConfChange{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: 4}); err != nil {
		t.Fatal(err)
	}
	c.settle(t)
	st := c.nodes[2].Status()
	if st.Applying != st.Commit || st.Applied == st.Commit {
		t.Fatalf("node 2 applied/applying/commit %d/%d/%d, want the conf change handed out, not applied",
			st.Applied, st.Applying, st.Commit)
	}
	_ = c.nodes[2].Campaign()
	if got := c.nodes[2].Status().SoftState.RaftState; got != StateFollower {
		t.Fatalf("node 2 campaigned (%v) with an unapplied conf change", got)
	}
	_ = c.nodes[2].AdvanceApplied(st.Commit)
	_ = c.nodes[2].Campaign()
	if got := c.nodes[2].Status().SoftState.RaftState; got == StateFollower {
		t.Fatal("node 2 did not campaign after applying the conf change")
	}
}

// Pipelined apply for real: the raft goroutine persists and sends while
// another goroutine applies and reports back, under -race.
func TestAsyncApplyPipelined(t *testing.T) {
	const total = 2000
	rn, s := newAsyncNode(t)
	work := make(chan []*pb.Entry, 4)
	done := make(chan uint64, 4)
	var applied []uint64
	go func() {
		defer close(done)
		for ents := range work {
			for _, e := range ents {
				if len(e.Data) == 8 {
					applied = append(applied, binary.BigEndian.Uint64(e.Data))
				}
				time.Sleep(time.Microsecond) // a slow state machine
			}
			done <- ents[len(ents)-1].Index
		}
	}()
	deadline := time.After(30 * time.Second)
	proposed, reported, inFlight := 0, rn.Status().Applied, 0
	for proposed < total || inFlight > 0 {
		for i := 0; i < 16 && proposed < total; i++ {
			if err := rn.Propose(binary.BigEndian.AppendUint64(nil, uint64(proposed))); err != nil {
				t.Fatal(err)
			}
			proposed++
		}
		if rn.HasReady() {
			if ents := persistAndAdvance(t, rn, s); len(ents) > 0 {
				work <- ents // the applier keeps up to 4 batches queued
				inFlight++
			}
		}
		select {
		case idx := <-done:
			if err := rn.AdvanceApplied(idx); err != nil {
				t.Fatal(err)
			}
			reported = idx
			inFlight--
		case <-deadline:
			t.Fatal("pipelined apply did not finish")
		default:
			if proposed == total && inFlight > 0 {
				idx := <-done
				if err := rn.AdvanceApplied(idx); err != nil {
					t.Fatal(err)
				}
				reported = idx
				inFlight--
			}
		}
		if st := rn.Status(); st.Applied != reported {
			t.Fatalf("raft applied %d, but the applier reported %d", st.Applied, reported)
		}
	}
	close(work)
	<-done
	if len(applied) != total {
		t.Fatalf("applied %d proposals, want %d", len(applied), total)
	}
	for i, v := range applied {
		if v != uint64(i) {
			t.Fatalf("proposal %d applied at position %d: not exactly once in order", v, i)
		}
	}
	if st := rn.Status(); st.Applied != st.Commit {
		t.Fatalf("applied %d, commit %d after draining", st.Applied, st.Commit)
	}
}
