package schedlink

import (
	"context"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	raftpb "github.com/gee-project/gee/kv/raft/raftpb"
)

// cmdKey identifies one scheduler command for one region epoch: the scheduler re-sends a
// command on every heartbeat until it applies, and a repeat is ignored while one runs.
type cmdKey struct {
	region, confVer, version uint64
	transfer                 bool
	change                   raftpb.ConfChangeType
	peer                     uint64
}

// onHeartbeatResponse runs on the client's stream goroutine: it filters and hands the
// command to a bounded set of goroutines, never waiting.
func (l *Link) onHeartbeatResponse(resp *pb.RegionHeartbeatResponse) {
	st := l.getStore()
	if st == nil || (resp.GetChangePeer() == nil && resp.GetTransferLeader() == nil) {
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
	if tl := resp.GetTransferLeader(); tl != nil {
		key.transfer, key.peer = true, tl.GetPeer().GetId()
	} else {
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
