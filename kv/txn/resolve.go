package txn

import (
	"context"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// resolveBatch bounds the keys one ResolveLock or GC step latches and writes.
const resolveBatch = 256

// ResolveLock settles every lock of the transaction start_version in the request's
// region: it commits them at commit_version, or rolls them back when commit_version is
// 0. Other transactions' locks are left alone. It works in batches of keys; a KeyError
// (such as committing a key the transaction rolled back) stops it, with the batches
// before it applied. With keys, only those keys are settled, each where start_version
// still holds its lock (a key settled before, or locked by another transaction, is
// skipped), without scanning the region.
func (e *Executor) ResolveLock(ctx context.Context, req *kvrpcpb.KvResolveLockRequest) (*kvrpcpb.KvResolveLockResponse, error) {
	start, commit := req.GetStartVersion(), req.GetCommitVersion()
	if err := checkTS("start_version", start); err != nil {
		return nil, err
	}
	if commit != 0 && commit <= start {
		return nil, invalid("commit_version: %d must be 0 (roll back) or above start_version %d", commit, start)
	}
	if keys := req.GetKeys(); len(keys) > 0 {
		if err := checkKeys("keys", keys); err != nil {
			return nil, err
		}
		return e.resolveListed(ctx, req, distinct(keys))
	}
	var from []byte
	for {
		keys, more, err := e.lockedBy(ctx, req.GetContext(), start, from)
		if err != nil || len(keys) == 0 {
			return &kvrpcpb.KvResolveLockResponse{}, err
		}
		ke, err := e.write(ctx, req.GetContext(), keys, start, func(t *mvcc.MvccTxn) (keyErr, error) {
			return resolveKeys(t, keys, commit)
		})
		if ke != nil || err != nil || !more {
			return &kvrpcpb.KvResolveLockResponse{Error: ke}, err
		}
		from = append(append([]byte(nil), keys[len(keys)-1]...), 0)
	}
}

// lockedBy returns up to resolveBatch keys from from on that startTS has locked, and
// whether the scan stopped at the batch limit rather than at the end of the locks: a
// region scanned to its end is not scanned again to find nothing left.
func (e *Executor) lockedBy(ctx context.Context, kvctx *kvrpcpb.Context, startTS uint64, from []byte) ([][]byte, bool, error) {
	var keys [][]byte
	more := false
	err := e.read(ctx, kvctx, startTS, func(t *mvcc.MvccTxn) error {
		return eachLock(t.Reader(), from, func(key []byte, l *mvcc.Lock) bool {
			if l.Ts == startTS {
				keys = append(keys, key)
			}
			more = len(keys) == resolveBatch
			return !more
		})
	})
	return keys, more, err
}

// resolveKeys commits (commitTS > 0) or rolls back keys for t.StartTS.
func resolveKeys(t *mvcc.MvccTxn, keys [][]byte, commitTS uint64) (keyErr, error) {
	for _, k := range keys {
		var ke keyErr
		var err error
		if commitTS > 0 {
			ke, err = commitKey(t, k, commitTS)
		} else {
			ke, err = rollbackKey(t, k)
		}
		if ke != nil || err != nil {
			return ke, err
		}
	}
	return nil, nil
}

// resolveListed settles start_version's locks on keys, in one latched write.
func (e *Executor) resolveListed(ctx context.Context, req *kvrpcpb.KvResolveLockRequest, keys [][]byte) (*kvrpcpb.KvResolveLockResponse, error) {
	ke, err := e.write(ctx, req.GetContext(), keys, req.GetStartVersion(), func(t *mvcc.MvccTxn) (keyErr, error) {
		var held [][]byte
		for _, k := range keys {
			l, err := t.GetLock(k)
			if err != nil {
				return nil, err
			}
			if l != nil && l.Ts == t.StartTS {
				held = append(held, k)
			}
		}
		return resolveKeys(t, held, req.GetCommitVersion())
	})
	if err != nil {
		return nil, err
	}
	return &kvrpcpb.KvResolveLockResponse{Error: ke}, nil
}
