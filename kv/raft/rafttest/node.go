package rafttest

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// node is one simulated server: its disk (MemoryStorage) survives a
// crash, everything else is rebuilt from it on restart.
type node struct {
	id      uint64
	storage *raft.MemoryStorage
	rn      *raft.RawNode
	down    bool
	removed bool
	quiet   bool // hibernated after the last Ready (for Stats)

	// State machine: the set of proposal ids applied, plus membership.
	applied     uint64
	proposals   map[uint64]bool
	confState   *pb.ConfState
	snapshotGap uint64
	// queue holds what Readys handed out but the delayed applier has not
	// applied yet (AsyncApply); a crash loses it like any memory.
	queue []applyItem
}

// applyItem is one unit of delayed apply work: a snapshot or a batch of
// committed entries, in the order Readys produced them.
type applyItem struct {
	snap *pb.Snapshot
	ents []*pb.Entry
}

func newNode(id uint64, peers []uint64, rng *rand.Rand, o *Options) (*node, error) {
	n := &node{id: id, storage: raft.NewMemoryStorage(peers...), proposals: map[uint64]bool{},
		confState: &pb.ConfState{Voters: peers}, snapshotGap: o.SnapshotEvery}
	return n, n.start(rng, o)
}

// start (re)creates the RawNode from persisted state, like a process
// restart: the state machine is reloaded from the snapshot.
func (n *node) start(rng *rand.Rand, o *Options) error {
	snap, _ := n.storage.Snapshot()
	if err := n.loadSnapshot(snap); err != nil {
		return err
	}
	cfg := &raft.Config{
		ID: n.id, ElectionTick: o.ElectionTick, HeartbeatTick: o.HeartbeatTick, Storage: n.storage,
		Applied: n.applied, MaxSizePerMsg: o.MaxSizePerMsg, MaxInflightMsgs: o.MaxInflight,
		MaxUncommittedEntriesSize: o.MaxUncommitted, MaxCommittedSizePerReady: o.MaxCommittedPerReady,
		CheckQuorum: o.CheckQuorum, PreVote: o.PreVote, Logger: raft.DiscardLogger{}, AsyncApply: o.AsyncApply,
		Rand: rand.New(rand.NewPCG(rng.Uint64(), n.id)), LeaseDriftTicks: o.LeaseDrift,
		Hibernate: o.Hibernate,
	}
	if o.LeaseReads {
		cfg.ReadOnlyOption = raft.ReadOnlyLeaseBased
	}
	rn, err := raft.NewRawNode(cfg)
	if err != nil {
		return fmt.Errorf("node %d restart: %w", n.id, err)
	}
	n.rn = rn
	n.down = false
	n.queue = nil
	return nil
}

// loadSnapshot replaces the state machine with a snapshot's contents.
func (n *node) loadSnapshot(snap *pb.Snapshot) error {
	md := snap.GetMetadata()
	n.applied = md.GetIndex()
	n.proposals = map[uint64]bool{}
	data := snap.GetData()
	if len(data)%8 != 0 {
		return fmt.Errorf("node %d: snapshot data length %d is not a multiple of 8", n.id, len(data))
	}
	for i := 0; i < len(data); i += 8 {
		n.proposals[binary.BigEndian.Uint64(data[i:])] = true
	}
	if cs := md.GetConfState(); cs != nil {
		n.confState = proto.Clone(cs).(*pb.ConfState)
	}
	return nil
}

func (n *node) snapshotData() []byte {
	ids := make([]uint64, 0, len(n.proposals))
	for id := range n.proposals {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]byte, 0, 8*len(ids))
	for _, id := range ids {
		out = binary.BigEndian.AppendUint64(out, id)
	}
	return out
}

func (n *node) isMember() bool { return slices.Contains(members(n.confState), n.id) }

// members lists voters (both halves of a joint configuration) and learners.
func members(cs *pb.ConfState) []uint64 {
	out := slices.Concat(cs.GetVoters(), cs.GetVotersOutgoing(), cs.GetLearners())
	slices.Sort(out)
	return slices.Compact(out)
}

// persist writes a Ready's durable parts, as the contract demands, before
// anything is sent or applied. With async apply the state machine loads a
// snapshot later, in order with the entries before it.
func (n *node) persist(rd *raft.Ready, async bool) error {
	if rd.Snapshot != nil {
		if err := n.storage.ApplySnapshot(rd.Snapshot); err != nil {
			return fmt.Errorf("node %d ApplySnapshot: %w", n.id, err)
		}
		if !async {
			if err := n.loadSnapshot(rd.Snapshot); err != nil {
				return err
			}
		}
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		return fmt.Errorf("node %d Append: %w", n.id, err)
	}
	if rd.HardState != nil {
		return n.storage.SetHardState(rd.HardState)
	}
	return nil
}

// apply runs one committed entry through the state machine and returns
// the proposal id it carried (0 for none).
func (n *node) apply(e *pb.Entry) (uint64, error) {
	n.applied = e.Index
	switch {
	case e.Type == pb.EntryType_EntryConfChange:
		var cc pb.ConfChange
		if err := proto.Unmarshal(e.Data, &cc); err != nil {
			return 0, fmt.Errorf("node %d: bad conf change at %d: %w", n.id, e.Index, err)
		}
		n.confState = n.rn.ApplyConfChange(&cc)
	case e.Type == pb.EntryType_EntryConfChangeV2:
		var cc pb.ConfChangeV2
		if err := proto.Unmarshal(e.Data, &cc); err != nil {
			return 0, fmt.Errorf("node %d: bad conf change v2 at %d: %w", n.id, e.Index, err)
		}
		n.confState = n.rn.ApplyConfChangeV2(&cc)
	case len(e.Data) >= 8:
		id := binary.BigEndian.Uint64(e.Data)
		n.proposals[id] = true
		return id, nil
	}
	return 0, nil
}

// maybeCompact snapshots the state machine and trims the log now and then.
func (n *node) maybeCompact() error {
	snap, _ := n.storage.Snapshot()
	base := snap.GetMetadata().GetIndex()
	if n.snapshotGap == 0 || n.applied < base+n.snapshotGap {
		return nil
	}
	if _, err := n.storage.CreateSnapshot(n.applied, n.confState, n.snapshotData()); err != nil {
		return fmt.Errorf("node %d CreateSnapshot(%d): %w", n.id, n.applied, err)
	}
	// Keep a few entries so slightly lagging followers still get appends.
	if keep := n.applied - n.snapshotGap/2; keep > base {
		if err := n.storage.Compact(keep); err != nil {
			return fmt.Errorf("node %d Compact(%d): %w", n.id, keep, err)
		}
	}
	return nil
}

// log returns the persisted entries and the index/term before them.
func (n *node) log() (prevIndex, prevTerm uint64, ents []*pb.Entry) {
	first, _ := n.storage.FirstIndex()
	last, _ := n.storage.LastIndex()
	prevTerm, _ = n.storage.Term(first - 1)
	ents, _ = n.storage.Entries(first, last+1, 1<<62)
	return first - 1, prevTerm, ents
}
