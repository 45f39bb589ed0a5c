package client

import (
	"context"
	"fmt"
	"sync"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
)

// txnStatus is what CheckTxnStatus (or the client's cache) said of a lock's transaction.
type txnStatus struct {
	commitTS uint64 // > 0: committed
	alive    bool   // still locked within its TTL
}

// resolveLocks settles each lock whose transaction has finished (committed: commit it;
// rolled back or expired: roll it back), then waits on bo: briefly if every lock was
// settled, longer if one belongs to a live transaction.
func (c *Client) resolveLocks(ctx context.Context, bo *lockBackoff, locks []*kvrpcpb.LockInfo) error {
	bo.last = locks[0]
	return bo.explain(ctx, c.settleLocks(ctx, bo, locks))
}

func (c *Client) settleLocks(ctx context.Context, bo *lockBackoff, locks []*kvrpcpb.LockInfo) error {
	statuses, checked, err := c.lockStatuses(ctx, bo.startTS, locks)
	if err != nil {
		return err
	}
	var alive *kvrpcpb.LockInfo
	var txns []uint64 // finished transactions, in the order met
	keys := map[uint64][][]byte{}
	for _, l := range locks {
		ts := l.GetLockVersion()
		if statuses[ts].alive {
			alive, bo.last = l, l
			continue
		}
		if _, ok := keys[ts]; !ok {
			txns = append(txns, ts)
		}
		keys[ts] = append(keys[ts], l.GetKey())
	}
	err = parallel(len(txns), func(i int) error {
		return c.resolveTxnLocks(ctx, txns[i], statuses[txns[i]].commitTS, keys[txns[i]])
	})
	if err != nil {
		return err
	}
	switch {
	case alive != nil:
		return bo.wait(ctx, alive, true)
	case !checked:
		// Every lock was of a transaction known finished, now settled: read again at once.
		return nil
	}
	return bo.wait(ctx, locks[0], false)
}

// lockStatuses finds what became of each lock's transaction: from the client's cache of
// finished transactions, else by checking the distinct primaries in parallel (with one
// fresh timestamp as current_ts), caching the finished ones. checked says a primary was asked.
func (c *Client) lockStatuses(ctx context.Context, startTS uint64, locks []*kvrpcpb.LockInfo) (_ map[uint64]txnStatus, checked bool, _ error) {
	statuses := make(map[uint64]txnStatus, len(locks))
	var ask []*kvrpcpb.LockInfo // one lock per transaction not known finished
	for _, l := range locks {
		ts := l.GetLockVersion()
		if _, ok := statuses[ts]; ok {
			continue
		}
		if commitTS, ok := c.txnStatus.get(ts); ok {
			statuses[ts] = txnStatus{commitTS: commitTS}
			continue
		}
		statuses[ts] = txnStatus{alive: true} // placeholder until checked
		ask = append(ask, l)
	}
	if len(ask) == 0 {
		return statuses, false, nil
	}
	now, err := c.route.sched.GetTS(ctx)
	if err != nil {
		return nil, true, fmt.Errorf("client: txn %d: timestamp for resolving locks: %w", startTS, err)
	}
	got := make([]txnStatus, len(ask))
	err = parallel(len(ask), func(i int) error {
		var err error
		got[i], err = c.checkTxnStatus(ctx, ask[i], now)
		return err
	})
	if err != nil {
		return nil, true, err
	}
	for i, l := range ask {
		statuses[l.GetLockVersion()] = got[i]
		if !got[i].alive {
			c.txnStatus.put(l.GetLockVersion(), got[i].commitTS)
		}
	}
	return statuses, true, nil
}

// parallel runs f(0..n-1), up to maxGroupsInFlight at once, and returns the first error.
func parallel(n int, f func(i int) error) error {
	if n == 1 {
		return f(0)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxGroupsInFlight)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkTxnStatus asks the region of l's primary key what became of l's transaction; an
// expired lock is rolled back by the check itself. A primary with neither lock nor record
// (its prewrite, sent at the same time as l's, may not have applied yet) counts as alive
// until l's own TTL runs out; only then is the check asked to roll the transaction back.
func (c *Client) checkTxnStatus(ctx context.Context, l *kvrpcpb.LockInfo, now uint64) (txnStatus, error) {
	primary := l.GetPrimaryLock()
	if len(primary) == 0 {
		return txnStatus{}, fmt.Errorf("client: lock on key %q of txn %d names no primary key", l.GetKey(), l.GetLockVersion())
	}
	rollback := lockExpired(l, now)
	resp, err := c.askTxnStatus(ctx, l, primary, now, rollback)
	switch {
	case err != nil:
		return txnStatus{}, fmt.Errorf("client: checking txn %d (primary %q) for the lock on key %q: %w", l.GetLockVersion(), primary, l.GetKey(), err)
	case resp.GetError().GetTxnNotFound() != nil && !rollback:
		return txnStatus{alive: true}, nil // l is young: wait for the primary's prewrite
	case resp.GetError() != nil:
		return txnStatus{}, fmt.Errorf("client: checking txn %d (primary %q) for the lock on key %q: %v",
			l.GetLockVersion(), primary, l.GetKey(), keyError(l.GetLockVersion(), primary, resp.GetError()))
	case resp.GetCommitVersion() > 0:
		return txnStatus{commitTS: resp.GetCommitVersion()}, nil
	}
	return txnStatus{alive: resp.GetLockTtl() > 0}, nil
}

func (c *Client) askTxnStatus(ctx context.Context, l *kvrpcpb.LockInfo, primary []byte, now uint64, rollback bool) (*kvrpcpb.KvCheckTxnStatusResponse, error) {
	var resp *kvrpcpb.KvCheckTxnStatusResponse
	err := c.routeKeys(ctx, [][]byte{primary}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, _ *regioncache.KeyGroup) result {
		r, err := kv.KvCheckTxnStatus(ctx, &kvrpcpb.KvCheckTxnStatusRequest{Context: kctx, PrimaryKey: primary,
			LockTs: l.GetLockVersion(), CurrentTs: now, RollbackIfNotExist: rollback})
		resp = r
		return result{err: err, regionErr: r.GetRegionError()}
	})
	return resp, err
}

// lockExpired reports whether l's TTL (milliseconds from its start_ts) has run out at now, as
// the store's KvCheckTxnStatus counts it (a TTL so long that the deadline overflows never ends).
func lockExpired(l *kvrpcpb.LockInfo, now uint64) bool {
	deadline := schedclient.PhysicalMs(l.GetLockVersion()) + l.GetLockTtl()
	return deadline >= l.GetLockTtl() && schedclient.PhysicalMs(now) >= deadline
}

// resolveTxnLocks commits (commitTS > 0) or rolls back transaction startTS's locks in the
// regions holding keys, one KvResolveLock per region naming just those keys (TiKV's resolve lock
// lite: the store reads those locks instead of scanning the region's).
func (c *Client) resolveTxnLocks(ctx context.Context, startTS, commitTS uint64, keys [][]byte) error {
	var mu sync.Mutex
	var keyErr error
	err := c.routeKeys(ctx, keys, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
		r, err := kv.KvResolveLock(ctx, &kvrpcpb.KvResolveLockRequest{Context: kctx, StartVersion: startTS, CommitVersion: commitTS,
			Keys: g.Keys}) // only the locks met: no region scan
		if e := r.GetError(); e != nil {
			mu.Lock()
			keyErr = fmt.Errorf("%v", keyError(startTS, g.Keys[0], e)) // not the caller's conflict
			mu.Unlock()
		}
		return result{err: err, regionErr: r.GetRegionError()}
	})
	if err == nil {
		err = keyErr
	}
	if err != nil {
		return fmt.Errorf("client: resolving txn %d's locks on %d keys from %q (commit ts %d): %w", startTS, len(keys), keys[0], commitTS, err)
	}
	return nil
}
