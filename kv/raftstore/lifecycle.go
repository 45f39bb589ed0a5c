package raftstore

import (
	"fmt"
	"math"
	"slices"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// Peer lifecycle on the raft loop: a peer is created by bootstrap, by a split, or (empty,
// "uninitialized") by the first message of a leader that added it; it is destroyed when
// it applies its own removal, when a newer peer of its region arrives for this store, or
// when a member of the region tells it (a tombstone message) that it was removed.

// onRaftMessage routes one peer message (raft loop).
func (s *Store) onRaftMessage(msg *raftserverpb.RaftMessage) {
	p := s.peer(msg.GetRegionId())
	if msg.GetIsTombstone() {
		if p != nil && p.meta.GetId() == msg.GetToPeer().GetId() && p.initialized() &&
			msg.GetRegionEpoch().GetConfVer() > p.ps.region.GetRegionEpoch().GetConfVer() {
			s.requestDestroy(p, msg.GetRegionEpoch())
		}
		return
	}
	if p == nil {
		if p = s.maybeCreatePeer(msg); p == nil {
			return
		}
	}
	if to := msg.GetToPeer().GetId(); to != p.meta.GetId() {
		// A newer peer of this region was added on this store: the local one was removed
		// without hearing of it.
		if to > p.meta.GetId() && msg.GetRegionEpoch().GetConfVer() > p.ps.region.GetRegionEpoch().GetConfVer() {
			s.requestDestroy(p, nil) // the tombstone keeps the old peer's id: the new one is above it
		}
		return
	}
	if s.tellRemovedSender(p, msg) {
		return
	}
	from := msg.GetFromPeer()
	if p.peerCache == nil {
		p.peerCache = map[uint64]*metapb.Peer{}
	}
	p.peerCache[from.GetId()] = from
	m := msg.GetMessage()
	if sn := m.GetSnapshot(); sn != nil && m.GetType() == pb.MessageType_MsgSnap {
		if region := snapshotRegion(sn, s.cfg.MaxSnapshotSize); region == nil || s.overlapsOthers(p.regionID, region) {
			s.log.Debug("raftstore: snapshot overlapping another region dropped", "region", p.regionID)
			return
		}
	}
	if err := p.rn.Step(m); err != nil {
		s.log.Debug("raftstore: raft message dropped", "region", p.regionID, "err", err)
	}
}

// tellRemovedSender sends a tombstone message to msg's sender if p's region shows it was
// removed (a removed peer that does not know it yet) and reports whether it did. An empty
// sender (epoch 0) may be a member p has not heard of yet: only an initialized sender with
// an older epoch is known to be removed.
func (s *Store) tellRemovedSender(p *peer, msg *raftserverpb.RaftMessage) bool {
	from, cv := msg.GetFromPeer(), msg.GetRegionEpoch().GetConfVer()
	if !p.initialized() || peerByID(p.ps.region, from.GetId()) != nil || cv == 0 ||
		cv >= p.ps.region.GetRegionEpoch().GetConfVer() {
		return false
	}
	s.sendTombstone(p, from)
	return true
}

// maybeCreatePeer creates the empty peer a leader's (or candidate's) message is addressed to, unless the
// region was destroyed here at this epoch or later (a stale message), or the message's
// range overlaps a region this store hosts (it has not applied a split yet; it creates
// that peer itself when it does).
func (s *Store) maybeCreatePeer(msg *raftserverpb.RaftMessage) *peer {
	// A vote request creates one too: a peer added but still empty when its store
	// restarted is gone from memory, and without its vote the group may have no quorum
	// to elect the leader that would recreate it.
	switch msg.GetMessage().GetType() {
	case pb.MessageType_MsgApp, pb.MessageType_MsgHeartbeat, pb.MessageType_MsgSnap,
		pb.MessageType_MsgVote, pb.MessageType_MsgPreVote:
	default:
		return nil
	}
	var st raftserverpb.RegionLocalState
	if err := getProto(s.eng, engine.RegionStateKey(msg.GetRegionId()), &st); err != nil {
		s.log.Warn("raftstore: read region state", "region", msg.GetRegionId(), "err", err)
		return nil
	}
	if st.GetRegion() != nil && st.GetState() != raftserverpb.PeerState_Tombstone {
		return nil
	}
	if st.GetRegion() != nil && staleForTombstone(msg, st.GetRegion()) {
		s.tellRemoved(msg, st.GetRegion())
		return nil
	}
	probe := &metapb.Region{Id: msg.GetRegionId(), StartKey: msg.GetStartKey(), EndKey: msg.GetEndKey()}
	if s.overlapsOthers(msg.GetRegionId(), probe) {
		return nil
	}
	p, err := s.createPeer(&metapb.Region{Id: msg.GetRegionId()}, msg.GetToPeer())
	if err != nil {
		s.log.Warn("raftstore: create peer", "region", msg.GetRegionId(), "err", err)
		return nil
	}
	s.log.Debug("raftstore: peer created by a leader's message", "region", p.regionID, "peer", p.meta.GetId())
	return p
}

// staleForTombstone reports whether msg predates the destruction of this store's peer
// of its region: an older epoch, or a peer id not above the destroyed one (ids only grow).
func staleForTombstone(msg *raftserverpb.RaftMessage, tomb *metapb.Region) bool {
	ep, te := msg.GetRegionEpoch(), tomb.GetRegionEpoch()
	if ep.GetConfVer() < te.GetConfVer() || ep.GetVersion() < te.GetVersion() {
		return true
	}
	old := peerOnStore(tomb, msg.GetToPeer().GetStoreId())
	return old != nil && msg.GetToPeer().GetId() <= old.GetId()
}

// tellRemoved answers a message that reached this store's tombstone of its region from a
// peer the tombstone shows was removed, so that peer destroys itself instead of
// campaigning alone forever (it may have been cut off when it was removed, and the
// members it still knows may all be gone). Only a tombstone written by applying this
// store's own removal is trusted: its meta is exact. One written when a newer peer or a
// tombstone message replaced the local peer may lack members added since.
func (s *Store) tellRemoved(msg *raftserverpb.RaftMessage, tomb *metapb.Region) {
	from, cv := msg.GetFromPeer(), msg.GetRegionEpoch().GetConfVer()
	if peerOnStore(tomb, s.cfg.StoreID) != nil || peerByID(tomb, from.GetId()) != nil ||
		cv == 0 || cv >= tomb.GetRegionEpoch().GetConfVer() {
		return
	}
	_ = s.trans.Send(&raftserverpb.RaftMessage{RegionId: msg.GetRegionId(), FromPeer: msg.GetToPeer(), ToPeer: from,
		IsTombstone: true, RegionEpoch: tomb.GetRegionEpoch()})
}

// overlapsOthers reports whether r's range overlaps an initialized region other than id.
func (s *Store) overlapsOthers(id uint64, r *metapb.Region) bool {
	for _, q := range s.peersInOrder() {
		if q.regionID != id && q.initialized() && rangesOverlap(q.ps.region, r) {
			return true
		}
	}
	return false
}

func (s *Store) sendTombstone(p *peer, to *metapb.Peer) {
	_ = s.trans.Send(&raftserverpb.RaftMessage{RegionId: p.regionID, FromPeer: p.meta, ToPeer: to, IsTombstone: true,
		RegionEpoch: p.ps.region.GetRegionEpoch()})
}

// requestDestroy asks the apply worker to erase p (after what it already holds); the loop
// finishes when the worker reports it destroyed.
func (s *Store) requestDestroy(p *peer, epoch *metapb.RegionEpoch) {
	if p.destroying {
		return
	}
	p.destroying = true
	s.log.Info("raftstore: destroying a stale peer", "region", p.regionID, "peer", p.meta.GetId())
	s.applier.ch <- applyTask{regionID: p.regionID, destroy: true, epoch: epoch}
}

// finishDestroy removes a peer whose data the apply worker erased: the raft log goes (the
// raft state keeps only term and vote), waiting writes are answered Timeout (they may apply on the
// remaining peers) and reads RegionNotFound.
func (s *Store) finishDestroy(p *peer) {
	// Commands in the log may still apply on the remaining peers.
	err := errTimeout(p.regionID, "this peer was removed before applying the command")
	for _, q := range p.unbound {
		q.answer(err)
	}
	p.unbound = nil
	for _, q := range p.proposals {
		q.answer(err)
	}
	p.proposals = nil
	p.failAllReads(errRegionNotFound(p.regionID))
	// Written now, not with the round's batch: a new peer of the region may be created by
	// a message later in this same round and must not load the old raft state.
	// The term and vote stay: should a peer of the same id ever be created here again,
	// it must not vote twice in a term.
	wb := s.eng.NewBatch()
	lo, hi := engine.RaftLogRange(p.regionID, 0, math.MaxUint64)
	wb.DeleteRange(lo, hi)
	hs := p.ps.raftState.GetHardState()
	v, err := proto.Marshal(&raftserverpb.RaftLocalState{HardState: &pb.HardState{Term: hs.GetTerm(), Vote: hs.GetVote()}})
	if err != nil {
		panic(fmt.Sprintf("raftstore: encode raft state: %v", err))
	}
	wb.PutRaw(engine.RaftStateKey(p.regionID), v)
	if err := s.eng.Write(wb, true); err != nil {
		panic(fmt.Sprintf("raftstore: store %d: delete raft state of region %d: %v", s.cfg.StoreID, p.regionID, err))
	}
	_ = wb.Close()
	s.mu.Lock()
	delete(s.peers, p.regionID)
	s.order = slices.DeleteFunc(slices.Clone(s.order), func(q *peer) bool { return q == p })
	s.mu.Unlock()
	s.log.Info("raftstore: peer destroyed", "region", p.regionID, "peer", p.meta.GetId())
}

// onSplit creates this store's peer of a region split off parent (the apply worker wrote
// its initial state). A peer that already exists here came from a snapshot newer than the
// split and is kept.
func (s *Store) onSplit(parent *peer, right *metapb.Region) {
	if s.peer(right.GetId()) != nil {
		return
	}
	var st raftserverpb.RegionLocalState
	if err := getProto(s.eng, engine.RegionStateKey(right.GetId()), &st); err != nil || st.GetRegion() == nil ||
		st.GetState() != raftserverpb.PeerState_Normal {
		return
	}
	self := peerOnStore(st.GetRegion(), s.cfg.StoreID)
	if self == nil {
		return
	}
	p, err := s.createPeer(st.GetRegion(), self)
	if err != nil {
		s.log.Error("raftstore: create split peer", "region", right.GetId(), "err", err)
		return
	}
	half := parent.approxSize / 2
	parent.approxSize, p.approxSize = half, half
	parent.sizeKnown = false
	if parent.isLeader {
		// The parent's leader is likely the most up to date: campaign at once rather than
		// waiting an election timeout with the new range unavailable.
		_ = p.rn.Campaign()
	}
	p.reportDue = true
}

// cleanTombstone deletes the log and apply state a crash left behind a tombstone (the loop
// deletes them after the apply worker wrote the tombstone; a crash in between leaves both).
// The raft state may belong to a newer, still empty peer of the region on this store: its
// term and vote are kept (a vote must never be forgotten), the rest is reset.
func cleanTombstone(eng *engine.Engine, wb *engine.WriteBatch, regionID uint64) error {
	lo, hi := engine.RaftLogRange(regionID, 0, math.MaxUint64)
	wb.DeleteRange(lo, hi)
	wb.DeleteRaw(engine.ApplyStateKey(regionID))
	var rs raftserverpb.RaftLocalState
	if err := getProto(eng, engine.RaftStateKey(regionID), &rs); err != nil || rs.HardState == nil {
		return err
	}
	hs := rs.GetHardState()
	v, err := proto.Marshal(&raftserverpb.RaftLocalState{HardState: &pb.HardState{Term: hs.GetTerm(), Vote: hs.GetVote()}})
	if err != nil {
		return err
	}
	wb.PutRaw(engine.RaftStateKey(regionID), v)
	return nil
}
