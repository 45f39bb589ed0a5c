package gee

import (
	"github.com/gee-project/gee/bench/kv/raftcmp"
	"math/rand/v2"
	"testing"

	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

type geeCluster struct {
	nodes   [4]*raft.RawNode // index by id; 0 unused
	storage [4]*raft.MemoryStorage
	count   [4]uint64
	data    [4][][]byte
	record  bool
	queue   []*pb.Message
}

func newGeeCluster(tb testing.TB, record bool) raftcmp.Cluster {
	c := &geeCluster{record: record}
	for id := uint64(1); id <= 3; id++ {
		c.storage[id] = raft.NewMemoryStorage(1, 2, 3)
		rn, err := raft.NewRawNode(&raft.Config{ID: id, ElectionTick: 10, HeartbeatTick: 1,
			Storage: c.storage[id], MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 256,
			CheckQuorum: true, PreVote: true, Logger: raft.DiscardLogger{},
			Rand: rand.New(rand.NewPCG(id, 1))})
		if err != nil {
			tb.Fatal(err)
		}
		c.nodes[id] = rn
	}
	if err := c.nodes[1].Campaign(); err != nil {
		tb.Fatal(err)
	}
	c.Settle(tb)
	if st := c.nodes[1].Status(); st.SoftState.RaftState != raft.StateLeader {
		tb.Fatalf("gee: node 1 is %v after campaigning", st.SoftState.RaftState)
	}
	return c
}

func (c *geeCluster) Propose(data []byte) error { return c.nodes[1].Propose(data) }

func (c *geeCluster) handle(tb testing.TB, id uint64) {
	rn, s := c.nodes[id], c.storage[id]
	rd := rn.Ready()
	if rd.Snapshot != nil {
		if err := s.ApplySnapshot(rd.Snapshot); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.Append(rd.Entries); err != nil {
		tb.Fatal(err)
	}
	if rd.HardState != nil {
		if err := s.SetHardState(rd.HardState); err != nil {
			tb.Fatal(err)
		}
	}
	c.queue = append(c.queue, rd.Messages...)
	if c.record {
		for _, e := range rd.CommittedEntries {
			if e.Type == pb.EntryType_EntryNormal && len(e.Data) > 0 {
				c.data[id] = append(c.data[id], e.Data)
			}
		}
	}
	c.count[id] += uint64(len(rd.CommittedEntries))
	rn.Advance(rd)
}

func (c *geeCluster) Settle(tb testing.TB) {
	for round := 0; ; round++ {
		if round > raftcmp.MaxRounds {
			tb.Fatal("gee: cluster did not settle")
		}
		busy := false
		for id := uint64(1); id <= 3; id++ {
			if c.nodes[id].HasReady() {
				c.handle(tb, id)
				busy = true
			}
		}
		msgs := c.queue
		c.queue = nil
		for _, m := range msgs {
			_ = c.nodes[m.To].Step(m)
			busy = true
		}
		if !busy {
			return
		}
	}
}

func (c *geeCluster) Applied(id uint64) uint64       { return c.count[id] }
func (c *geeCluster) AppliedData(id uint64) [][]byte { return c.data[id] }

func (c *geeCluster) Compact(tb testing.TB) {
	for id := uint64(1); id <= 3; id++ {
		applied := c.nodes[id].Status().Applied
		if _, err := c.storage[id].CreateSnapshot(applied, nil, nil); err != nil {
			tb.Fatal(err)
		}
		if err := c.storage[id].Compact(applied); err != nil {
			tb.Fatal(err)
		}
	}
}
