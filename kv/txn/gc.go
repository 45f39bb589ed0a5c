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
		return eachKeyVersions(t.Reader(), from, end, func(key []byte, vs []version) bool {
			if len(garbage(vs, safePoint)) > 0 {
				keys = append(keys, key)
			}
			return len(keys) < resolveBatch
		})
	})
	return keys, err
}

// gcBatch removes the garbage of keys, latched, in one write; it stops before
// gcWriteLimit modifications. It returns the records removed and how many keys it finished.
func (e *Executor) gcBatch(ctx context.Context, kvctx *kvrpcpb.Context, keys [][]byte, safePoint uint64) (int, int, error) {
	removed, done := 0, 0
	_, err := e.write(ctx, kvctx, keys, safePoint, func(t *mvcc.MvccTxn) (keyErr, error) {
		for _, k := range keys {
			var vs []version
			err := eachKeyVersions(t.Reader(), k, keyEnd(k), func(_ []byte, v []version) bool { vs = v; return false })
			if err != nil {
				return nil, err
			}
			g := garbage(vs, safePoint)
			room := (gcWriteLimit - len(t.Writes())) / 2
			if len(g) > room {
				if done == 0 { // one key with more than a batch: take a batch of it
					removed += removeVersions(t, k, g[:max(room, 1)])
				}
				return nil, nil
			}
			removed += removeVersions(t, k, g)
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

// garbage picks, from a key's versions (newest first), those a read at safePoint or
// later never needs.
func garbage(vs []version, safePoint uint64) []version {
	var out []version
	kept := false // the newest put or delete at or before safePoint is behind us
	for _, v := range vs {
		switch {
		case v.commitTS > safePoint:
		case kept:
			out = append(out, v)
		case v.w.Kind == mvcc.WritePut:
			kept = true
		case v.w.Kind == mvcc.WriteDelete:
			kept = true
			out = append(out, v)
		default: // rollback or lock record
			out = append(out, v)
		}
	}
	return out
}

// removeVersions buffers the deletion of versions of key and their values.
func removeVersions(t *mvcc.MvccTxn, key []byte, vs []version) int {
	for _, v := range vs {
		t.DeleteWrite(key, v.commitTS)
		if v.w.Kind == mvcc.WritePut {
			t.DeleteValueAt(key, v.w.StartTS)
		}
	}
	return len(vs)
}

// eachKeyVersions calls f with each user key in [from, end) of the write column family
// and its versions, newest first, while f returns true.
func eachKeyVersions(r storage.Reader, from, end []byte, f func(key []byte, vs []version) bool) error {
	var wend []byte
	if len(end) > 0 {
		wend = mvcc.EncodeUserKey(end)
	}
	it, err := r.IterCF(engine.CFWrite, mvcc.EncodeUserKey(from), wend)
	if err != nil {
		return err
	}
	defer it.Close()
	var cur []byte
	var vs []version
	for ; it.Valid(); it.Next() {
		key, ts, err := mvcc.DecodeKey(it.Key())
		if err != nil {
			return err
		}
		w, err := mvcc.ParseWrite(it.Value())
		if err != nil {
			return mvccErr("write record of key", key, err)
		}
		if cur != nil && !bytes.Equal(key, cur) {
			if !f(cur, vs) {
				return nil
			}
			vs = nil
		}
		cur, vs = key, append(vs, version{commitTS: ts, w: w})
	}
	if err := it.Err(); err != nil {
		return err
	}
	if cur != nil {
		f(cur, vs)
	}
	return nil
}
