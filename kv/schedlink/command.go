package schedlink

import (
	"bytes"
	"context"
	"sort"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	raftpb "github.com/gee-project/gee/kv/raft/raftpb"
)

// cmdKey identifies one scheduler command for one region epoch: the scheduler re-sends a
// command on every heartbeat until it applies, and a repeat is ignored while one runs.
type cmdKey struct {
	region, confVer, version uint64
	transfer, split          bool
	change                   raftpb.ConfChangeType
	peer                     uint64
}

// onHeartbeatResponse runs on the client's stream goroutine: it filters and hands the
// command to a bounded set of goroutines, never waiting.
func (l *Link) onHeartbeatResponse(resp *pb.RegionHeartbeatResponse) {
	st := l.getStore()
	if st == nil || (resp.GetChangePeer() == nil && resp.GetTransferLeader() == nil && resp.GetSplitRegion() == nil) {
		return
	}
	status, ok := st.RegionStatus(resp.GetRegionId())
	if !ok || !status.IsLeader {
		return // the leader elsewhere is sent the command too
	}
	ep, cur := resp.GetRegionEpoch(), status.Region.GetRegionEpoch()
	if ep != nil && (ep.GetConfVer() != cur.GetConfVer() || ep.GetVersion() != cur.GetVersion()) {
		return // stale: the scheduler recomputes from the next heartbeat
	}
	key := cmdKey{region: resp.GetRegionId(), confVer: cur.GetConfVer(), version: cur.GetVersion()}
	switch {
	case resp.GetTransferLeader() != nil:
		key.transfer, key.peer = true, resp.GetTransferLeader().GetPeer().GetId()
	case resp.GetSplitRegion() != nil:
		key.split = true
	default:
		key.change, key.peer = resp.GetChangePeer().GetChangeType(), resp.GetChangePeer().GetPeer().GetId()
	}
	if !l.claim(key) {
		return // a repeat of a running command, busy (the scheduler re-sends), or closed
	}
	go func() {
		defer l.wg.Done()
		defer func() { <-l.sem; l.release(key) }()
		l.execute(resp, cur)
	}()
}

// claim reserves a slot for k; under mu so that Close never waits while one is added.
func (l *Link) claim(k cmdKey) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inflight[k] || l.ctx.Err() != nil {
		return false
	}
	select {
	case l.sem <- struct{}{}:
	default:
		return false
	}
	l.inflight[k] = true
	l.wg.Add(1)
	return true
}

func (l *Link) release(k cmdKey) {
	l.mu.Lock()
	delete(l.inflight, k)
	l.mu.Unlock()
}

func (l *Link) execute(resp *pb.RegionHeartbeatResponse, epoch *metapb.RegionEpoch) {
	st := l.getStore()
	ctx, cancel := context.WithTimeout(l.ctx, l.cfg.CommandTimeout)
	defer cancel()
	id := resp.GetRegionId()
	if sp := resp.GetSplitRegion(); sp != nil {
		l.split(ctx, id, sp.GetSplitKeys())
		return
	}
	if tl := resp.GetTransferLeader(); tl != nil {
		l.log.Debug("transfer leader", "region", id, "to", tl.GetPeer().GetId())
		if err := st.TransferLeader(ctx, id, tl.GetPeer()); err != nil && l.ctx.Err() == nil {
			l.log.Warn("transfer leader failed", "region", id, "to", tl.GetPeer().GetId(), "err", err)
		}
		return
	}
	cp := resp.GetChangePeer()
	l.log.Debug("change peer", "region", id, "type", cp.GetChangeType().String(), "peer", cp.GetPeer().GetId(),
		"store", cp.GetPeer().GetStoreId())
	if _, err := st.ChangePeer(ctx, id, epoch, cp.GetChangeType(), cp.GetPeer()); err != nil && l.ctx.Err() == nil {
		l.log.Warn("change peer failed", "region", id, "type", cp.GetChangeType().String(),
			"peer", cp.GetPeer().GetId(), "store", cp.GetPeer().GetStoreId(), "err", err)
	}
}

// split splits region id at keys, highest first: the left half keeps the region id (and this
// store's leadership), so every later key is still inside it. Keys outside the region's current
// range are skipped; the split's halves reach the scheduler through their heartbeats and
// ReportBatchSplit.
func (l *Link) split(ctx context.Context, id uint64, keys [][]byte) {
	keys = append([][]byte(nil), keys...)
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i], keys[j]) > 0 })
	for _, k := range keys {
		status, ok := l.getStore().RegionStatus(id)
		if !ok || !status.IsLeader {
			return
		}
		r := status.Region
		if bytes.Compare(k, r.GetStartKey()) <= 0 || (len(r.GetEndKey()) > 0 && bytes.Compare(k, r.GetEndKey()) >= 0) {
			continue
		}
		newID, peerIDs, err := l.AskSplit(ctx, r)
		if err == nil {
			var halves []*metapb.Region
			halves, err = l.getStore().Split(ctx, id, r.GetRegionEpoch(), k, newID, peerIDs)
			if err == nil {
				l.log.Debug("split region", "region", id, "key", k, "new", newID)
				l.reportSplit(ctx, halves)
				continue
			}
		}
		if l.ctx.Err() == nil {
			l.log.Warn("split failed", "region", id, "key", k, "err", err)
		}
		return
	}
}

// reportSplit tells the scheduler both halves at once, so the new range resolves before the new
// region's leader reports; a failure only delays that until the heartbeats.
func (l *Link) reportSplit(ctx context.Context, halves []*metapb.Region) {
	if len(halves) < 2 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, l.cfg.RPCTimeout)
	defer cancel()
	if err := l.cli.ReportBatchSplit(ctx, halves); err != nil && l.ctx.Err() == nil {
		l.log.Warn("report split failed", "region", halves[0].GetId(), "err", err)
	}
}
