package httppool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/cachepb"
)

// batchSuffix follows the base path for batched gets. It has no '/', so it
// cannot collide with <group>/<key>; groupcache answers it with 400.
const batchSuffix = "_batch"

// maxBatch bounds keys per batch; maxInflight bounds concurrent batch
// requests per peer (and so connections used by batching).
const (
	maxBatch    = 128
	maxInflight = 4
)

// errNoBatch marks a peer that does not serve batches.
var errNoBatch = errors.New("peer does not serve batches")

type result struct {
	value  []byte
	qps    float64
	expire time.Time
	err    error
}

type pending struct {
	req  cachepb.GetRequest
	done chan result // buffered: the sender never blocks on a gone waiter
}

// batcher coalesces concurrent gets to one peer: the first get goes out at
// once; gets arriving while maxInflight batches are on the wire queue up
// and leave together when one returns. At low load nothing waits; at high
// load one round trip carries many keys.
type batcher struct {
	peer     *httpPeer
	disabled atomic.Bool

	mu       sync.Mutex
	queue    []*pending
	inflight int
}

func (b *batcher) get(ctx context.Context, group, key string) result {
	p := &pending{req: cachepb.GetRequest{Group: group, Key: key}, done: make(chan result, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, p)
	var batch []*pending
	if b.inflight < maxInflight {
		b.inflight++
		batch = b.take()
	}
	b.mu.Unlock()
	if batch != nil {
		go b.run(batch)
	}
	timer := time.NewTimer(b.peer.pool.opts.Timeout)
	defer timer.Stop()
	select {
	case r := <-p.done:
		return r
	case <-timer.C:
		return result{err: fmt.Errorf("get %q from %s: timed out after %v", key, b.peer.addr, b.peer.pool.opts.Timeout)}
	case <-ctx.Done():
		return result{err: ctx.Err()}
	}
}

// take removes up to maxBatch queued gets; b.mu is held.
func (b *batcher) take() []*pending {
	n := min(len(b.queue), maxBatch)
	batch := append([]*pending(nil), b.queue[:n]...)
	b.queue = append(b.queue[:0], b.queue[n:]...)
	return batch
}

// run sends batches until the queue is empty, then gives up its slot.
func (b *batcher) run(batch []*pending) {
	for len(batch) > 0 {
		b.send(batch)
		b.mu.Lock()
		batch = b.take()
		if len(batch) == 0 {
			b.inflight--
		}
		b.mu.Unlock()
	}
}

func (b *batcher) send(batch []*pending) {
	if len(batch) == 1 || b.disabled.Load() {
		for _, p := range batch {
			p.done <- b.single(p)
		}
		return
	}
	items, err := b.post(batch)
	if errors.Is(err, errNoBatch) {
		b.disabled.Store(true)
		b.send(batch)
		return
	}
	for i, p := range batch {
		switch {
		case err != nil:
			p.done <- result{err: err}
		case items[i].NotFound:
			p.done <- result{err: fmt.Errorf("%w: %w: peer %s: %s", cache.ErrOwnerLoad, cache.ErrNotFound, b.peer.addr, items[i].Err)}
		case items[i].Err != "":
			p.done <- result{err: fmt.Errorf("%w: peer %s: %s", cache.ErrOwnerLoad, b.peer.addr, items[i].Err)}
		default:
			r := items[i].Response
			p.done <- result{value: r.Value, qps: r.MinuteQPS, expire: expireTime(r.Expire)}
		}
	}
}

func (b *batcher) single(p *pending) result {
	ctx, cancel := context.WithTimeout(context.Background(), b.peer.pool.opts.Timeout)
	defer cancel()
	v, qps, exp, err := b.peer.getOne(ctx, p.req.Group, p.req.Key)
	return result{v, qps, exp, err}
}

// post sends one batch and returns its items in request order.
func (b *batcher) post(batch []*pending) ([]cachepb.BatchItem, error) {
	reqs := make([]cachepb.GetRequest, len(batch))
	for i, p := range batch {
		reqs[i] = p.req
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.peer.pool.opts.Timeout)
	defer cancel()
	body := cachepb.MarshalBatchRequest(nil, reqs)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.peer.base+batchSuffix, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	b.peer.pool.sign(req, body)
	resp, err := b.peer.pool.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("batch to %s: %w", b.peer.addr, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, errNoBatch
	default:
		return nil, fmt.Errorf("batch to %s: status %s", b.peer.addr, resp.Status)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	limit := len(batch) * (b.peer.pool.opts.MaxValueBytes + 64)
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, int64(limit)+1)); err != nil {
		return nil, fmt.Errorf("reading batch from %s: %w", b.peer.addr, err)
	}
	items, err := cachepb.UnmarshalBatchResponse(buf.Bytes(), limit)
	if err != nil {
		return nil, fmt.Errorf("batch from %s: %w", b.peer.addr, err)
	}
	if len(items) != len(batch) {
		return nil, fmt.Errorf("batch from %s: %d answers for %d keys", b.peer.addr, len(items), len(batch))
	}
	for i := range items {
		if n := len(items[i].Response.Value); n > b.peer.pool.opts.MaxValueBytes {
			items[i] = cachepb.BatchItem{Err: fmt.Sprintf("value of %d bytes exceeds limit", n)}
		}
	}
	return items, nil
}

func expireTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}
