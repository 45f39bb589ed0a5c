package raftstore

import (
	"context"
	"errors"
	"sync"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// IDAllocator hands out the ids a split needs: one new region id and one new peer id per
// peer of region (in the order of region.Peers). The scheduler client implements it;
// SeqIDAllocator serves tests. It is called from a background goroutine, never the raft
// loop, so it may block (bounded by ctx).
type IDAllocator interface {
	AskSplit(ctx context.Context, region *metapb.Region) (newRegionID uint64, newPeerIDs []uint64, err error)
}

// SplitReporter may also be implemented by Config.IDAllocator: once a split the store's
// own split checker proposed has applied on the leader, ReportSplit gets both halves (left,
// then right), so the scheduler learns the new region's range before its first heartbeat.
// It is called from a background goroutine and may block (bounded by ctx).
type SplitReporter interface {
	ReportSplit(ctx context.Context, halves []*metapb.Region)
}

// RegionReport is one region heartbeat: what the leader knows of its region.
type RegionReport struct {
	Region *metapb.Region // do not modify
	Leader *metapb.Peer
	// PendingPeers are peers that lag behind the leader's truncated log (they need a
	// snapshot) or trail its commit index by more than 256 entries.
	PendingPeers []*metapb.Peer
	// ApproximateSize is the region's key+value bytes, counted on apply and corrected by
	// the split checker's scans.
	ApproximateSize uint64
}

// RegionReporter receives region heartbeats from the raft loop. ReportRegion must not
// block (queue and return); the scheduler client implements it.
type RegionReporter interface {
	ReportRegion(r RegionReport)
}

// SeqIDAllocator is an in-memory IDAllocator handing out increasing ids from one counter,
// shared by every store of a test cluster.
type SeqIDAllocator struct {
	mu   sync.Mutex
	next uint64
}

// NewSeqIDAllocator returns an allocator whose first id is first.
func NewSeqIDAllocator(first uint64) *SeqIDAllocator { return &SeqIDAllocator{next: first} }

// AskSplit implements IDAllocator.
func (a *SeqIDAllocator) AskSplit(ctx context.Context, region *metapb.Region) (uint64, []uint64, error) {
	if len(region.GetPeers()) == 0 {
		return 0, nil, errors.New("raftstore: split of a region with no peers")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	id := a.next
	ids := make([]uint64, len(region.GetPeers()))
	for i := range ids {
		ids[i] = id + 1 + uint64(i)
	}
	a.next += 1 + uint64(len(ids))
	return id, ids, ctx.Err()
}

// Alloc returns one fresh id (for a peer added by a membership change).
func (a *SeqIDAllocator) Alloc() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.next++
	return a.next - 1
}
