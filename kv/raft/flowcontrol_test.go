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
		Entries: []*pb.Entry{{Type: pb.EntryType_EntryConfChange, Data: []byte("cc")}}}
	if err := peers[0].Step(cc); !errors.Is(err, ErrUncommittedFull) {
		t.Fatalf("conf change over a full tail: %v", err)
	}
	if peers[0].pendingConfIndex != pending {
		t.Fatalf("refused conf change moved pendingConfIndex %d -> %d", pending, peers[0].pendingConfIndex)
	}
}
