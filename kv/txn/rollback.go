package txn

import (
	"context"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// BatchRollback rolls back the transaction start_version on keys: it removes that
// transaction's lock and value and leaves a rollback record at start_version, even where
// nothing was prewritten, so a prewrite arriving late fails. Another transaction's lock
// is left alone (the record is still written). A key already rolled back is fine; a key
// the transaction committed answers Abort, and then nothing is written.
func (e *Executor) BatchRollback(ctx context.Context, req *kvrpcpb.KvBatchRollbackRequest) (*kvrpcpb.KvBatchRollbackResponse, error) {
	if err := checkTS("start_version", req.GetStartVersion()); err != nil {
		return nil, err
	}
	if err := checkKeys("keys", req.GetKeys()); err != nil {
		return nil, err
	}
	keys := distinct(req.GetKeys())
	ke, err := e.write(ctx, req.GetContext(), keys, req.GetStartVersion(), func(t *mvcc.MvccTxn) (keyErr, error) {
		for _, k := range keys {
			if ke, err := rollbackKey(t, k); ke != nil || err != nil {
				return ke, err
			}
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return &kvrpcpb.KvBatchRollbackResponse{Error: ke}, nil
}

// rollbackKey buffers the rollback of the transaction t.StartTS on key.
func rollbackKey(t *mvcc.MvccTxn, key []byte) (keyErr, error) {
	w, commitTS, err := t.CurrentWrite(key)
	if err != nil {
		return nil, err
	}
	if w != nil && w.Kind == mvcc.WriteRollback {
		return nil, nil
	}
	if w != nil {
		return abortErr("txn %d is committed at %d on key %q", t.StartTS, commitTS, key), nil
	}
	l, err := t.GetLock(key)
	if err != nil {
		return nil, err
	}
	writeRollback(t, key, l)
	return nil, nil
}

// writeRollback buffers the rollback record of t.StartTS on key, and removes the
// transaction's lock and value if l is its lock.
func writeRollback(t *mvcc.MvccTxn, key []byte, l *mvcc.Lock) {
	if l != nil && l.Ts == t.StartTS {
		t.DeleteLock(key)
		if l.Kind == mvcc.WritePut {
			t.DeleteValue(key)
		}
	}
	t.PutWrite(key, t.StartTS, &mvcc.Write{StartTS: t.StartTS, Kind: mvcc.WriteRollback})
}
