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
//
// With try_one_pc and a Clock, the keys are committed at once instead (see onepc.go); a
// retried one-phase commit that already committed answers its commit version again.
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
	var pc *onePC
	defer func() {
		if pc != nil {
			e.mem.release(pc.lock)
		}
	}()
	fn := func(t *mvcc.MvccTxn) (keyErr, error) {
		if floor := e.gcFloor.Load(); t.StartTS <= floor {
			// GC may have removed a rollback record of this transaction: it must not lock now.
			resp.Errors = []*kvrpcpb.KeyError{abortErr("txn %d started at or below the GC safe point %d", t.StartTS, floor)}
			return resp.Errors[0], nil
		}
		if req.GetTryOnePc() {
			ts, err := committedAlready(t, muts)
			if err != nil || ts > 0 {
				resp.OnePcCommitVersion = ts
				return nil, err
			}
		}
		fresh := make([]*kvrpcpb.Mutation, 0, len(muts))
		for _, m := range muts {
			ke, locked, err := checkPrewriteKey(t, req, m)
			if err != nil {
				return nil, err
			}
			if ke != nil {
				resp.Errors = append(resp.Errors, ke)
			} else if !locked {
				fresh = append(fresh, m)
			}
		}
		if len(resp.Errors) > 0 {
			return resp.Errors[0], nil // write nothing
		}
		if req.GetTryOnePc() && len(fresh) == len(muts) {
			pc = e.beginOnePC(ctx, keys, t.StartTS)
		}
		for _, m := range fresh {
			if pc != nil {
				pc.buffer(t, m)
			} else {
				bufferLock(t, req, m)
			}
		}
		return nil, nil
	}
	then := func(err error) error { return e.endOnePC(ctx, req.GetContext(), keys[0], pc, err, resp) }
	if _, err := e.writeThen(ctx, req.GetContext(), keys, req.GetStartVersion(), fn, then); err != nil {
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

// checkPrewriteKey checks one mutation: a KeyError, or whether this transaction has
// locked the key already.
func checkPrewriteKey(t *mvcc.MvccTxn, req *kvrpcpb.KvPrewriteRequest, m *kvrpcpb.Mutation) (keyErr, bool, error) {
	key := m.GetKey()
	l, err := t.GetLock(key)
	if err != nil {
		return nil, false, err
	}
	if l != nil && l.Ts != t.StartTS {
		return &kvrpcpb.KeyError{Locked: l.Info(key)}, false, nil
	}
	if ke, err := checkWrites(t, key, req.GetPrimaryLock()); ke != nil || err != nil {
		return ke, false, err
	}
	return nil, l != nil, nil
}

// bufferLock buffers the lock, and a put's value, of a checked mutation.
func bufferLock(t *mvcc.MvccTxn, req *kvrpcpb.KvPrewriteRequest, m *kvrpcpb.Mutation) {
	kind, _ := mvcc.KindOfOp(m.GetOp())
	t.PutLock(m.GetKey(), &mvcc.Lock{Primary: req.GetPrimaryLock(), Ts: t.StartTS, Ttl: req.GetLockTtl(), Kind: kind})
	if kind == mvcc.WritePut {
		t.PutValue(m.GetKey(), m.GetValue())
	}
}

// checkWrites fails a prewrite of key if a write at or after its start_ts exists: a
// rollback of this transaction (abort) or another transaction's commit (conflict). Another
// transaction's rollback record is no conflict: it changed nothing (TiKV counts it, which
// lets one aborted transaction abort the next ones that touch its keys).
func checkWrites(t *mvcc.MvccTxn, key, primary []byte) (keyErr, error) {
	w, commitTS, err := t.ConflictingWrite(key)
	if err != nil || w == nil {
		return nil, err
	}
	own := w
	if w.StartTS != t.StartTS {
		if own, _, err = t.CurrentWrite(key); err != nil {
			return nil, err
		}
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
