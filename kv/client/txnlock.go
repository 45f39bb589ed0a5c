package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
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
