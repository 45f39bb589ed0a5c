package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
)

// Waiting for live locks: first delay, cap, and how many rounds in a row may retry at once
// after resolving locks (more means the same locks keep coming back: slow down).
const (
	lockWaitBase   = 5 * time.Millisecond
	lockWaitMax    = 500 * time.Millisecond
	eagerLockRetry = 3
)

// lockBackoff is one call's budget for waiting on other transactions' locks.
type lockBackoff struct {
	startTS  uint64
	budget   time.Duration
	deadline time.Time // set by the first wait
	delay    time.Duration
	eager    int
	last     *kvrpcpb.LockInfo // the last lock met, named when ctx ends
}

// lockWaitError is a call's context ending while it was held up by a lock; the message
// names the lock.
type lockWaitError struct{ err error }

func (e *lockWaitError) Error() string { return e.err.Error() }
func (e *lockWaitError) Unwrap() error { return e.err }

func (t *Txn) newLockBackoff() *lockBackoff {
	return newLockBackoff(t.startTS, t.opts.lockBudget)
}

func newLockBackoff(startTS uint64, budget time.Duration) *lockBackoff {
	return &lockBackoff{startTS: startTS, budget: budget, delay: lockWaitBase}
}

// progress restarts the budget: a long scan meeting locks now and then is not held to one
// budget for all of them.
func (b *lockBackoff) progress() {
	b.deadline, b.delay, b.eager = time.Time{}, lockWaitBase, 0
}

// wait sleeps before the request that met lock is retried: briefly when the locks were
// resolved, with growing delays while lock's owner is alive. Past the budget it returns a
// ConflictError naming the key and the lock; when ctx ends, ctx's error, naming them too.
func (b *lockBackoff) wait(ctx context.Context, lock *kvrpcpb.LockInfo, alive bool) error {
	if err := ctx.Err(); err != nil {
		return b.ctxErr(err, lock)
	}
	if b.deadline.IsZero() {
		b.deadline = time.Now().Add(b.budget)
	}
	if !alive && b.eager < eagerLockRetry {
		b.eager++
		return nil
	}
	d := jitter(b.delay)
	b.delay = min(2*b.delay, lockWaitMax)
	if time.Now().Add(d).After(b.deadline) {
		return &ConflictError{StartTS: b.startTS, Key: lock.GetKey(), Reason: fmt.Sprintf(
			"locked by %s, not resolved within the lock wait budget (%v)", lockString(lock), b.budget)}
	}
	if err := sleep(ctx, d); err != nil {
		return b.ctxErr(err, lock)
	}
	return nil
}

func (b *lockBackoff) ctxErr(err error, lock *kvrpcpb.LockInfo) error {
	return &lockWaitError{fmt.Errorf("client: txn %d: key %q locked by %s: %w", b.startTS, lock.GetKey(), lockString(lock), err)}
}

// explain names the last lock met in err when ctx ended after the call met a lock, so a
// deadline hit during a request rather than a wait still says what held the call up.
func (b *lockBackoff) explain(ctx context.Context, err error) error {
	var lw *lockWaitError
	if err == nil || b.last == nil || ctx.Err() == nil || errors.As(err, &lw) || errors.Is(err, ErrConflict) {
		return err
	}
	return b.ctxErr(err, b.last)
}

// txnStatus is what CheckTxnStatus said of a lock's transaction.
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
	now, err := c.route.sched.GetTS(ctx)
	if err != nil {
		return fmt.Errorf("client: txn %d: timestamp for resolving locks: %w", bo.startTS, err)
	}
	statuses := map[uint64]txnStatus{}
	type done struct{ ts, region uint64 }
	resolved := map[done]bool{}
	var alive *kvrpcpb.LockInfo
	for _, l := range locks {
		st, ok := statuses[l.GetLockVersion()]
		if !ok {
			if st, err = c.checkTxnStatus(ctx, l, now); err != nil {
				return err
			}
			statuses[l.GetLockVersion()] = st
		}
		if st.alive {
			alive, bo.last = l, l
			continue
		}
		// ResolveLock settles the transaction's locks in the whole region: once per region.
		var region uint64
		if r := c.route.cache.Cached(l.GetKey()); r != nil {
			region = r.ID()
		}
		if region != 0 && resolved[done{l.GetLockVersion(), region}] {
			continue
		}
		if err := c.resolveLockAt(ctx, l.GetKey(), l.GetLockVersion(), st.commitTS); err != nil {
			return err
		}
		resolved[done{l.GetLockVersion(), region}] = true
	}
	if alive != nil {
		return bo.wait(ctx, alive, true)
	}
	return bo.wait(ctx, locks[0], false)
}

// checkTxnStatus asks the region of l's primary key what became of l's transaction; an
// expired lock is rolled back by the check itself.
func (c *Client) checkTxnStatus(ctx context.Context, l *kvrpcpb.LockInfo, now uint64) (txnStatus, error) {
	primary := l.GetPrimaryLock()
	if len(primary) == 0 {
		return txnStatus{}, fmt.Errorf("client: lock on key %q of txn %d names no primary key", l.GetKey(), l.GetLockVersion())
	}
	var resp *kvrpcpb.KvCheckTxnStatusResponse
	err := c.routeKeys(ctx, [][]byte{primary}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, _ *regioncache.KeyGroup) result {
		r, err := kv.KvCheckTxnStatus(ctx, &kvrpcpb.KvCheckTxnStatusRequest{Context: kctx, PrimaryKey: primary,
			LockTs: l.GetLockVersion(), CurrentTs: now})
		resp = r
		return result{err: err, regionErr: r.GetRegionError()}
	})
	switch {
	case err != nil:
		return txnStatus{}, fmt.Errorf("client: checking txn %d (primary %q) for the lock on key %q: %v", l.GetLockVersion(), primary, l.GetKey(), err)
	case resp.GetError() != nil:
		return txnStatus{}, fmt.Errorf("client: checking txn %d (primary %q) for the lock on key %q: %v",
			l.GetLockVersion(), primary, l.GetKey(), keyError(l.GetLockVersion(), primary, resp.GetError()))
	case resp.GetCommitVersion() > 0:
		return txnStatus{commitTS: resp.GetCommitVersion()}, nil
	}
	return txnStatus{alive: resp.GetLockTtl() > 0}, nil
}

// resolveLockAt commits (commitTS > 0) or rolls back transaction startTS's locks in the
// region holding key.
func (c *Client) resolveLockAt(ctx context.Context, key []byte, startTS, commitTS uint64) error {
	var keyErr *kvrpcpb.KeyError
	err := c.routeKeys(ctx, [][]byte{key}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, _ *regioncache.KeyGroup) result {
		r, err := kv.KvResolveLock(ctx, &kvrpcpb.KvResolveLockRequest{Context: kctx, StartVersion: startTS, CommitVersion: commitTS})
		keyErr = r.GetError()
		return result{err: err, regionErr: r.GetRegionError()}
	})
	if err == nil && keyErr != nil {
		err = fmt.Errorf("%v", keyError(startTS, key, keyErr)) // not the caller's conflict
	}
	if err != nil {
		return fmt.Errorf("client: resolving txn %d's lock on key %q (commit ts %d): %w", startTS, key, commitTS, err)
	}
	return nil
}
