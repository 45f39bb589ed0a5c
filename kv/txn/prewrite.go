package txn

import (
	"context"
	"fmt"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// Prewrite is 2PC's first phase: it locks every mutated key for the transaction
// start_version and stores put values. A key locked by another transaction answers
// Locked; a key with a write committed at or after start_version answers WriteConflict;
// a key where start_version was rolled back answers Abort. If any key errs, nothing is
// written and every error is returned. A key already locked by this transaction is left
// as it is, so a retried prewrite succeeds. A key listed twice keeps its last mutation.
func (e *Executor) Prewrite(ctx context.Context, req *kvrpcpb.KvPrewriteRequest) (*kvrpcpb.KvPrewriteResponse, error) {
	muts, err := checkPrewrite(req)
	if err != nil {
		return nil, err
	}
	keys := make([][]byte, len(muts))
	for i, m := range muts {
		keys[i] = m.GetKey()
	}
	resp := &kvrpcpb.KvPrewriteResponse{}
	_, err = e.write(ctx, req.GetContext(), keys, req.GetStartVersion(), func(t *mvcc.MvccTxn) (keyErr, error) {
		if floor := e.gcFloor.Load(); t.StartTS <= floor {
			// GC may have removed a rollback record of this transaction: it must not lock now.
			resp.Errors = []*kvrpcpb.KeyError{abortErr("txn %d started at or below the GC safe point %d", t.StartTS, floor)}
			return resp.Errors[0], nil
		}
		for _, m := range muts {
			ke, err := prewriteKey(t, req, m)
			if err != nil {
				return nil, err
			}
			if ke != nil {
				resp.Errors = append(resp.Errors, ke)
			}
		}
		if len(resp.Errors) > 0 {
			return resp.Errors[0], nil // write nothing
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// checkPrewrite validates req and returns its mutations, one per key (the last).
func checkPrewrite(req *kvrpcpb.KvPrewriteRequest) ([]*kvrpcpb.Mutation, error) {
	if err := checkTS("start_version", req.GetStartVersion()); err != nil {
		return nil, err
	}
	if err := checkKey("primary_lock", req.GetPrimaryLock()); err != nil {
		return nil, err
	}
	ms := req.GetMutations()
	if len(ms) > MaxKeys {
		return nil, invalid("mutations: %d exceed the limit of %d", len(ms), MaxKeys)
	}
	last := make(map[string]int, len(ms))
	for i, m := range ms {
		if err := checkKey(fmt.Sprintf("mutations[%d].key", i), m.GetKey()); err != nil {
			return nil, err
		}
		if _, err := mvcc.KindOfOp(m.GetOp()); err != nil {
			return nil, invalid("mutations[%d].op: %v", i, err)
		}
		last[string(m.GetKey())] = i
	}
	out := make([]*kvrpcpb.Mutation, 0, len(last))
	for i, m := range ms {
		if last[string(m.GetKey())] == i {
			out = append(out, m)
		}
	}
	return out, nil
}

// prewriteKey checks one mutation and, if it may go ahead, buffers its lock and value.
func prewriteKey(t *mvcc.MvccTxn, req *kvrpcpb.KvPrewriteRequest, m *kvrpcpb.Mutation) (keyErr, error) {
	key := m.GetKey()
	l, err := t.GetLock(key)
	if err != nil {
		return nil, err
	}
	if l != nil && l.Ts != t.StartTS {
		return &kvrpcpb.KeyError{Locked: l.Info(key)}, nil
	}
	if ke, err := checkWrites(t, key, req.GetPrimaryLock()); ke != nil || err != nil {
		return ke, err
	}
	if l != nil {
		return nil, nil // already prewritten by this transaction
	}
	kind, _ := mvcc.KindOfOp(m.GetOp())
	t.PutLock(key, &mvcc.Lock{Primary: req.GetPrimaryLock(), Ts: t.StartTS, Ttl: req.GetLockTtl(), Kind: kind})
	if kind == mvcc.WritePut {
		t.PutValue(key, m.GetValue())
	}
	return nil, nil
}

// checkWrites fails a prewrite of key if a write at or after its start_ts exists: a
// rollback of this transaction (abort) or another transaction's commit (conflict).
func checkWrites(t *mvcc.MvccTxn, key, primary []byte) (keyErr, error) {
	w, commitTS, err := t.MostRecentWrite(key)
	if err != nil || w == nil || commitTS < t.StartTS {
		return nil, err
	}
	own, _, err := t.CurrentWrite(key)
	if err != nil {
		return nil, err
	}
	if own != nil && own.Kind == mvcc.WriteRollback {
		return abortErr("txn %d was rolled back on key %q", t.StartTS, key), nil
	}
	if own != nil {
		return abortErr("txn %d is already committed on key %q", t.StartTS, key), nil
	}
	return &kvrpcpb.KeyError{Conflict: &kvrpcpb.WriteConflict{StartTs: t.StartTS, ConflictTs: w.StartTS,
		Key: key, Primary: primary, ConflictCommitTs: commitTS}}, nil
}

func abortErr(format string, args ...any) keyErr {
	return &kvrpcpb.KeyError{Abort: fmt.Sprintf(format, args...)}
}

func retryableErr(format string, args ...any) keyErr {
	return &kvrpcpb.KeyError{Retryable: fmt.Sprintf(format, args...)}
}
