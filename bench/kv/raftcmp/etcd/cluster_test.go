package etcd

import (
	"github.com/gee-project/gee/bench/kv/raftcmp"
	"io"
	"log"
	"testing"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

var etcdDiscard = &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}

type etcdCluster struct {
	nodes   [4]*raft.RawNode
	storage [4]*raft.MemoryStorage
	count   [4]uint64
	data    [4][][]byte
	record  bool
	queue   []*pb.Message
}

func newEtcdCluster(tb testing.TB, record bool) raftcmp.Cluster {
	c := &etcdCluster{record: record}
	for id := uint64(1); id <= 3; id++ {
		s := raft.NewMemoryStorage()
		// Same starting point as kv/raft's NewMemoryStorage(1, 2, 3): a
		// snapshot at index 1, term 1 holding the voters.
		err := s.ApplySnapshot(&pb.Snapshot{Metadata: &pb.SnapshotMetadata{
			ConfState: &pb.ConfState{Voters: []uint64{1, 2, 3}},
			Index:     proto.Uint64(1), Term: proto.Uint64(1)}})
		if err != nil {
			tb.Fatal(err)
		}
		c.storage[id] = s
		rn, err := raft.NewRawNode(&raft.Config{ID: id, ElectionTick: 10, HeartbeatTick: 1,
			Storage: s, MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 256,
			CheckQuorum: true, PreVote: true, Logger: etcdDiscard})
		if err != nil {
			tb.Fatal(err)
		}
		c.nodes[id] = rn
	}
	if err := c.nodes[1].Campaign(); err != nil {
		tb.Fatal(err)
	}
	c.Settle(tb)
	if st := c.nodes[1].BasicStatus(); st.RaftState != raft.StateLeader {
		tb.Fatalf("etcd: node 1 is %v after campaigning", st.RaftState)
	}
	return c
}

func (c *etcdCluster) Propose(data []byte) error { return c.nodes[1].Propose(data) }

func (c *etcdCluster) handle(tb testing.TB, id uint64) {
	rn, s := c.nodes[id], c.storage[id]
	rd := rn.Ready()
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := s.ApplySnapshot(rd.Snapshot); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.Append(rd.Entries); err != nil {
		tb.Fatal(err)
	}
	if !raft.IsEmptyHardState(rd.HardState) {
		if err := s.SetHardState(rd.HardState); err != nil {
			tb.Fatal(err)
		}
	}
	c.queue = append(c.queue, rd.Messages...)
	if c.record {
		for _, e := range rd.CommittedEntries {
			if e.GetType() == pb.EntryType_EntryNormal && len(e.GetData()) > 0 {
				c.data[id] = append(c.data[id], e.GetData())
			}
		}
	}
	c.count[id] += uint64(len(rd.CommittedEntries))
	rn.Advance(rd)
}

func (c *etcdCluster) Settle(tb testing.TB) {
	for round := 0; ; round++ {
		if round > raftcmp.MaxRounds {
			tb.Fatal("etcd: cluster did not settle")
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
			_ = c.nodes[m.GetTo()].Step(m)
			busy = true
		}
		if !busy {
			return
		}
	}
}

func (c *etcdCluster) Applied(id uint64) uint64       { return c.count[id] }
func (c *etcdCluster) AppliedData(id uint64) [][]byte { return c.data[id] }

func (c *etcdCluster) Compact(tb testing.TB) {
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
