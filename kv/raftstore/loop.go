package raftstore

import (
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/raftstore/snap"
	"google.golang.org/protobuf/proto"
)

// run is the raft loop (see the package comment).
func (s *Store) run() {
	defer close(s.loopDone)
	ticker := time.NewTicker(s.cfg.TickInterval)
	defer ticker.Stop()
	gcEvery := max(1, int(s.cfg.RaftLogGCTickInterval/s.cfg.TickInterval))
	splitEvery := max(1, int(s.cfg.SplitCheckInterval/s.cfg.TickInterval))
	reportEvery := max(1, int(s.cfg.ReportInterval/s.cfg.TickInterval))
	checkEvery := max(1, int(s.cfg.LeaderCheckInterval/s.cfg.TickInterval))
	var batch []event
	for ticks := 0; ; {
		select {
		case <-s.stopCh:
			s.shutdown()
			return
		case <-ticker.C:
			ticks++
			s.tick(gcEvery, splitEvery, ticks%reportEvery == 0)
			if s.awake.on {
				s.expireProbes()
				if ticks%checkEvery == 0 {
					s.probeQuietLeaders()
				}
			}
		case <-s.mb.wake:
		}
		batch = s.mb.take(batch)
		for i := range batch {
			s.handle(&batch[i])
			batch[i] = event{}
		}
		s.handleReadies()
	}
}

func (s *Store) peersInOrder() []*peer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.order
}

func (s *Store) tick(gcEvery, splitEvery int, report bool) {
	now := time.Now()
	due := s.dueTicks(now)
	s.awake.ticks++
	s.awake.ticked = len(s.awake.peers)
	if report {
		// Quiet leaders still send their region heartbeats (the scheduler needs them).
		for _, p := range s.peersInOrder() {
			p.reportDue = p.reportDue || (!p.awake && p.isLeader)
		}
	}
	for _, p := range s.awake.peers {
		if p.ticked < due { // never ahead of wall time; dropped ticks are caught up by reads
			p.rn.Tick()
			p.ticked++
		}
		p.expire(now)
		if p.gcTicks++; p.gcTicks >= gcEvery {
			p.gcTicks = 0
			s.maybeCompactLog(p)
		}
		if p.splitTicks++; p.splitTicks >= splitEvery {
			p.splitTicks = 0
			s.maybeSplitCheck(p)
		}
		if report && p.isLeader {
			p.reportDue = true
		}
	}
}

// dueTicks is how many tick intervals of wall (monotonic) time passed since the loop started.
func (s *Store) dueTicks(now time.Time) uint64 {
	return uint64(now.Sub(s.tickBase) / s.cfg.TickInterval)
}

// catchUpTicks gives p's raft the ticks the loop missed (it stalled: the ticker drops
// ticks), at most ElectionTicks, which is enough to expire any lease and election timer.
// A leader's lease is ElectionTicks − drift ticks of its clock from the send of a
// heartbeat round a quorum answered; with the clock caught up, that is also wall time,
// while the followers' promise (ElectionTicks of their ticks, which never run ahead of
// wall time) is at least as long. Followers are not caught up: a dropped tick only
// lengthens their promise, and their elections stay as they were.
func (s *Store) catchUpTicks(p *peer, due uint64) {
	if p.ticked >= due {
		return
	}
	for n := min(due-p.ticked, uint64(s.cfg.ElectionTicks)); n > 0; n-- {
		p.rn.Tick()
	}
	p.ticked = due
}

func (s *Store) handle(e *event) {
	switch e.kind {
	case evRaftMsg:
		s.heardFrom(e.msg.GetFromPeer().GetStoreId())
		s.onRaftMessage(e.msg)
		if p := s.peer(e.region); p != nil {
			s.touch(p)
		}
		return
	case evStoreDown:
		s.onStoreDown(e.peerID)
		return
	case evAwakeCount:
		e.awakeReply <- [2]int{len(s.awake.peers), s.awake.ticked}
		return
	}
	p := s.peer(e.region)
	if p == nil {
		switch {
		case e.prop != nil:
			e.prop.answer(errRegionNotFound(e.region))
		case e.read != nil:
			e.read.done <- errRegionNotFound(e.region)
		case e.reply != nil:
			e.reply <- errRegionNotFound(e.region)
		}
		return
	}
	s.touch(p)
	switch e.kind {
	case evPropose:
		s.wakeForRequest(p)
		p.propose(s, e.prop)
	case evRead:
		s.wakeForRequest(p)
		p.newReads = append(p.newReads, e.read)
	case evUnreachable:
		s.maybeStoreDown(p.peerMeta(e.peerID).GetStoreId())
		if !quietLeader(p) {
			p.rn.ReportUnreachable(e.peerID)
		}
	case evSnapStatus:
		p.rn.ReportSnapshot(e.peerID, e.ok)
	case evApplied:
		s.onApplied(p, e.res)
	case evTransfer:
		s.wakeForRequest(p)
		s.onTransfer(p, e.peerID, e.reply)
	case evSplitCheck:
		s.onSplitPlan(p, e.split)
	case evReplaced:
		s.tellRemovedSender(p, e.msg)
	}
}

func (s *Store) onApplied(p *peer, res applyResult) {
	// Raft must see a membership change no later than the applied index that covers it.
	for _, cc := range res.confChanges {
		p.rn.ApplyConfChangeV2(cc)
	}
	if res.region != nil {
		p.ps.region = res.region
		p.reportDue = true
	}
	if res.destroyed {
		s.finishDestroy(p)
		return
	}
	if d := int64(p.approxSize) + res.sizeDiff; d > 0 {
		p.approxSize = uint64(d)
	}
	for _, r := range res.splits {
		s.onSplit(p, r)
	}
	if res.applied > p.applied {
		p.applied = res.applied
		if err := p.rn.AdvanceApplied(res.applied); err != nil {
			s.log.Warn("raftstore: apply progress refused by raft", "region", p.regionID, "err", err)
		}
	}
	if res.compacted {
		p.ps.onCompacted(p.compactedSeen)
		p.compactedSeen = p.ps.trunc.index()
	}
	p.releaseReads()
	p.publish()
}

// handleReadies persists every peer's Ready in one batch and one fsync, then sends,
// then hands committed entries to the apply worker.
func (s *Store) handleReadies() {
	mustSync := false
	for _, p := range s.awake.peers {
		p.flushReads(s)
		if !p.rn.HasReady() {
			continue
		}
		rd := p.rn.Ready()
		persistedLast, persistedHS := p.ps.raftState.LastIndex, p.ps.raftState.GetHardState()
		if err := s.persistReady(p, &rd); err != nil {
			panic(fmt.Sprintf("raftstore: region %d: persist ready: %v", p.regionID, err))
		}
		s.beforePersist(p, &rd, persistedLast, persistedHS)
		mustSync = mustSync || rd.MustSync || rd.Snapshot != nil
		s.readies = append(s.readies, readyOf{p, rd})
	}
	if !s.wb.Empty() {
		if err := s.eng.Write(s.wb, mustSync); err != nil {
			// Raft's promises (votes, acknowledged appends) rest on this write.
			panic(fmt.Sprintf("raftstore: store %d: raft state write failed: %v", s.cfg.StoreID, err))
		}
		s.wb.Reset()
	}
	for i := range s.readies {
		s.afterPersist(s.readies[i].p, &s.readies[i].rd)
		s.readies[i] = readyOf{}
	}
	s.readies = s.readies[:0]
	s.pruneAwake()
	s.sendReports()
}

func (s *Store) persistReady(p *peer, rd *raft.Ready) error {
	if rd.Snapshot != nil {
		if err := s.installSnapshot(p, rd.Snapshot); err != nil {
			return err
		}
	}
	if err := p.ps.append(s.wb, rd.Entries); err != nil {
		return err
	}
	if rd.HardState != nil {
		p.ps.setHardState(rd.HardState)
		p.term = rd.HardState.GetTerm()
	}
	if len(rd.Entries) > 0 || rd.HardState != nil || rd.Snapshot != nil {
		if err := p.ps.putRaftState(s.wb); err != nil {
			return err
		}
	}
	p.bind(s, rd.Entries)
	return nil
}

// installSnapshot waits for the apply worker to finish this region's queued entries (all
// below the snapshot), then puts the snapshot's data, apply, region and raft state into
// the loop's batch, so it lands atomically with the Ready.
func (s *Store) installSnapshot(p *peer, sn *pb.Snapshot) error {
	payload, err := snap.Decode(sn.GetData(), s.cfg.MaxSnapshotSize)
	if err != nil {
		return err // checked in OnRaftMessage; reaching here is a bug
	}
	barrier := make(chan struct{})
	s.applier.ch <- applyTask{barrier: barrier}
	<-barrier
	if err := p.ps.installSnapshot(s.wb, sn, payload); err != nil {
		return err
	}
	// Proposals below the snapshot may or may not be in it: their outcome is unknown.
	for _, q := range p.takeProposals(sn.GetMetadata().GetIndex()) {
		q.answer(errTimeout(p.regionID, "replaced by a snapshot before the command was applied"))
	}
	return nil
}

// beforePersist does, while the batch is still being written, the work that does not
// depend on it (Raft thesis §10.2.1): a leader's appends and heartbeats go out so followers
// persist in parallel with the leader (raft counts an acknowledgement only in a later round,
// after this write finished), and committed entries that were already durable before this
// Ready go to the apply worker. A Ready that changes term or vote, or installs a snapshot,
// keeps the plain order.
func (s *Store) beforePersist(p *peer, rd *raft.Ready, persistedLast uint64, persistedHS *pb.HardState) {
	if ss := rd.SoftState; ss != nil {
		wasLeader := p.isLeader
		p.leaderID, p.isLeader = ss.Lead, ss.RaftState == raft.StateLeader
		if wasLeader && !p.isLeader {
			p.failAllReads(s.notLeader(p))
		}
		p.reportDue = p.reportDue || p.isLeader != wasLeader
	}
	// A ReadState needs nothing persisted: it only says where reads may be served from.
	if len(rd.ReadStates) > 0 {
		p.onReadStates(rd.ReadStates)
	}
	if rd.Snapshot != nil || (rd.HardState != nil &&
		(rd.HardState.GetTerm() != persistedHS.GetTerm() || rd.HardState.GetVote() != persistedHS.GetVote())) {
		return
	}
	if p.isLeader {
		rest := rd.Messages[:0]
		for _, m := range rd.Messages {
			switch m.GetType() {
			case pb.MessageType_MsgApp, pb.MessageType_MsgHeartbeat, pb.MessageType_MsgSnap:
				s.send(p, m)
			default:
				rest = append(rest, m)
			}
		}
		clear(rd.Messages[len(rest):])
		rd.Messages = rest
	}
	if n := len(rd.CommittedEntries); n > 0 && rd.CommittedEntries[n-1].Index <= persistedLast {
		s.handOut(p, rd.CommittedEntries)
		p.handedOut = true
	}
}

func (s *Store) handOut(p *peer, ents []*pb.Entry) {
	last := ents[len(ents)-1].Index
	s.applier.ch <- applyTask{regionID: p.regionID, entries: ents, props: p.takeProposals(last)}
}

func (s *Store) afterPersist(p *peer, rd *raft.Ready) {
	if sn := rd.Snapshot; sn != nil {
		// Reset the apply worker's view before any entry after the snapshot reaches it.
		idx := sn.GetMetadata().GetIndex()
		p.compactedSeen = idx
		s.applier.ch <- applyTask{register: p.delegate(idx,
			&raftserverpb.RaftTruncatedState{Index: idx, Term: sn.GetMetadata().GetTerm()})}
		p.sizeKnown = false
		p.reportDue = true
	}
	for _, m := range rd.Messages {
		s.send(p, m)
	}
	if len(rd.CommittedEntries) > 0 && !p.handedOut {
		s.handOut(p, rd.CommittedEntries)
	}
	p.handedOut = false
	p.rn.Advance(*rd)
	for _, u := range p.unreachable {
		s.maybeStoreDown(p.peerMeta(u.to).GetStoreId())
		if quietLeader(p) {
			continue
		}
		p.rn.ReportUnreachable(u.to)
		if u.snap {
			p.rn.ReportSnapshot(u.to, false)
		}
	}
	p.unreachable = p.unreachable[:0]
	if sn := rd.Snapshot; sn != nil {
		idx := sn.GetMetadata().GetIndex()
		p.applied = max(p.applied, idx)
		if err := p.rn.AdvanceApplied(idx); err != nil {
			s.log.Warn("raftstore: snapshot apply progress refused by raft", "region", p.regionID, "err", err)
		}
		p.releaseReads()
	}
	p.publish()
}

func (s *Store) send(p *peer, m *pb.Message) {
	region := p.ps.region
	to := p.peerMeta(m.GetTo())
	if to == nil {
		return
	}
	rm := &raftserverpb.RaftMessage{RegionId: p.regionID, FromPeer: p.meta, ToPeer: to, Message: m,
		RegionEpoch: region.GetRegionEpoch(), StartKey: region.GetStartKey(), EndKey: region.GetEndKey()}
	if err := s.trans.Send(rm); err != nil {
		p.unreachable = append(p.unreachable, unreachable{m.GetTo(), m.GetType() == pb.MessageType_MsgSnap})
	}
}

// maybeCompactLog proposes a CompactLog when the leader's log passes a GC threshold. Below
// the thresholds it still trims what every follower already has, once that is a sizeable
// chunk; above them it compacts to the applied index even if a lagging follower then needs
// a snapshot. It reports whether it proposed.
func (s *Store) maybeCompactLog(p *peer) bool {
	if !p.isLeader {
		return false
	}
	first := p.ps.trunc.index() + 1
	if p.applied < first {
		return false
	}
	var compact uint64
	if p.applied-first+1 > s.cfg.RaftLogGCCountLimit || p.ps.logSize > s.cfg.RaftLogGCSizeLimit {
		compact = p.applied
	} else {
		minMatch := p.applied
		for id, pr := range p.rn.Status().Progress {
			if id != p.meta.GetId() {
				minMatch = min(minMatch, pr.Match)
			}
		}
		if minMatch < first || minMatch-first+1 < min(50, s.cfg.RaftLogGCCountLimit) {
			return false
		}
		compact = minMatch
	}
	term, err := p.ps.Term(compact)
	if err != nil {
		return false
	}
	req := &raftcmdpb.RaftCmdRequest{Header: &raftcmdpb.RaftRequestHeader{RegionId: p.regionID},
		AdminRequest: &raftcmdpb.AdminRequest{CmdType: raftcmdpb.AdminCmdType_CompactLog,
			CompactLog: &raftcmdpb.CompactLogRequest{CompactIndex: compact, CompactTerm: term}}}
	data, err := proto.Marshal(req)
	return err == nil && p.rn.Propose(data) == nil // best effort; the next GC tick retries
}

// shutdown answers everything still waiting on the loop.
func (s *Store) shutdown() {
	for _, e := range s.mb.take(nil) {
		switch {
		case e.prop != nil:
			e.prop.answer(errTimeout(e.region, "store stopped before the command was proposed"))
		case e.read != nil:
			e.read.done <- ErrStopped
		}
	}
	for _, p := range s.peersInOrder() {
		for _, q := range p.unbound {
			q.answer(errTimeout(p.regionID, "store stopped"))
		}
		p.unbound = nil
		for _, q := range p.proposals {
			q.answer(errTimeout(p.regionID, "store stopped before the command was applied"))
		}
		p.proposals = nil
		p.failAllReads(ErrStopped)
	}
}
