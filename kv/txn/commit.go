package txn

import (
	"context"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// Commit is 2PC's second phase: for each key locked by start_version it removes the
// lock and writes a record at commit_version. It is idempotent: a key already committed
// by this transaction is left alone. A key where the transaction was rolled back answers
// Abort; a key locked by another transaction, or with neither this transaction's lock nor
// its record ("txn lock not found", as TiKV), answers Retryable. On an error nothing is
// written.
func (e *Executor) Commit(ctx context.Context, req *kvrpcpb.KvCommitRequest) (*kvrpcpb.KvCommitResponse, error) {
	if err := checkCommit(req); err != nil {
		return nil, err
	}
	keys := distinct(req.GetKeys())
	resp := &kvrpcpb.KvCommitResponse{}
	ke, err := e.write(ctx, req.GetContext(), keys, req.GetStartVersion(), func(t *mvcc.MvccTxn) (keyErr, error) {
		for _, k := range keys {
			if ke, err := commitKey(t, k, req.GetCommitVersion()); ke != nil || err != nil {
				return ke, err
			}
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	resp.Error = ke
	return resp, nil
}

func checkCommit(req *kvrpcpb.KvCommitRequest) error {
	if err := checkTS("start_version", req.GetStartVersion()); err != nil {
		return err
	}
	if req.GetCommitVersion() <= req.GetStartVersion() {
		return invalid("commit_version: %d must be above start_version %d", req.GetCommitVersion(), req.GetStartVersion())
	}
	return checkKeys("keys", req.GetKeys())
}

// commitKey buffers the commit of key by the transaction t.StartTS at commitTS.
func commitKey(t *mvcc.MvccTxn, key []byte, commitTS uint64) (keyErr, error) {
	l, err := t.GetLock(key)
	if err != nil {
		return nil, err
	}
	if l != nil && l.Ts == t.StartTS {
		t.PutWrite(key, commitTS, &mvcc.Write{StartTS: t.StartTS, Kind: l.Kind})
		t.DeleteLock(key)
		return nil, nil
	}
	w, _, err := t.CurrentWrite(key)
	switch {
	case err != nil:
		return nil, err
	case w != nil && w.Kind == mvcc.WriteRollback:
		return abortErr("txn %d was rolled back on key %q", t.StartTS, key), nil
	case w != nil:
		return nil, nil // committed before: a retry
	case l != nil:
		return retryableErr("key %q is locked by txn %d, not by txn %d", key, l.Ts, t.StartTS), nil
	}
	return retryableErr("txn lock not found: txn %d holds no lock on key %q and has no record there", t.StartTS, key), nil
}
