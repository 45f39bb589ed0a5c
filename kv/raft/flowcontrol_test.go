package raft

import (
	"errors"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// A leader cut off from every follower stops accepting proposals once its
// uncommitted tail reaches MaxUncommittedEntriesSize, and accepts again
// once the tail commits after healing.
func TestMaxUncommittedEntriesSize(t *testing.T) {
	const limit = 64 << 10
	c := newRawClusterWith(t, 3, func(cfg *Config) { cfg.MaxUncommittedEntriesSize = limit })
	_ = c.nodes[1].Campaign()
	c.settle(t)
	commit := c.nodes[1].Status().Commit
	c.down[2], c.down[3] = true, true

	payload := make([]byte, 1024)
	accepted := 0
	for i := range 100_000 {
		err := c.nodes[1].Propose(payload)
		switch {
		case err == nil:
			accepted++
		case !errors.Is(err, ErrProposalDropped):
			t.Fatalf("proposal %d: %v, want ErrProposalDropped", i, err)
		}
		if i%1000 == 999 {
			c.settle(t)
		}
	}
	c.settle(t)
	if want := limit / 1024; accepted != want {
		t.Fatalf("isolated leader accepted %d × 1 KiB proposals, want %d (limit %d bytes)", accepted, want, limit)
	}
	if st := c.nodes[1].Status(); st.Commit != commit || st.SoftState.RaftState != StateLeader {
		t.Fatalf("commit moved to %d (from %d) or leadership lost: %+v", st.Commit, commit, st.SoftState)
	}

	// Heal: the tail commits and is handed out, so proposals flow again.
	c.down[2], c.down[3] = false, false
	for range 3 {
		c.nodes[1].Tick()
		c.settle(t)
	}
	if st := c.nodes[1].Status(); st.Commit != commit+uint64(accepted) {
		t.Fatalf("after healing commit = %d, want %d", st.Commit, commit+uint64(accepted))
	}
	for i := range limit / 1024 {
		if err := c.nodes[1].Propose(payload); err != nil {
			t.Fatalf("proposal %d after healing: %v", i, err)
		}
	}
}

// One proposal larger than the limit is accepted when nothing is
// uncommitted, so a big command cannot wedge the leader; the next is not.
func TestMaxUncommittedEntriesSizeAdmitsOneWhenEmpty(t *testing.T) {
	peers := newPeers(t, 3, func(c *Config) { c.MaxUncommittedEntriesSize = 100 })
	nw := newNetwork(peers...)
	nw.campaign(t, 1)
	nw.isolate(1)
	big := &pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{{Data: make([]byte, 500)}}}
	if err := peers[0].Step(big); err != nil {
		t.Fatalf("first oversized proposal: %v", err)
	}
	small := &pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp, Entries: []*pb.Entry{{Data: []byte("x")}}}
	if err := peers[0].Step(small); !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("proposal over a full tail: %v, want ErrProposalDropped", err)
	}
	// A refused conf change must not block later ones.
	pending := peers[0].pendingConfIndex
	cc := &pb.Message{From: 1, To: 1, Type: pb.MessageType_MsgProp,
		Entries: []*pb.Entry{ccEntry(t, pb.ConfChangeType_ConfChangeAddNode, 4)}}
	if err := peers[0].Step(cc); !errors.Is(err, ErrUncommittedFull) {
		t.Fatalf("conf change over a full tail: %v", err)
	}
	if peers[0].pendingConfIndex != pending {
		t.Fatalf("refused conf change moved pendingConfIndex %d -> %d", pending, peers[0].pendingConfIndex)
	}
}

// CommittedEntries are split across Readys within MaxCommittedSizePerReady,
// in order, with an oversized entry delivered alone.
func TestMaxCommittedSizePerReady(t *testing.T) {
	const limit = 300
	s := NewMemoryStorage(1)
	cfg := testConfig(1, s)
	cfg.MaxCommittedSizePerReady = limit
	rn, err := NewRawNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	sizes := []int{100, 100, 100, 100, 1000, 10, 10, 100}
	for i, n := range sizes {
		data := make([]byte, n)
		data[0] = byte(i)
		if err := rn.Propose(data); err != nil {
			t.Fatal(err)
		}
	}
	var got []int
	var readys int
	for ; rn.HasReady(); readys++ {
		if readys > 100 {
			t.Fatal("Ready never drained")
		}
		rd := rn.Ready()
		_ = s.Append(rd.Entries)
		if rd.HardState != nil {
			_ = s.SetHardState(rd.HardState)
		}
		var size uint64
		for _, e := range rd.CommittedEntries {
			size += entSize(e)
			if len(e.Data) > 0 {
				got = append(got, int(e.Data[0]))
			}
		}
		if size > limit && len(rd.CommittedEntries) > 1 {
			t.Fatalf("Ready %d carried %d committed bytes in %d entries, limit %d",
				readys, size, len(rd.CommittedEntries), limit)
		}
		rn.Advance(rd)
	}
	if len(got) != len(sizes) {
		t.Fatalf("applied proposals %v, want all %d in order", got, len(sizes))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("applied proposals %v, want 0..%d in order", got, len(sizes)-1)
		}
	}
	if readys < 4 {
		t.Fatalf("%d Readys for %d bytes under a %d-byte limit: not split", readys, 1520, limit)
	}
}
