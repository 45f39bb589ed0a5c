package raftstore

import (
	"bytes"
	"context"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	"google.golang.org/protobuf/proto"
)

// The split checker. The leader counts the bytes each apply writes into its region's
// approximate size; once that passes Config.RegionSplitSize (or is unknown, after a
// restart, a snapshot or a split), a background goroutine scans the region on a pebble
// snapshot: the exact size, and the key at the middle of the column family holding most
// bytes. If the region is too big it asks Config.IDAllocator for ids and the loop
// proposes the split, if the region's epoch has not moved meanwhile. An IDAllocator that
// is also a SplitReporter is told both halves once the split applied.

// splitPlan is a split check's outcome.
type splitPlan struct {
	epoch   *metapb.RegionEpoch // of the region scanned
	size    uint64              // measured key+value bytes (0: the scan failed)
	key     []byte              // split key; nil: no split
	newID   uint64
	peerIDs []uint64
}

// askSplitTimeout bounds the IDAllocator call of one split.
const askSplitTimeout = 5 * time.Second

func (s *Store) maybeSplitCheck(p *peer) {
	if !p.isLeader || p.checking || p.destroying || s.cfg.IDAllocator == nil || !p.initialized() {
		return
	}
	if p.sizeKnown && p.approxSize <= s.cfg.RegionSplitSize {
		return
	}
	p.checking = true
	region := p.ps.region
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		plan := s.planSplit(region)
		s.mb.push(event{kind: evSplitCheck, region: region.GetId(), split: plan})
	}()
}

// planSplit measures region and, if it is over the limit, picks the split key and asks for ids.
func (s *Store) planSplit(region *metapb.Region) *splitPlan {
	plan := &splitPlan{epoch: region.GetRegionEpoch()}
	es := s.eng.Snapshot()
	defer es.Close()
	sizes := map[string]uint64{}
	biggest := engine.CFDefault
	for _, cf := range engine.CFs {
		n, _, err := scanCF(es, cf, region, 0)
		if err != nil {
			s.log.Warn("raftstore: split check scan", "region", region.GetId(), "err", err)
			return plan
		}
		sizes[cf] = n
		plan.size += n
		if n > sizes[biggest] {
			biggest = cf
		}
	}
	if plan.size <= s.cfg.RegionSplitSize {
		return plan
	}
	_, key, err := scanCF(es, biggest, region, sizes[biggest]/2)
	if err != nil || key == nil {
		return plan
	}
	key = userSplitKey(biggest, key, region)
	ctx, cancel := s.stoppableCtx(askSplitTimeout)
	defer cancel()
	id, peerIDs, err := s.cfg.IDAllocator.AskSplit(ctx, region)
	if err != nil {
		s.log.Warn("raftstore: no ids for a split", "region", region.GetId(), "err", err)
		return plan
	}
	plan.key, plan.newID, plan.peerIDs = key, id, peerIDs
	return plan
}

// userSplitKey keeps a transactional key's versions in one region: a key of the default or
// write column family that is an MVCC key (kv/mvcc: escaped user key + timestamp) is cut
// back to its user key, which sorts below all its versions and above every smaller user
// key's (for keys without 0x00 bytes). A key that is not an MVCC key, or whose user key
// would not fall strictly inside the region, is kept as is: raw data splits anywhere.
func userSplitKey(cf string, key []byte, region *metapb.Region) []byte {
	if cf == engine.CFLock {
		return key
	}
	user, _, err := mvcc.DecodeKey(key)
	if err != nil || bytes.Compare(user, region.GetStartKey()) <= 0 {
		return key
	}
	return user
}

// scanCF sums the key+value bytes of region's keys in cf. With half > 0 it stops at the
// first key past the region's start at which the running sum reaches half, and returns it.
func scanCF(es *engine.Snapshot, cf string, region *metapb.Region, half uint64) (uint64, []byte, error) {
	it, err := es.NewCFIterator(cf, region.GetStartKey(), region.GetEndKey())
	if err != nil {
		return 0, nil, err
	}
	defer it.Close()
	var sum uint64
	for ; it.Valid(); it.Next() {
		sum += uint64(len(it.Key()) + len(it.Value()))
		if half > 0 && sum >= half && !bytes.Equal(it.Key(), region.GetStartKey()) {
			return sum, append([]byte(nil), it.Key()...), nil
		}
	}
	return sum, nil, it.Err()
}

// onSplitPlan takes a split check's outcome on the raft loop and proposes the split.
func (s *Store) onSplitPlan(p *peer, plan *splitPlan) {
	p.checking = false
	if plan.size > 0 {
		p.approxSize, p.sizeKnown = plan.size, true
	}
	if plan.key == nil || !p.isLeader || !proto.Equal(plan.epoch, p.ps.region.GetRegionEpoch()) {
		return
	}
	req := &raftcmdpb.RaftCmdRequest{Header: &raftcmdpb.RaftRequestHeader{RegionId: p.regionID, Peer: p.meta, RegionEpoch: plan.epoch},
		AdminRequest: &raftcmdpb.AdminRequest{CmdType: raftcmdpb.AdminCmdType_Split,
			Split: &raftcmdpb.SplitRequest{SplitKey: plan.key, NewRegionId: plan.newID, NewPeerIds: plan.peerIDs}}}
	data, err := proto.Marshal(req)
	if err != nil {
		return
	}
	s.pending.Add(1)
	prop := &proposal{data: data, deadline: time.Now().Add(s.cfg.ProposalTimeout), done: make(chan error, 1), store: s}
	s.log.Info("raftstore: proposing split", "region", p.regionID, "key", plan.key, "size", plan.size, "new", plan.newID)
	p.propose(s, prop) // a lost split is proposed again by a later check
	if rep, ok := s.cfg.IDAllocator.(SplitReporter); ok {
		s.bg.Add(1)
		go s.reportSplit(rep, prop)
	}
}

// reportSplit waits for the split checker's proposal and hands both halves to rep once it
// applied (off the raft loop: rep may block).
func (s *Store) reportSplit(rep SplitReporter, prop *proposal) {
	defer s.bg.Done()
	select {
	case err := <-prop.done:
		halves := prop.resp.GetSplit().GetRegions()
		if err != nil || len(halves) < 2 {
			return
		}
		ctx, cancel := s.stoppableCtx(askSplitTimeout)
		defer cancel()
		rep.ReportSplit(ctx, halves)
	case <-s.stopCh:
	}
}

// stoppableCtx is a context ending after d or when the store stops.
func (s *Store) stoppableCtx(d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	go func() {
		select {
		case <-s.stopCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
