package raft

import (
	"slices"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// rawCluster runs RawNodes over MemoryStorage following the Ready
// contract, delivering messages synchronously.
type rawCluster struct {
	nodes   map[uint64]*RawNode
	storage map[uint64]*MemoryStorage
	applied map[uint64][][]byte
	queue   []*pb.Message
	down    map[uint64]bool
	reads   map[uint64][]ReadState
	// appliedIdx counts committed entries each node applied.
	appliedIdx map[uint64]uint64
	// shareMsgs skips copying messages (benchmarks: no node mutates what
	// a leader sends to followers).
	shareMsgs bool
	// tweak adjusts every node's Config before it starts.
	tweak func(*Config)
	order []uint64 // node ids, sorted
	// confs lists the memberships each node's applied conf changes left.
	confs map[uint64][]*pb.ConfState
}

func newRawCluster(t testing.TB, n int) *rawCluster {
	t.Helper()
	return newRawClusterWith(t, n, nil)
}

// newRawClusterWith is newRawCluster with tweak applied to every Config.
func newRawClusterWith(t testing.TB, n int, tweak func(*Config)) *rawCluster {
	t.Helper()
	c := &rawCluster{nodes: map[uint64]*RawNode{}, storage: map[uint64]*MemoryStorage{},
		applied: map[uint64][][]byte{}, down: map[uint64]bool{}, reads: map[uint64][]ReadState{},
		appliedIdx: map[uint64]uint64{}, tweak: tweak, confs: map[uint64][]*pb.ConfState{}}
	var ids []uint64
	for i := 1; i <= n; i++ {
		ids = append(ids, uint64(i))
	}
	for _, id := range ids {
		c.storage[id] = NewMemoryStorage(ids...)
		c.start(t, id, 0)
	}
	return c
}

func (c *rawCluster) start(t testing.TB, id, applied uint64) {
	t.Helper()
	cfg := testConfig(id, c.storage[id])
	cfg.Applied = applied
	cfg.MaxSizePerMsg = 1 << 20
	if c.tweak != nil {
		c.tweak(cfg)
	}
	rn, err := NewRawNode(cfg)
	if err != nil {
		t.Fatalf("NewRawNode(%d): %v", id, err)
	}
	c.nodes[id] = rn
	c.down[id] = false
	if !slices.Contains(c.order, id) {
		c.order = append(c.order, id)
		slices.Sort(c.order)
	}
}

// handle processes one Ready of node id in contract order.
func (c *rawCluster) handle(t testing.TB, id uint64) {
	t.Helper()
	rn, s := c.nodes[id], c.storage[id]
	rd := rn.Ready()
	if rd.Snapshot != nil {
		if err := s.ApplySnapshot(rd.Snapshot); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Append(rd.Entries); err != nil {
		t.Fatal(err)
	}
	if rd.HardState != nil {
		_ = s.SetHardState(rd.HardState)
	}
	c.queue = append(c.queue, rd.Messages...)
	c.reads[id] = append(c.reads[id], rd.ReadStates...)
	if !c.shareMsgs {
		for _, e := range rd.CommittedEntries {
			if e.Type == pb.EntryType_EntryNormal && len(e.Data) > 0 {
				c.applied[id] = append(c.applied[id], e.Data)
			}
		}
	}
	for _, e := range rd.CommittedEntries {
		if isConfChange(e) {
			cc, err := decodeConfChange(e)
			if err != nil {
				t.Fatal(err)
			}
			c.confs[id] = append(c.confs[id], rn.ApplyConfChangeV2(cc))
		}
	}
	c.appliedIdx[id] += uint64(len(rd.CommittedEntries))
	rn.Advance(rd)
}

// join starts node id with an empty log, as a store does for a peer that
// is being added: its first message from the leader brings a snapshot.
func (c *rawCluster) join(t testing.TB, id uint64) {
	t.Helper()
	c.storage[id] = NewMemoryStorage()
	c.start(t, id, 0)
}

// ids lists the nodes in id order.
func (c *rawCluster) ids() []uint64 { return c.order }

// settle runs Readys and message delivery until nothing is left.
func (c *rawCluster) settle(t testing.TB) {
	t.Helper()
	for round := 0; ; round++ {
		if round > 10_000 {
			t.Fatal("cluster did not settle")
		}
		busy := false
		for _, id := range c.ids() {
			if !c.down[id] && c.nodes[id].HasReady() {
				c.handle(t, id)
				busy = true
			}
		}
		msgs := c.queue
		c.queue = nil
		for _, m := range msgs {
			if c.nodes[m.To] != nil && !c.down[m.To] && !c.down[m.From] {
				if !c.shareMsgs {
					m = cloneMsg(m)
				}
				_ = c.nodes[m.To].Step(m)
				busy = true
			}
		}
		if !busy {
			return
		}
	}
}

func (c *rawCluster) leader() uint64 {
	for id, rn := range c.nodes {
		if !c.down[id] && rn.Status().SoftState.RaftState == StateLeader {
			return id
		}
	}
	return None
}
