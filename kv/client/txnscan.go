package client

import (
	"bytes"
	"context"
	"errors"
	"sort"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
)

// Scan returns up to limit pairs with keys in [start, end) in key order (an empty end means
// no upper bound), in the transaction's view: the snapshot at StartTS with the
// transaction's buffered writes applied. Locks met are resolved as Get resolves them.
func (t *Txn) Scan(ctx context.Context, start, end []byte, limit int) ([]KV, error) {
	if limit <= 0 {
		return nil, errors.New("client: scan limit must be at least 1")
	}
	own, dels, err := t.bufferedRange(start, end)
	if err != nil {
		return nil, err
	}
	// Each buffered delete hides at most one stored pair: ask for that many more.
	want := limit + dels
	stored, err := t.scanStored(ctx, start, end, want)
	if err != nil {
		return nil, err
	}
	return mergeScan(stored, own, limit, len(stored) == want), nil
}

// bufferedRange returns the buffered writes with keys in [start, end), in key order, and how
// many of them are deletes.
func (t *Txn) bufferedRange(start, end []byte) ([]*kvrpcpb.Mutation, int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return nil, 0, ErrTxnDone
	}
	var own []*kvrpcpb.Mutation
	dels := 0
	for _, m := range t.writes {
		if bytes.Compare(m.Key, start) >= 0 && (len(end) == 0 || bytes.Compare(m.Key, end) < 0) {
			own = append(own, m)
			if m.Op == kvrpcpb.Op_Del {
				dels++
			}
		}
	}
	sort.Slice(own, func(i, j int) bool { return bytes.Compare(own[i].Key, own[j].Key) < 0 })
	return own, dels, nil
}

// mergeScan overlays own (sorted buffered writes) on stored (sorted) and keeps the first
// limit live pairs. When stored was cut short (full), buffered keys past its last key are
// left out: stored keys between might be missing.
func mergeScan(stored []KV, own []*kvrpcpb.Mutation, limit int, full bool) []KV {
	out := make([]KV, 0, min(limit, len(stored)+len(own)))
	i, j := 0, 0
	for len(out) < limit && (i < len(stored) || j < len(own)) {
		switch {
		case j == len(own) || (i < len(stored) && bytes.Compare(stored[i].Key, own[j].Key) < 0):
			out = append(out, stored[i])
			i++
		default:
			if full && (len(stored) == 0 || bytes.Compare(own[j].Key, stored[len(stored)-1].Key) > 0) {
				return out
			}
			if i < len(stored) && bytes.Equal(stored[i].Key, own[j].Key) {
				i++ // the buffered write replaces the stored pair
			}
			if own[j].Op == kvrpcpb.Op_Put {
				out = append(out, KV{Key: own[j].Key, Value: clone(own[j].Value)})
			}
			j++
		}
	}
	return out
}

// scanStored reads up to limit pairs of [start, end) at StartTS, region by region. A page
// with locks keeps its pairs before the first lock, resolves the locks and goes on from the
// first locked key.
func (t *Txn) scanStored(ctx context.Context, start, end []byte, limit int) ([]KV, error) {
	var out []KV
	bo := t.newLockBackoff()
	for len(out) < limit {
		var page []*kvrpcpb.TxnKvPair
		var spanEnd []byte
		want := min(limit-len(out), maxScanPage)
		err := t.c.routeKeys(ctx, [][]byte{start}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
			spanEnd = clipEnd(g.Region.Meta.GetEndKey(), end)
			r, err := kv.KvScan(ctx, &kvrpcpb.KvScanRequest{Context: kctx, StartKey: start, EndKey: spanEnd,
				Limit: uint32(want), Version: t.startTS})
			page = r.GetPairs()
			return result{err: err, regionErr: r.GetRegionError()}
		})
		if err != nil {
			return nil, bo.explain(ctx, err)
		}
		kvs, locks, err := t.splitPage(page)
		if err != nil {
			return nil, err
		}
		out = append(out, kvs...)
		if len(kvs) > 0 {
			bo.progress()
		}
		if len(locks) > 0 {
			if err := t.c.resolveLocks(ctx, bo, locks); err != nil {
				return nil, err
			}
			start = locks[0].GetKey()
			continue
		}
		var last []byte
		if len(page) > 0 {
			last = page[len(page)-1].GetKey()
		}
		var done bool
		if start, done = nextPageStart(len(page), want, txnPageBytes(page), last, spanEnd, end); done {
			return out, nil
		}
	}
	return out, nil
}

// splitPage returns the pairs before the page's first locked key and the page's locks.
func (t *Txn) splitPage(page []*kvrpcpb.TxnKvPair) ([]KV, []*kvrpcpb.LockInfo, error) {
	var kvs []KV
	var locks []*kvrpcpb.LockInfo
	for _, p := range page {
		switch e := p.GetError(); {
		case e.GetLocked() != nil:
			locks = append(locks, lockOn(e.GetLocked(), p.GetKey()))
		case e != nil:
			return nil, nil, keyError(t.startTS, p.GetKey(), e)
		case len(locks) == 0:
			kvs = append(kvs, KV{Key: p.GetKey(), Value: p.GetValue()})
		}
	}
	return kvs, locks, nil
}

func txnPageBytes(ps []*kvrpcpb.TxnKvPair) int {
	n := 0
	for _, p := range ps {
		n += len(p.GetKey()) + len(p.GetValue())
	}
	return n
}
