package schedlink

import (
	"context"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/raftstore"
)

var (
	_ raftstore.IDAllocator   = (*Link)(nil)
	_ raftstore.SplitReporter = (*Link)(nil)
)

// AskSplit implements raftstore.IDAllocator with the scheduler's AskBatchSplit (one split).
// The split itself reaches the scheduler through ReportSplit and the halves' heartbeats.
func (l *Link) AskSplit(ctx context.Context, region *metapb.Region) (uint64, []uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.RPCTimeout)
	defer cancel()
	ids, err := l.cli.AskBatchSplit(ctx, region, 1)
	if err != nil {
		return 0, nil, fmt.Errorf("schedlink: ask split of region %d: %w", region.GetId(), err)
	}
	if len(ids) != 1 || len(ids[0].GetNewPeerIds()) != len(region.GetPeers()) || ids[0].GetNewRegionId() == 0 {
		return 0, nil, errors.New("schedlink: scheduler answered AskBatchSplit with the wrong number of ids")
	}
	return ids[0].GetNewRegionId(), ids[0].GetNewPeerIds(), nil
}

// ReportSplit implements raftstore.SplitReporter: the store's own split checker split a
// region, and the scheduler hears of both halves with ReportBatchSplit, as for the splits
// it orders.
func (l *Link) ReportSplit(ctx context.Context, halves []*metapb.Region) {
	l.log.Debug("split region (size check)", "region", halves[0].GetId(), "new", halves[len(halves)-1].GetId())
	l.reportSplit(ctx, halves)
}
