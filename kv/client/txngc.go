package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
)

// gcLockBatch is how many locks GC asks a region for at once.
const gcLockBatch = 256

// gcLockBudget bounds GC's wait for one region's live locks older than the safe point.
const gcLockBudget = time.Minute

// GC resolves every lock at or below safePoint, region by region (waiting for live ones to
// finish or expire), then raises the cluster's GC safe point to safePoint through the
// scheduler; stores then remove the versions no read at or after safePoint can see. Pick a
// safePoint older than every running transaction's StartTS (for example a TSO timestamp
// minutes old). The scheduler never lowers the safe point: a smaller one is ignored.
func (c *Client) GC(ctx context.Context, safePoint uint64) error {
	if c.route == nil {
		return errors.New("client: GC needs a region-aware client (NewWithScheduler)")
	}
	if safePoint == 0 {
		return errors.New("client: GC safe point must be positive")
	}
	start := []byte{}
	bo := newLockBackoff(0, gcLockBudget)
	var prev *kvrpcpb.LockInfo // first lock of the last batch
	for {
		locks, regionEnd, err := c.scanLocks(ctx, start, safePoint)
		if err != nil {
			return fmt.Errorf("client: GC: %w", bo.explain(ctx, err))
		}
		if len(locks) > 0 {
			if prev != nil && !sameLock(prev, locks[0]) {
				bo.progress() // the last batch went: only a lock that stays uses up the budget
			}
			prev = locks[0]
			if err := c.resolveLocks(ctx, bo, locks); err != nil {
				return fmt.Errorf("client: GC: %w", err)
			}
			continue // the same range again: it may hold more
		}
		if len(regionEnd) == 0 {
			break
		}
		start, bo, prev = regionEnd, newLockBackoff(0, gcLockBudget), nil
	}
	if _, err := c.route.sched.UpdateGCSafePoint(ctx, safePoint); err != nil {
		return fmt.Errorf("client: GC: updating the safe point: %w", err)
	}
	return nil
}

// scanLocks returns up to gcLockBatch locks at or below maxTS from start in the region
// holding start, and that region's end key.
func (c *Client) scanLocks(ctx context.Context, start []byte, maxTS uint64) ([]*kvrpcpb.LockInfo, []byte, error) {
	var resp *kvrpcpb.KvScanLockResponse
	var end []byte
	err := c.routeKeys(ctx, [][]byte{start}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
		end = g.Region.Meta.GetEndKey()
		r, err := kv.KvScanLock(ctx, &kvrpcpb.KvScanLockRequest{Context: kctx, MaxVersion: maxTS, StartKey: start, Limit: gcLockBatch})
		resp = r
		return result{err: err, regionErr: r.GetRegionError()}
	})
	switch {
	case err != nil:
		return nil, nil, err
	case resp.GetError() != nil:
		return nil, nil, fmt.Errorf("scanning locks from key %q: %v", start, keyError(0, start, resp.GetError()))
	}
	return resp.GetLocks(), end, nil
}

func sameLock(a, b *kvrpcpb.LockInfo) bool {
	return a.GetLockVersion() == b.GetLockVersion() && bytes.Equal(a.GetKey(), b.GetKey())
}
