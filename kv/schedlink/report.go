package schedlink

import (
	"errors"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/schedclient"
)

var _ raftstore.RegionReporter = (*Link)(nil)

// ReportRegion implements raftstore.RegionReporter: it queues a region heartbeat on the
// client's stream and never blocks (a full queue drops it; the next period re-reports).
func (l *Link) ReportRegion(r raftstore.RegionReport) {
	l.mu.Lock()
	l.sizes[r.Region.GetId()] = r.ApproximateSize
	l.mu.Unlock()
	req := &pb.RegionHeartbeatRequest{Region: r.Region, Leader: r.Leader, PendingPeers: r.PendingPeers,
		ApproximateSize: r.ApproximateSize}
	if err := l.cli.ReportRegion(req); err != nil && !errors.Is(err, schedclient.ErrHeartbeatQueueFull) && l.ctx.Err() == nil {
		l.log.Warn("region heartbeat not sent", "region", r.Region.GetId(), "err", err)
	}
}
