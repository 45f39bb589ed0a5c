package client

import (
	"context"
	"errors"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
)

type callConfig struct {
	cf        string
	staleRead bool
}

// CallOption configures one call.
type CallOption func(*callConfig)

// WithCF scopes the call to a column family ("default", "lock" or "write"); the default
// is "default".
func WithCF(cf string) CallOption { return func(c *callConfig) { c.cf = cf } }

// WithStaleRead lets any server answer a read from its local state without a leader
// check: faster, but it may miss recent writes.
func WithStaleRead() CallOption { return func(c *callConfig) { c.staleRead = true } }

func callOpts(opts []CallOption) (callConfig, *kvrpcpb.Context) {
	var cc callConfig
	for _, o := range opts {
		o(&cc)
	}
	return cc, &kvrpcpb.Context{StaleRead: cc.staleRead}
}

// Get returns the value of key, or ErrNotFound.
func (c *Client) Get(ctx context.Context, key []byte, opts ...CallOption) ([]byte, error) {
	cc, kctx := callOpts(opts)
	if c.route != nil {
		return c.regionGet(ctx, key, cc)
	}
	var resp *kvrpcpb.RawGetResponse
	err := c.do(ctx, func(ctx context.Context, kv tinykvpb.TinyKvClient) result {
		r, err := kv.RawGet(ctx, &kvrpcpb.RawGetRequest{Context: kctx, Key: key, Cf: cc.cf})
		resp = r
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
	if err != nil {
		return nil, err
	}
	if resp.GetNotFound() {
		return nil, ErrNotFound
	}
	if resp.Value == nil {
		return []byte{}, nil
	}
	return resp.Value, nil
}

// Put sets key to value. A put whose attempt timed out is retried; raw puts are
// idempotent, so a retry that lands twice leaves the same value.
func (c *Client) Put(ctx context.Context, key, value []byte, opts ...CallOption) error {
	cc, kctx := callOpts(opts)
	if c.route != nil {
		return c.regionPut(ctx, key, value, cc)
	}
	return c.do(ctx, func(ctx context.Context, kv tinykvpb.TinyKvClient) result {
		r, err := kv.RawPut(ctx, &kvrpcpb.RawPutRequest{Context: kctx, Key: key, Value: value, Cf: cc.cf})
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
}

// Delete removes key; deleting an absent key succeeds.
func (c *Client) Delete(ctx context.Context, key []byte, opts ...CallOption) error {
	cc, kctx := callOpts(opts)
	if c.route != nil {
		return c.regionDelete(ctx, key, cc)
	}
	return c.do(ctx, func(ctx context.Context, kv tinykvpb.TinyKvClient) result {
		r, err := kv.RawDelete(ctx, &kvrpcpb.RawDeleteRequest{Context: kctx, Key: key, Cf: cc.cf})
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
}

// Scan returns up to limit pairs with keys in [start, end) in key order; an empty end
// means no upper bound. The server caps one scan at 10,000 pairs and about 16 MiB, so a
// result shorter than limit does not prove the range is exhausted: scan again from the
// last key with a zero byte appended until a scan returns nothing.
func (c *Client) Scan(ctx context.Context, start, end []byte, limit int, opts ...CallOption) ([]KV, error) {
	if limit <= 0 {
		return nil, errors.New("client: scan limit must be at least 1")
	}
	cc, kctx := callOpts(opts)
	if c.route != nil {
		return c.regionScan(ctx, start, end, limit, cc)
	}
	var resp *kvrpcpb.RawScanResponse
	err := c.do(ctx, func(ctx context.Context, kv tinykvpb.TinyKvClient) result {
		r, err := kv.RawScan(ctx, &kvrpcpb.RawScanRequest{Context: kctx, StartKey: start, EndKey: end,
			Limit: uint32(min(limit, 1<<31)), Cf: cc.cf})
		resp = r
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
	if err != nil {
		return nil, err
	}
	return pairs(resp.GetKvs()), nil
}

// BatchGet returns the pairs of the keys that exist, in the order asked, read from one
// consistent view.
func (c *Client) BatchGet(ctx context.Context, keys [][]byte, opts ...CallOption) ([]KV, error) {
	cc, kctx := callOpts(opts)
	if c.route != nil {
		return c.regionBatchGet(ctx, keys, cc)
	}
	var resp *kvrpcpb.RawBatchGetResponse
	err := c.do(ctx, func(ctx context.Context, kv tinykvpb.TinyKvClient) result {
		r, err := kv.RawBatchGet(ctx, &kvrpcpb.RawBatchGetRequest{Context: kctx, Keys: keys, Cf: cc.cf})
		resp = r
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
	if err != nil {
		return nil, err
	}
	return pairs(resp.GetPairs()), nil
}

// BatchPut writes every pair atomically.
func (c *Client) BatchPut(ctx context.Context, kvs []KV, opts ...CallOption) error {
	cc, kctx := callOpts(opts)
	if c.route != nil {
		return c.regionBatchPut(ctx, kvs, cc)
	}
	ps := make([]*kvrpcpb.KvPair, len(kvs))
	for i, p := range kvs {
		ps[i] = &kvrpcpb.KvPair{Key: p.Key, Value: p.Value}
	}
	return c.do(ctx, func(ctx context.Context, kv tinykvpb.TinyKvClient) result {
		r, err := kv.RawBatchPut(ctx, &kvrpcpb.RawBatchPutRequest{Context: kctx, Pairs: ps, Cf: cc.cf})
		return result{err: err, regionErr: r.GetRegionError(), serverErr: r.GetError()}
	})
}

func pairs(ps []*kvrpcpb.KvPair) []KV {
	out := make([]KV, len(ps))
	for i, p := range ps {
		out[i] = KV{Key: p.GetKey(), Value: p.GetValue()}
	}
	return out
}
