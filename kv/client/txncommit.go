package client

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
)

// Lock TTLs grow with the transaction's size, since a big prewrite takes longer.
const (
	ttlPerMiB = 2 * time.Second
	maxTTL    = time.Minute
)

// backgroundTimeout bounds committing the secondaries, or rolling back a failed
// transaction's locks, after Commit returned; what is left is resolved by later readers.
const backgroundTimeout = 10 * time.Second

// Commit writes the buffered changes with two-phase commit: prewrite (lock) every key, all
// regions in parallel; then commit the primary at a
// new timestamp, which commits the transaction; the secondaries are committed in the
// background. A read-only transaction commits at once. When every key is in one region
// (and fits one request) the store is asked for a one-phase commit, which takes the commit
// timestamp itself and writes no locks; a store that cannot falls back to locking. A *ConflictError means the
// transaction did not commit (its prewritten locks are rolled back in the background) and
// a new one may be tried; an *UndeterminedError means the primary's commit was sent but its
// outcome is unknown. Any other error also means the transaction did not commit.
func (t *Txn) Commit(ctx context.Context) error {
	muts, err := t.seal()
	if err != nil {
		return err
	}
	if len(muts) == 0 {
		t.setCommitTS(t.startTS)
		close(t.bg)
		return nil
	}
	keys := mutationKeys(muts)
	onePC := !t.opts.twoPC && len(mutationChunks(muts)) == 1
	commitTS, err := t.prewrite(ctx, muts, lockTTL(t.opts.ttl, muts), onePC)
	var u *UndeterminedError
	if errors.As(err, &u) {
		close(t.bg) // rolling back is harmless here but would tell nothing
		return err
	}
	if err != nil {
		t.background(func(ctx context.Context) { t.rollbackKeys(ctx, keys) })
		return err
	}
	if commitTS > 0 {
		t.setCommitTS(commitTS) // one-phase commit: done, and nothing is locked
		close(t.bg)
		return nil
	}
	commitTS, err = t.c.route.sched.GetTS(ctx)
	if err != nil {
		t.background(func(ctx context.Context) { t.rollbackKeys(ctx, keys) })
		return fmt.Errorf("client: txn %d: commit timestamp: %w", t.startTS, err)
	}
	if err := t.commitPrimary(ctx, keys[0], commitTS); err != nil {
		if errors.As(err, &u) {
			close(t.bg) // rolling back now could undo a commit that happened
		} else {
			t.background(func(ctx context.Context) { t.rollbackKeys(ctx, keys) })
		}
		return err
	}
	t.setCommitTS(commitTS)
	if len(keys) == 1 {
		close(t.bg)
		return nil
	}
	t.background(func(ctx context.Context) { t.commitKeys(ctx, keys[1:], commitTS) })
	return nil
}

// seal ends the transaction's buffering and returns its mutations in key order; the first
// key is the primary.
func (t *Txn) seal() ([]*kvrpcpb.Mutation, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return nil, ErrTxnDone
	}
	t.done = true
	muts := make([]*kvrpcpb.Mutation, 0, len(t.writes))
	for _, m := range t.writes {
		muts = append(muts, m)
	}
	t.writes = nil
	sort.Slice(muts, func(i, j int) bool { return string(muts[i].Key) < string(muts[j].Key) })
	return muts, nil
}

func (t *Txn) setCommitTS(ts uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.commitTS = ts
}

// background runs f with its own bounded context, after the caller's may have ended.
func (t *Txn) background(f func(ctx context.Context)) {
	go func() {
		defer close(t.bg)
		ctx, cancel := context.WithTimeout(context.Background(), backgroundTimeout)
		defer cancel()
		f(ctx)
	}()
}

func mutationKeys(muts []*kvrpcpb.Mutation) [][]byte {
	keys := make([][]byte, len(muts))
	for i, m := range muts {
		keys[i] = m.Key
	}
	return keys
}

// lockTTL is base plus ttlPerMiB for each MiB of keys and values, at most maxTTL (never
// below base), in milliseconds.
func lockTTL(base time.Duration, muts []*kvrpcpb.Mutation) uint64 {
	size := 0
	for _, m := range muts {
		size += len(m.Key) + len(m.Value)
	}
	ttl := base + time.Duration(float64(ttlPerMiB)*float64(size)/(1<<20))
	return uint64(max(base, min(ttl, maxTTL)).Milliseconds())
}

// prewrite locks every mutation, every region's group at once, the primary's included: only
// the primary's commit must come first. A reader meeting a secondary lock before the
// primary's is written rolls the transaction back (KvCheckTxnStatus writes a rollback
// record on the primary), so the primary's prewrite then fails and Commit reports a
// conflict; nothing half-committed can result. With onePC (muts fit one request) a request
// holding every mutation asks for a one-phase commit, and the commit version it got is
// returned (0: the keys are locked).
func (t *Txn) prewrite(ctx context.Context, muts []*kvrpcpb.Mutation, ttl uint64, onePC bool) (uint64, error) {
	primary := muts[0].Key
	for _, ch := range mutationChunks(muts) {
		commitTS, err := t.prewriteMutations(ctx, primary, muts[ch[0]:ch[1]], ttl, onePC)
		if err != nil || commitTS > 0 {
			return commitTS, err
		}
	}
	return 0, nil
}

// prewriteMutations sends one KvPrewrite per region, concurrently; a region that answered
// Locked wrote nothing and is sent again once the locks are resolved. A region's request
// holding all of muts asks for a one-phase commit when onePC is set; a failure after such a
// request may have been applied is an UndeterminedError.
func (t *Txn) prewriteMutations(ctx context.Context, primary []byte, muts []*kvrpcpb.Mutation, ttl uint64, onePC bool) (uint64, error) {
	bo := t.newLockBackoff()
	total := len(muts)
	var committed atomic.Uint64
	var maybeApplied atomic.Bool
	for len(muts) > 0 {
		var mu sync.Mutex
		var locks []*kvrpcpb.LockInfo
		var again []*kvrpcpb.Mutation
		var fatal error
		err := t.c.routeKeys(ctx, mutationKeys(muts), false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
			ms := make([]*kvrpcpb.Mutation, len(g.Index))
			for i, ix := range g.Index {
				ms[i] = muts[ix]
			}
			try := onePC && len(ms) == total
			r, err := kv.KvPrewrite(ctx, &kvrpcpb.KvPrewriteRequest{Context: kctx, Mutations: ms, PrimaryLock: primary,
				StartVersion: t.startTS, LockTtl: ttl, TryOnePc: try})
			if try && (err != nil || r.GetRegionError().GetTimeout() != nil || r.GetRegionError().GetStaleCommand() != nil) {
				maybeApplied.Store(true)
			}
			if v := r.GetOnePcCommitVersion(); v > 0 {
				committed.Store(v)
			}
			res := result{err: err, regionErr: r.GetRegionError()}
			if err != nil || r.GetRegionError() != nil || len(r.GetErrors()) == 0 {
				return res
			}
			mu.Lock()
			defer mu.Unlock()
			again = append(again, ms...)
			for _, e := range r.GetErrors() {
				if l := e.GetLocked(); l != nil {
					locks = append(locks, l)
				} else if fatal == nil {
					fatal = keyError(t.startTS, ms[0].Key, e)
				}
			}
			return res
		})
		if err != nil && maybeApplied.Load() {
			return 0, &UndeterminedError{StartTS: t.startTS, Primary: primary, Err: err}
		}
		if err := cmpErr(bo.explain(ctx, err), fatal); err != nil {
			return 0, err
		}
		if len(again) == 0 {
			return committed.Load(), nil
		}
		if err := t.c.resolveLocks(ctx, bo, locks); err != nil {
			return 0, err
		}
		muts = again
	}
	return 0, nil
}

// commitPrimary commits the primary key: its success commits the transaction. A failure
// after a request may have reached the store is an UndeterminedError.
func (t *Txn) commitPrimary(ctx context.Context, primary []byte, commitTS uint64) error {
	var maybeApplied atomic.Bool
	var keyErr *kvrpcpb.KeyError
	err := t.c.routeKeys(ctx, [][]byte{primary}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, _ *regioncache.KeyGroup) result {
		if err := ctx.Err(); err != nil {
			return result{err: err} // the caller gave up before this attempt: not sent
		}
		r, err := kv.KvCommit(ctx, &kvrpcpb.KvCommitRequest{Context: kctx, StartVersion: t.startTS,
			Keys: [][]byte{primary}, CommitVersion: commitTS})
		// A region error other than a proposal timeout is answered before proposing.
		if err != nil || r.GetRegionError().GetTimeout() != nil || r.GetRegionError().GetStaleCommand() != nil {
			maybeApplied.Store(true)
		}
		keyErr = r.GetError()
		return result{err: err, regionErr: r.GetRegionError()}
	})
	switch {
	case err != nil && maybeApplied.Load():
		return &UndeterminedError{StartTS: t.startTS, CommitTS: commitTS, Primary: primary, Err: err}
	case err != nil:
		return fmt.Errorf("client: txn %d: commit of primary %q (not applied): %w", t.startTS, primary, err)
	case keyErr != nil:
		return keyError(t.startTS, primary, keyErr)
	}
	return nil
}

// commitKeys commits secondaries, one request per region, ignoring failures: a reader that
// meets a lock left behind finds the primary committed and commits it.
func (t *Txn) commitKeys(ctx context.Context, keys [][]byte, commitTS uint64) {
	for _, ch := range keyChunks(keys) {
		t.commitChunk(ctx, keys[ch[0]:ch[1]], commitTS)
	}
}

func (t *Txn) commitChunk(ctx context.Context, keys [][]byte, commitTS uint64) {
	_ = t.c.routeKeys(ctx, keys, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
		r, err := kv.KvCommit(ctx, &kvrpcpb.KvCommitRequest{Context: kctx, StartVersion: t.startTS, Keys: g.Keys, CommitVersion: commitTS})
		return result{err: err, regionErr: r.GetRegionError()}
	})
}

// rollbackKeys rolls back a failed transaction's keys, ignoring failures: a lock left
// behind expires and is rolled back by whoever meets it.
func (t *Txn) rollbackKeys(ctx context.Context, keys [][]byte) {
	for _, ch := range keyChunks(keys) {
		t.rollbackChunk(ctx, keys[ch[0]:ch[1]])
	}
}

func (t *Txn) rollbackChunk(ctx context.Context, keys [][]byte) {
	_ = t.c.routeKeys(ctx, keys, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
		r, err := kv.KvBatchRollback(ctx, &kvrpcpb.KvBatchRollbackRequest{Context: kctx, StartVersion: t.startTS, Keys: g.Keys})
		return result{err: err, regionErr: r.GetRegionError()}
	})
}
