package txn

import (
	"bytes"
	"context"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// Scan reads up to limit keys from start_key (inclusive) to end_key (exclusive; empty:
// no bound) at version, in key order, skipping keys without a value there (never
// written, or deleted). A key locked as Get would report is a pair with its error. A
// limit of 0 returns nothing. The response also stops once its keys and values pass
// scanByteLimit (it always holds at least one pair), so a page shorter than limit does
// not by itself mean the range is exhausted: continue from the last key plus a 0x00
// byte. On a multi-region store the reader clips the scan to the
// request's region: continue in the next one from the region's end.
func (e *Executor) Scan(ctx context.Context, req *kvrpcpb.KvScanRequest) (*kvrpcpb.KvScanResponse, error) {
	if err := checkScan(req); err != nil {
		return nil, err
	}
	resp := &kvrpcpb.KvScanResponse{}
	if req.GetLimit() == 0 || (len(req.GetEndKey()) > 0 && bytes.Compare(req.GetStartKey(), req.GetEndKey()) >= 0) {
		return resp, nil
	}
	if err := e.mem.waitRange(ctx, req.GetStartKey(), req.GetEndKey(), req.GetVersion()); err != nil {
		return nil, err
	}
	err := e.read(ctx, req.GetContext(), req.GetVersion(), func(t *mvcc.MvccTxn) error {
		pairs, err := scanPairs(t, req)
		resp.Pairs = pairs
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// scanByteLimit bounds the key and value bytes of one Scan response (a var for tests).
var scanByteLimit = 16 << 20

func checkScan(req *kvrpcpb.KvScanRequest) error {
	if err := checkBound("start_key", req.GetStartKey()); err != nil {
		return err
	}
	if err := checkBound("end_key", req.GetEndKey()); err != nil {
		return err
	}
	if err := checkLimit(req.GetLimit()); err != nil {
		return err
	}
	return checkTS("version", req.GetVersion())
}

func scanPairs(t *mvcc.MvccTxn, req *kvrpcpb.KvScanRequest) ([]*kvrpcpb.TxnKvPair, error) {
	c, err := newKeyCursor(t.Reader(), req.GetStartKey(), req.GetEndKey())
	if err != nil {
		return nil, err
	}
	defer c.close()
	var pairs []*kvrpcpb.TxnKvPair
	size := 0
	for uint32(len(pairs)) < req.GetLimit() && size < scanByteLimit {
		key, err := c.next()
		if key == nil || err != nil {
			return pairs, err
		}
		v, ke, err := readKey(t, key)
		if err != nil {
			return nil, err
		}
		if v != nil || ke != nil {
			pairs = append(pairs, &kvrpcpb.TxnKvPair{Key: key, Value: v, Error: ke})
			size += len(key) + len(v)
		}
	}
	return pairs, nil
}

// keyCursor walks, in order, every user key in [start, end) that has a lock or a write
// record: the keys a scan must look at.
type keyCursor struct {
	locks, writes storage.Iterator
}

func newKeyCursor(r storage.Reader, start, end []byte) (*keyCursor, error) {
	locks, err := r.IterCF(engine.CFLock, start, end)
	if err != nil {
		return nil, err
	}
	var wend []byte
	if len(end) > 0 {
		wend = mvcc.EncodeUserKey(end)
	}
	writes, err := r.IterCF(engine.CFWrite, mvcc.EncodeUserKey(start), wend)
	if err != nil {
		locks.Close()
		return nil, err
	}
	return &keyCursor{locks: locks, writes: writes}, nil
}

func (c *keyCursor) close() {
	c.locks.Close()
	c.writes.Close()
}

// next returns the next user key, or nil at the end.
func (c *keyCursor) next() ([]byte, error) {
	var wkey []byte
	if c.writes.Valid() {
		k, _, err := mvcc.DecodeKey(c.writes.Key())
		if err != nil {
			return nil, err
		}
		wkey = k
	}
	var lkey []byte
	if c.locks.Valid() {
		lkey = append([]byte(nil), c.locks.Key()...)
	}
	key := lkey
	if key == nil || (wkey != nil && bytes.Compare(wkey, key) < 0) {
		key = wkey
	}
	if key == nil {
		return nil, firstErr(c.locks.Err(), c.writes.Err())
	}
	if lkey != nil && bytes.Equal(lkey, key) {
		c.locks.Next()
	}
	prefix := mvcc.EncodeUserKey(key)
	for c.writes.Valid() && bytes.HasPrefix(c.writes.Key(), prefix) {
		c.writes.Next()
	}
	return key, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ScanLock lists the locks with lock_version <= max_version from start_key, in key
// order, at most limit of them (0: MaxScanLimit). A full page may not be the last:
// continue from the last key plus a 0x00 byte.
func (e *Executor) ScanLock(ctx context.Context, req *kvrpcpb.KvScanLockRequest) (*kvrpcpb.KvScanLockResponse, error) {
	if err := checkBound("start_key", req.GetStartKey()); err != nil {
		return nil, err
	}
	if err := checkLimit(req.GetLimit()); err != nil {
		return nil, err
	}
	if err := checkTS("max_version", req.GetMaxVersion()); err != nil {
		return nil, err
	}
	limit := int(req.GetLimit())
	if limit == 0 {
		limit = MaxScanLimit
	}
	resp := &kvrpcpb.KvScanLockResponse{}
	err := e.read(ctx, req.GetContext(), req.GetMaxVersion(), func(t *mvcc.MvccTxn) error {
		return eachLock(t.Reader(), req.GetStartKey(), func(key []byte, l *mvcc.Lock) bool {
			if l.Ts <= req.GetMaxVersion() {
				resp.Locks = append(resp.Locks, l.Info(key))
			}
			return len(resp.Locks) < limit
		})
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// eachLock calls f on every lock from start in key order while f returns true.
func eachLock(r storage.Reader, start []byte, f func(key []byte, l *mvcc.Lock) bool) error {
	it, err := r.IterCF(engine.CFLock, start, nil)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		key := append([]byte(nil), it.Key()...)
		l, err := mvcc.ParseLock(it.Value())
		if err != nil {
			return mvccErr("lock of key", key, err)
		}
		if !f(key, l) {
			return nil
		}
	}
	return it.Err()
}
