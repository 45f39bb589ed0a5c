package txn

import (
	"context"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// Get reads key at version: the newest value committed at or before it, unless a delete
// hides it. A lock taken at or before version by a transaction that may change the
// value (a put or delete lock) answers KeyError.Locked: that transaction may yet commit
// below version.
func (e *Executor) Get(ctx context.Context, req *kvrpcpb.KvGetRequest) (*kvrpcpb.KvGetResponse, error) {
	if err := checkKey("key", req.GetKey()); err != nil {
		return nil, err
	}
	if err := checkTS("version", req.GetVersion()); err != nil {
		return nil, err
	}
	if err := e.mem.waitKeys(ctx, [][]byte{req.GetKey()}, req.GetVersion()); err != nil {
		return nil, err
	}
	resp := &kvrpcpb.KvGetResponse{}
	err := e.read(ctx, req.GetContext(), req.GetVersion(), func(t *mvcc.MvccTxn) error {
		v, ke, err := readKey(t, req.GetKey())
		resp.Value, resp.Error, resp.NotFound = v, ke, v == nil && ke == nil
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// BatchGet reads keys at version from one snapshot. Pairs hold the keys that exist, and
// the locked keys with their errors, in request order.
func (e *Executor) BatchGet(ctx context.Context, req *kvrpcpb.KvBatchGetRequest) (*kvrpcpb.KvBatchGetResponse, error) {
	if err := checkKeys("keys", req.GetKeys()); err != nil {
		return nil, err
	}
	if err := checkTS("version", req.GetVersion()); err != nil {
		return nil, err
	}
	if err := e.mem.waitKeys(ctx, req.GetKeys(), req.GetVersion()); err != nil {
		return nil, err
	}
	resp := &kvrpcpb.KvBatchGetResponse{}
	err := e.read(ctx, req.GetContext(), req.GetVersion(), func(t *mvcc.MvccTxn) error {
		for _, k := range req.GetKeys() {
			v, ke, err := readKey(t, k)
			if err != nil {
				return err
			}
			if v != nil || ke != nil {
				resp.Pairs = append(resp.Pairs, &kvrpcpb.TxnKvPair{Key: k, Value: v, Error: ke})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// readKey reads key at t.StartTS: its value (nil when none) or the lock blocking it.
func readKey(t *mvcc.MvccTxn, key []byte) ([]byte, keyErr, error) {
	l, err := t.GetLock(key)
	if err != nil {
		return nil, nil, err
	}
	if blocks(l, t.StartTS) {
		return nil, &kvrpcpb.KeyError{Locked: l.Info(key)}, nil
	}
	v, err := t.GetValue(key)
	return v, nil, err
}

// blocks reports whether lock l keeps a read at ts from knowing the value: a lock-only
// lock never changes the value, and a lock above ts commits above ts.
func blocks(l *mvcc.Lock, ts uint64) bool {
	return l != nil && l.Ts <= ts && l.Kind != mvcc.WriteLock
}
