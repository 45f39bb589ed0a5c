package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/storage"
)

// KVClient is the raw key-value API a workload drives. Implementations retry what is safe
// to retry within ctx and return an *AmbiguousError when a write may or may not have
// taken effect.
type KVClient interface {
	Put(ctx context.Context, key, value string) error
	Delete(ctx context.Context, key string) error
	Get(ctx context.Context, key string) (value string, found bool, err error)
	// Scan returns the pairs in [start, end) in key order, at most limit (0 = all).
	Scan(ctx context.Context, start, end string, limit int) ([]KV, error)
}

// AmbiguousError wraps a write failure after which the write may still be applied
// (a timeout, a term change, a lost connection).
type AmbiguousError struct{ Err error }

func (e *AmbiguousError) Error() string { return "ambiguous: " + e.Err.Error() }
func (e *AmbiguousError) Unwrap() error { return e.Err }

// IsAmbiguous reports whether err leaves a write's outcome unknown.
func IsAmbiguous(err error) bool {
	var a *AmbiguousError
	return errors.As(err, &a)
}

// Router finds stores' storage; *Cluster is one.
type Router interface {
	IDs() []uint64
	// Storage returns the store's storage, or nil when it is down.
	Storage(id uint64) storage.Storage
}

// Client talks to a Cluster through Store.Storage() of the store it believes leads,
// following NotLeader hints and retrying with a short backoff until ctx ends. When the
// Router is also a RegionLocator (a *Cluster or a Subset) the client is region-aware:
// every request names the region holding its key and that region's epoch, goes to the
// store leading it, and a scan walks the regions its range crosses.
type Client struct {
	c      Router
	leader uint64
	next   int // round-robin position when no hint is known
}

// target is one attempt's destination: the region (nil when not region-aware) and the
// request context naming it.
func (cl *Client) target(key []byte) (*metapb.Region, *kvrpcpb.Context) {
	loc, ok := cl.c.(RegionLocator)
	if !ok {
		return nil, &kvrpcpb.Context{}
	}
	r, leader := loc.RegionFor(key)
	if r == nil {
		return nil, &kvrpcpb.Context{}
	}
	if leader != 0 {
		cl.leader = leader
	}
	return r, &kvrpcpb.Context{RegionId: r.GetId(), RegionEpoch: r.GetRegionEpoch()}
}

// NewClient returns a client of c that starts at c's first store.
func NewClient(c Router) *Client { return &Client{c: c, leader: c.IDs()[0]} }

// Leader returns the store the client currently sends to.
func (cl *Client) Leader() uint64 { return cl.leader }

// Subset is a Router that sees only some stores of c: a client on one side of a
// partition.
type Subset struct {
	C   *Cluster
	Set []uint64
}

// IDs implements Router.
func (s Subset) IDs() []uint64 { return s.Set }

// RegionFor implements RegionLocator (region meta is known cluster-wide, as from a
// scheduler; a leader outside the set is not reported).
func (s Subset) RegionFor(key []byte) (*metapb.Region, uint64) {
	r, leader := s.C.RegionFor(key)
	if !slices.Contains(s.Set, leader) {
		leader = 0
	}
	return r, leader
}

// Storage implements Router; stores outside the set look down.
func (s Subset) Storage(id uint64) storage.Storage {
	for _, x := range s.Set {
		if x == id {
			return s.C.Storage(id)
		}
	}
	return nil
}

// backoff is the pause between attempts; short so tests move, long enough not to spin.
const backoff = 10 * time.Millisecond

// regionAction classifies a region error: the write certainly did not happen (retry
// freely) or it may have.
func (cl *Client) onError(err error) (retry, ambiguous bool) {
	var re *storage.RegionError
	if !errors.As(err, &re) || re.Err == nil {
		// A storage failure after the write was handed to raft: unknown.
		return true, true
	}
	e := re.Err
	switch {
	case e.NotLeader != nil:
		if l := e.NotLeader.GetLeader(); l != nil && l.StoreId != 0 && l.StoreId != cl.leader {
			cl.leader = l.StoreId
		} else {
			cl.rotate()
		}
		return true, false
	case e.ServerIsBusy != nil, e.RegionNotFound != nil, e.EpochNotMatch != nil,
		e.KeyNotInRegion != nil, e.StoreNotMatch != nil:
		cl.rotate()
		return true, false
	case e.StaleCommand != nil, e.Timeout != nil:
		cl.rotate()
		return true, true
	}
	return true, true
}

func (cl *Client) rotate() {
	ids := cl.c.IDs()
	cl.next = (cl.next + 1) % len(ids)
	cl.leader = ids[cl.next]
}

func (cl *Client) storage() storage.Storage {
	for range cl.c.IDs() {
		if s := cl.c.Storage(cl.leader); s != nil {
			return s
		}
		cl.rotate()
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// write retries batch until it is acknowledged, refused after an ambiguous attempt, or
// ctx ends. Once an attempt was ambiguous the write is not retried here: the caller
// records it as possibly applied and decides.
func (cl *Client) write(ctx context.Context, batch []storage.Modify) error {
	for {
		_, kvctx := cl.target(batch[0].Key)
		s := cl.storage()
		if s == nil {
			if err := sleepCtx(ctx, backoff); err != nil {
				return fmt.Errorf("no store is up: %w", err)
			}
			continue
		}
		err := s.Write(ctx, kvctx, batch)
		if err == nil {
			return nil
		}
		_, ambiguous := cl.onError(err)
		if ambiguous {
			return &AmbiguousError{Err: err}
		}
		if err := sleepCtx(ctx, backoff); err != nil {
			return fmt.Errorf("write not accepted before the deadline: %w", err)
		}
	}
}

// Put implements KVClient.
func (cl *Client) Put(ctx context.Context, key, value string) error {
	return cl.write(ctx, []storage.Modify{storage.Put(engine.CFDefault, []byte(key), []byte(value))})
}

// Delete implements KVClient.
func (cl *Client) Delete(ctx context.Context, key string) error {
	return cl.write(ctx, []storage.Modify{storage.Delete(engine.CFDefault, []byte(key))})
}

// read runs f on a linearizable reader of the region holding key, retrying every failure
// until ctx ends (a read has no effect, so retrying is always safe). f gets the region
// read (nil when not region-aware).
func (cl *Client) read(ctx context.Context, key []byte, f func(r storage.Reader, region *metapb.Region) error) error {
	for {
		region, kvctx := cl.target(key)
		s := cl.storage()
		var err error
		if s == nil {
			err = errDown
		} else {
			var r storage.Reader
			r, err = s.Reader(ctx, kvctx)
			if err == nil {
				err = f(r, region)
				r.Close()
				if err == nil {
					return nil
				}
			} else {
				cl.onError(err)
			}
		}
		if serr := sleepCtx(ctx, backoff); serr != nil {
			return fmt.Errorf("read failed until the deadline: %v (%w)", err, serr)
		}
	}
}

// crossScans counts region boundaries crossed by scans, so scenarios can require that
// their scans really spanned regions.
var crossScans atomic.Int64

// CrossRegionScans returns how many region boundaries client scans crossed so far (in
// this process).
func CrossRegionScans() int64 { return crossScans.Load() }

// Get implements KVClient.
func (cl *Client) Get(ctx context.Context, key string) (string, bool, error) {
	var v []byte
	err := cl.read(ctx, []byte(key), func(r storage.Reader, _ *metapb.Region) error {
		var err error
		v, err = r.GetCF(engine.CFDefault, []byte(key))
		return err
	})
	return string(v), v != nil, err
}

// Scan implements KVClient. Across regions it reads each region's part in turn (each part
// linearizable on its own; the whole is atomic only when no write races it, which the
// generic workload guarantees: each client scans only its own prefix).
func (cl *Client) Scan(ctx context.Context, start, end string, limit int) ([]KV, error) {
	var out []KV
	cur := start
	for {
		var regionEnd []byte
		n := len(out)
		err := cl.read(ctx, []byte(cur), func(r storage.Reader, region *metapb.Region) error {
			out = out[:n]
			regionEnd = region.GetEndKey()
			it, err := r.IterCF(engine.CFDefault, []byte(cur), []byte(end))
			if err != nil {
				return err
			}
			defer it.Close()
			for ; it.Valid() && (limit == 0 || len(out) < limit); it.Next() {
				out = append(out, KV{string(it.Key()), string(it.Value())})
			}
			return it.Err()
		})
		if err != nil {
			return nil, err
		}
		if len(regionEnd) == 0 || (end != "" && string(regionEnd) >= end) || (limit > 0 && len(out) >= limit) {
			return out, nil
		}
		crossScans.Add(1)
		cur = string(regionEnd)
	}
}
