package txn

import (
	"bytes"
	"context"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// gcWriteLimit bounds the modifications of one GC write batch.
const gcWriteLimit = 1024

// GC removes, for each key in [start, end) (empty end: no bound) of the request's
// region, the versions no read at or after safePoint can see: every write record and
// value older than the newest put or delete committed at or before safePoint, that
// record too if it is a delete, and every rollback or lock record at or before
// safePoint. Newer versions and locks are untouched, so every read at or after
// safePoint answers as before. It works in latched batches of at most gcWriteLimit
// modifications and returns how many write records it removed.
func (e *Executor) GC(ctx context.Context, kvctx *kvrpcpb.Context, safePoint uint64, start, end []byte) (int, error) {
	if err := checkBound("start", start); err != nil {
		return 0, err
	}
	if err := checkBound("end", end); err != nil {
		return 0, err
	}
	e.RaiseGCFloor(safePoint)
	removed, from := 0, start
	for safePoint > 0 && (len(end) == 0 || bytes.Compare(from, end) < 0) {
		keys, err := e.gcCandidates(ctx, kvctx, safePoint, from, end)
		if err != nil || len(keys) == 0 {
			return removed, err
		}
		n, done, err := e.gcBatch(ctx, kvctx, keys, safePoint)
		removed += n
		if err != nil {
			return removed, err
		}
		if done < len(keys) {
			from = keys[done] // cut short: that key has more to remove
		} else {
			from = append(append([]byte(nil), keys[len(keys)-1]...), 0)
		}
	}
	return removed, nil
}

// gcCandidates returns up to resolveBatch keys from from on that have versions to remove.
func (e *Executor) gcCandidates(ctx context.Context, kvctx *kvrpcpb.Context, safePoint uint64, from, end []byte) ([][]byte, error) {
	var keys [][]byte
	err := e.read(ctx, kvctx, safePoint, func(t *mvcc.MvccTxn) error {
		var c collector
		return eachVersion(t.Reader(), from, end, func(key []byte, v version) bool {
			last := len(keys) > 0 && bytes.Equal(keys[len(keys)-1], key)
			if c.key == nil || !bytes.Equal(c.key, key) {
				c = collector{key: key, safePoint: safePoint}
			}
			if c.garbage(v) && !last {
				keys = append(keys, key)
			}
			return len(keys) < resolveBatch
		})
	})
	return keys, err
}

// gcBatch removes the garbage of keys, latched, in one write of at most gcWriteLimit
// modifications. It returns the records removed and how many keys it finished.
func (e *Executor) gcBatch(ctx context.Context, kvctx *kvrpcpb.Context, keys [][]byte, safePoint uint64) (int, int, error) {
	removed, done := 0, 0
	_, err := e.write(ctx, kvctx, keys, safePoint, func(t *mvcc.MvccTxn) (keyErr, error) {
		for _, k := range keys {
			c, full := collector{key: k, safePoint: safePoint}, false
			err := eachVersion(t.Reader(), k, keyEnd(k), func(_ []byte, v version) bool {
				if !c.garbage(v) {
					return true
				}
				if full = len(t.Writes())+2 > gcWriteLimit; full {
					return false
				}
				removeVersion(t, k, v)
				removed++
				return true
			})
			if err != nil || full {
				return nil, err
			}
			done++
		}
		return nil, nil
	})
	if err != nil {
		return 0, 0, err
	}
	return removed, done, nil
}

// keyEnd is the smallest key after key.
func keyEnd(key []byte) []byte { return append(append([]byte(nil), key...), 0) }

// version is one write record of a key.
type version struct {
	commitTS uint64
	w        *mvcc.Write
}

// collector decides, for one key's versions seen newest first, which ones no read at
// safePoint or later needs.
type collector struct {
	key       []byte
	safePoint uint64
	kept      bool // the newest put or delete at or before safePoint is behind us
}

func (c *collector) garbage(v version) bool {
	switch {
	case v.commitTS > c.safePoint:
		return false
	case c.kept:
		return true
	case v.w.Kind == mvcc.WritePut:
		c.kept = true
		return false
	case v.w.Kind == mvcc.WriteDelete:
		c.kept = true
		return true
	}
	return true // a rollback or lock record
}

// removeVersion buffers the deletion of version v of key and of its value.
func removeVersion(t *mvcc.MvccTxn, key []byte, v version) {
	t.DeleteWrite(key, v.commitTS)
	if v.w.Kind == mvcc.WritePut {
		t.DeleteValueAt(key, v.w.StartTS)
	}
}

// eachVersion calls f on every write record of the user keys in [from, end) (empty end:
// no bound), in key order and newest first, while f returns true.
func eachVersion(r storage.Reader, from, end []byte, f func(key []byte, v version) bool) error {
	var wend []byte
	if len(end) > 0 {
		wend = mvcc.EncodeUserKey(end)
	}
	it, err := r.IterCF(engine.CFWrite, mvcc.EncodeUserKey(from), wend)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		key, ts, err := mvcc.DecodeKey(it.Key())
		if err != nil {
			return err
		}
		w, err := mvcc.ParseWrite(it.Value())
		if err != nil {
			return mvccErr("write record of key", key, err)
		}
		if !f(key, version{commitTS: ts, w: w}) {
			return nil
		}
	}
	return it.Err()
}

// RaiseGCFloor records a GC safe point: from now on a prewrite of a transaction that started at
// or below it answers Abort, since GC (here, or on another replica that led the region) may have
// removed the rollback record that would have stopped it. GC calls it before removing anything;
// a store's GC worker calls it with the cluster's safe point every round. It never lowers the floor.
func (e *Executor) RaiseGCFloor(safePoint uint64) {
	for {
		cur := e.gcFloor.Load()
		if safePoint <= cur || e.gcFloor.CompareAndSwap(cur, safePoint) {
			return
		}
	}
}
