package client

import (
	"bytes"
	"context"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
)

// The region-aware forms of the raw calls (NewWithScheduler); raw.go dispatches to them.

func (c *Client) regionGet(ctx context.Context, key []byte, cc callConfig) ([]byte, error) {
	var resp *kvrpcpb.RawGetResponse
	err := c.routeKeys(ctx, [][]byte{key}, cc.staleRead, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, _ *regioncache.KeyGroup) result {
		r, err := kv.RawGet(ctx, &kvrpcpb.RawGetRequest{Context: kctx, Key: key, Cf: cc.cf})
		resp = r
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
	switch {
	case err != nil:
		return nil, err
	case resp.GetNotFound():
		return nil, ErrNotFound
	case resp.Value == nil:
		return []byte{}, nil
	}
	return resp.Value, nil
}

func (c *Client) regionPut(ctx context.Context, key, value []byte, cc callConfig) error {
	return c.routeKeys(ctx, [][]byte{key}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, _ *regioncache.KeyGroup) result {
		r, err := kv.RawPut(ctx, &kvrpcpb.RawPutRequest{Context: kctx, Key: key, Value: value, Cf: cc.cf})
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
}

func (c *Client) regionDelete(ctx context.Context, key []byte, cc callConfig) error {
	return c.routeKeys(ctx, [][]byte{key}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, _ *regioncache.KeyGroup) result {
		r, err := kv.RawDelete(ctx, &kvrpcpb.RawDeleteRequest{Context: kctx, Key: key, Cf: cc.cf})
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
}

// regionBatchGet sends one RawBatchGet per region and puts the found pairs back in the
// order asked.
func (c *Client) regionBatchGet(ctx context.Context, keys [][]byte, cc callConfig) ([]KV, error) {
	found := make([]*KV, len(keys)) // groups write disjoint positions
	err := c.routeKeys(ctx, keys, cc.staleRead, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
		r, err := kv.RawBatchGet(ctx, &kvrpcpb.RawBatchGetRequest{Context: kctx, Keys: g.Keys, Cf: cc.cf})
		res := result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
		if res.err == nil && res.regionErr == nil && res.serverErr == "" {
			vals := make(map[string][]byte, len(r.GetPairs()))
			for _, p := range r.GetPairs() {
				vals[string(p.GetKey())] = p.GetValue()
			}
			for i, k := range g.Keys {
				if v, ok := vals[string(k)]; ok {
					found[g.Index[i]] = &KV{Key: k, Value: v}
				}
			}
		}
		return res
	})
	if err != nil {
		return nil, err
	}
	out := make([]KV, 0, len(keys))
	for _, p := range found {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// regionBatchPut sends one RawBatchPut per region.
func (c *Client) regionBatchPut(ctx context.Context, kvs []KV, cc callConfig) error {
	keys := make([][]byte, len(kvs))
	for i, p := range kvs {
		keys[i] = p.Key
	}
	return c.routeKeys(ctx, keys, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
		ps := make([]*kvrpcpb.KvPair, len(g.Index))
		for i, ix := range g.Index {
			ps[i] = &kvrpcpb.KvPair{Key: kvs[ix].Key, Value: kvs[ix].Value}
		}
		r, err := kv.RawBatchPut(ctx, &kvrpcpb.RawBatchPutRequest{Context: kctx, Pairs: ps, Cf: cc.cf})
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
}

// Scan pages: the server caps a page at this many pairs.
const maxScanPage = 10_000

// shortPageBytes: a page shorter than asked whose keys and values total less than this
// ended because its region (or range) ended, not because of the server's byte cap
// (16 MiB by default; servers must not set it below this). A larger short page is
// continued in the same region.
const shortPageBytes = 1 << 20

// regionScan scans region by region: each page is sent to the region holding its start
// key, bounded by that region's end key, until limit pairs or end is reached.
func (c *Client) regionScan(ctx context.Context, start, end []byte, limit int, cc callConfig) ([]KV, error) {
	var out []KV
	for len(out) < limit {
		var page []*kvrpcpb.KvPair
		var spanEnd []byte
		want := min(limit-len(out), maxScanPage)
		err := c.routeKeys(ctx, [][]byte{start}, cc.staleRead, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
			spanEnd = clipEnd(g.Region.Meta.GetEndKey(), end)
			r, err := kv.RawScan(ctx, &kvrpcpb.RawScanRequest{Context: kctx, StartKey: start, EndKey: spanEnd,
				Limit: uint32(want), Cf: cc.cf})
			page = r.GetKvs()
			return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
		})
		if err != nil {
			return nil, err
		}
		out = append(out, pairs(page)...)
		var last []byte
		if len(page) > 0 {
			last = page[len(page)-1].GetKey()
		}
		var done bool
		if start, done = nextPageStart(len(page), want, pageBytes(page), last, spanEnd, end); done {
			return out, nil
		}
	}
	return out, nil
}

// nextPageStart says where a region-by-region scan goes after a page of n pairs (asked for
// want, holding size bytes, last key last) from the region part ending at spanEnd: on from
// last in the same region when the page was full or cut by the server's byte cap, else to
// the next region, or done when this was the last region or the scan's end was reached.
func nextPageStart(n, want, size int, last, spanEnd, end []byte) (start []byte, done bool) {
	switch {
	case n == want:
		return next(last), false
	case n > 0 && size >= shortPageBytes:
		return next(last), false // cut by the byte cap: same region again
	case len(spanEnd) == 0 || (len(end) > 0 && bytes.Compare(spanEnd, end) >= 0):
		return nil, true // the last region, or end reached
	default:
		return spanEnd, false
	}
}

// clipEnd returns the smaller of a region's end key and a scan's end (empty: unbounded).
func clipEnd(regionEnd, end []byte) []byte {
	if len(end) > 0 && (len(regionEnd) == 0 || bytes.Compare(end, regionEnd) < 0) {
		return end
	}
	return regionEnd
}

// next returns the smallest key after k.
func next(k []byte) []byte { return append(append(make([]byte, 0, len(k)+1), k...), 0) }

func pageBytes(ps []*kvrpcpb.KvPair) int {
	n := 0
	for _, p := range ps {
		n += len(p.GetKey()) + len(p.GetValue())
	}
	return n
}
