package raftstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// proposal is one write waiting for raft. It is owned by exactly one goroutine at a time
// (the raft loop, then the apply worker once its entry is handed out), and whoever owns it
// answers it, so every proposal gets exactly one answer.
type proposal struct {
	data        []byte
	cc          *pb.ConfChange           // a membership change; data is its encoding
	ccV2        *pb.ConfChangeV2         // a multi-peer membership change; data is its encoding
	resp        *raftcmdpb.AdminResponse // set by the apply worker for admin commands
	index, term uint64                   // 0 until bound to the log entry that carries it
	deadline    time.Time
	done        chan error // capacity 1
	store       *Store
}

func (p *proposal) answer(err error) {
	p.done <- err
	p.store.pending.Add(-1)
}

// readReq is one linearizable read waiting for a ReadIndex answer and for apply to catch up.
type readReq struct {
	deadline time.Time
	done     chan error // capacity 1
}

// readBatch is every read that shares one raft ReadIndex request.
type readBatch struct {
	ctx   uint64
	index uint64 // 0 until raft answers
	reqs  []*readReq
}

// peer is a region's replica on this store. Everything but status is owned by the raft loop.
type peer struct {
	regionID uint64
	meta     *metapb.Peer
	rn       *raft.RawNode
	ps       *peerStorage

	term     uint64
	leaderID uint64
	isLeader bool
	applied  uint64 // as reported by the apply worker

	unbound   []*proposal // proposed in this loop round, not yet seen in a Ready
	proposals []*proposal // bound, sorted by index, not yet handed to the apply worker

	newReads []*readReq
	reads    []*readBatch
	readSeq  uint64

	gcTicks       int
	ticked        uint64        // wall ticks since Store.tickBase its raft clock stands for
	compactedSeen uint64        // truncated index the cache and size estimate were last trimmed to
	handedOut     bool          // this round's committed entries already went to the apply worker
	unreachable   []unreachable // failed sends, reported to raft after Advance
	status        atomic.Pointer[RegionStatus]

	// peerCache remembers peers seen in messages, so an uninitialized peer (which knows
	// no region meta yet) can answer its leader.
	peerCache map[uint64]*metapb.Peer
	// gone is set once the apply worker deletes this replica's data (removed from the
	// region): readers check it after taking their engine snapshot.
	gone atomic.Bool
	// approxSize is the region's approximate key+value bytes; sizeKnown once a split
	// check has measured it; checking while a split check runs in the background.
	approxSize uint64
	sizeKnown  bool
	checking   bool
	splitTicks int
	// reportDue asks for a region heartbeat at the end of this round.
	reportDue bool
	// destroying: the apply worker was asked to erase this peer.
	destroying bool
	// awake: in the raft loop's awake set (ticked and polled for Readys).
	awake bool
}

func (p *peer) initialized() bool { return initialized(p.ps.region) }

// peerMeta finds a peer of the region by id, in the region or among peers seen in messages.
func (p *peer) peerMeta(id uint64) *metapb.Peer {
	if q := peerByID(p.ps.region, id); q != nil {
		return q
	}
	return p.peerCache[id]
}

type unreachable struct {
	to   uint64
	snap bool
}

// propose appends prop to the log if this peer leads; otherwise it answers NotLeader.
func (p *peer) propose(s *Store, prop *proposal) {
	if !p.isLeader {
		prop.answer(s.notLeader(p))
		return
	}
	var err error
	if prop.cc != nil || prop.ccV2 != nil {
		err = p.proposeConfChange(s, prop)
	} else {
		err = p.rn.Propose(prop.data)
	}
	if err != nil {
		if err == raft.ErrUncommittedFull {
			prop.answer(errBusy("raft log tail not yet committed is at its size limit"))
			return
		}
		if errors.Is(err, errConfRefused) {
			prop.answer(err)
			return
		}
		prop.answer(s.notLeader(p))
		return
	}
	prop.term = p.term
	p.unbound = append(p.unbound, prop)
}

// bind matches this round's proposals with the new entries of their term, in order.
// A proposal whose entry is not there was dropped from the log before it was ever sent
// (leadership was lost in the same round), so it was certainly not applied.
func (p *peer) bind(s *Store, ents []*pb.Entry) {
	if len(p.unbound) == 0 {
		return
	}
	i := 0
	for _, e := range ents {
		if i == len(p.unbound) {
			break
		}
		u := p.unbound[i]
		// Only one membership change is ever in flight, so its entry is matched by type.
		if e.Term == u.term && (bytes.Equal(e.Data, u.data) || (u.cc != nil && e.Type == pb.EntryType_EntryConfChange)) &&
			(u.ccV2 == nil) == (e.Type != pb.EntryType_EntryConfChangeV2) {
			u.index = e.Index
			p.insertProposal(u)
			i++
		}
	}
	for _, u := range p.unbound[i:] {
		u.answer(s.notLeader(p))
	}
	clear(p.unbound)
	p.unbound = p.unbound[:0]
}

func (p *peer) insertProposal(u *proposal) {
	n := len(p.proposals)
	if n == 0 || p.proposals[n-1].index < u.index {
		p.proposals = append(p.proposals, u)
		return
	}
	at, _ := slices.BinarySearchFunc(p.proposals, u.index, func(q *proposal, idx uint64) int {
		switch {
		case q.index < idx:
			return -1
		case q.index > idx:
			return 1
		}
		return 0
	})
	p.proposals = slices.Insert(p.proposals, at, u)
}

// takeProposals removes and returns the proposals at or below index (handed to apply).
func (p *peer) takeProposals(index uint64) []*proposal {
	n := 0
	for n < len(p.proposals) && p.proposals[n].index <= index {
		n++
	}
	if n == 0 {
		return nil
	}
	out := slices.Clone(p.proposals[:n])
	clear(p.proposals[:n])
	p.proposals = p.proposals[n:]
	return out
}

// expire answers Timeout for proposals and reads past their deadline.
func (p *peer) expire(now time.Time) {
	kept := p.proposals[:0]
	for _, q := range p.proposals {
		if now.After(q.deadline) {
			q.answer(errTimeout(p.regionID, "proposal not committed and applied in time"))
			continue
		}
		kept = append(kept, q)
	}
	clear(p.proposals[len(kept):])
	p.proposals = kept
	batches := p.reads[:0]
	for _, b := range p.reads {
		reqs := b.reqs[:0]
		for _, r := range b.reqs {
			if now.After(r.deadline) {
				r.done <- errTimeout(p.regionID, "read index not confirmed in time")
				continue
			}
			reqs = append(reqs, r)
		}
		b.reqs = reqs
		if len(reqs) > 0 {
			batches = append(batches, b)
		}
	}
	clear(p.reads[len(batches):])
	p.reads = batches
}

// flushReads sends one ReadIndex request for every read queued in this round.
func (p *peer) flushReads(s *Store) {
	if len(p.newReads) == 0 {
		return
	}
	reqs := p.newReads
	p.newReads = nil
	if !p.isLeader {
		failReads(reqs, s.notLeader(p))
		return
	}
	// Raft measures the lease in its ticks; a stalled loop drops ticks, so raft's clock
	// must first catch up with wall time or an expired lease would look valid.
	if s.cfg.LeaseReads {
		s.catchUpTicks(p, s.dueTicks(time.Now()))
	}
	p.readSeq++
	var ctx [8]byte
	binary.BigEndian.PutUint64(ctx[:], p.readSeq)
	if err := p.rn.ReadIndex(ctx[:]); err != nil {
		failReads(reqs, s.notLeader(p))
		return
	}
	p.reads = append(p.reads, &readBatch{ctx: p.readSeq, reqs: reqs})
}

func failReads(reqs []*readReq, err error) {
	for _, r := range reqs {
		r.done <- err
	}
}

// onReadStates records the read index raft confirmed for each batch.
func (p *peer) onReadStates(rss []raft.ReadState) {
	for _, rs := range rss {
		if len(rs.RequestCtx) != 8 {
			continue
		}
		ctx := binary.BigEndian.Uint64(rs.RequestCtx)
		for _, b := range p.reads {
			if b.ctx == ctx {
				b.index = rs.Index
			}
		}
	}
	p.releaseReads()
}

// releaseReads lets go every read whose index has been applied.
func (p *peer) releaseReads() {
	kept := p.reads[:0]
	for _, b := range p.reads {
		if b.index != 0 && b.index <= p.applied {
			failReads(b.reqs, nil)
			continue
		}
		kept = append(kept, b)
	}
	clear(p.reads[len(kept):])
	p.reads = kept
}

// failAllReads answers every pending read with err (leadership lost, store stopping).
func (p *peer) failAllReads(err error) {
	for _, b := range p.reads {
		failReads(b.reqs, err)
	}
	p.reads = nil
	failReads(p.newReads, err)
	p.newReads = nil
}

// peerByID finds a peer of the region by raft id.
func peerByID(r *metapb.Region, id uint64) *metapb.Peer {
	for _, q := range r.GetPeers() {
		if q.GetId() == id {
			return q
		}
	}
	return nil
}

// RegionStatus is a snapshot of one region peer's state, for tests, the harness and metrics.
type RegionStatus struct {
	// Region is the region as this store knows it (do not modify).
	Region *metapb.Region
	// PeerID is this store's peer of the region.
	PeerID uint64
	// LeaderID is the peer this store believes leads (0: unknown); IsLeader is whether it is PeerID.
	LeaderID uint64
	IsLeader bool
	// Term is the peer's current raft term.
	Term uint64
	// Commit, Applied, TruncatedIndex and LastIndex locate the peer's log: entries up to
	// TruncatedIndex are compacted away, Applied ≤ Commit ≤ LastIndex.
	Commit, Applied, TruncatedIndex, LastIndex uint64
}

func (p *peer) publish() {
	st := &RegionStatus{Region: p.ps.region, PeerID: p.meta.GetId(), LeaderID: p.leaderID, IsLeader: p.isLeader,
		Term: p.term, Commit: p.ps.raftState.GetHardState().GetCommit(), Applied: p.applied,
		TruncatedIndex: p.ps.trunc.index(), LastIndex: p.ps.raftState.LastIndex}
	if old := p.status.Load(); old != nil && *old == *st {
		return
	}
	p.status.Store(st)
}
