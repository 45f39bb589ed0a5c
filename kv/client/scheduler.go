package client

import (
	"context"
	"fmt"

	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
	"google.golang.org/grpc"
)

// router is a Client's region routing state; nil in static mode (New).
type router struct {
	sched *schedclient.Client
	cache *regioncache.Cache
}

// WithSchedulerOptions passes options to the scheduler client NewWithScheduler creates
// (its backoff, attempt timeout, dial options). New ignores them.
func WithSchedulerOptions(opts ...schedclient.Option) Option {
	return func(c *config) { c.schedOpts = append(c.schedOpts, opts...) }
}

// NewWithScheduler returns a region-aware client: it asks the scheduler at schedAddrs
// (host:port) which region holds a key and where that region's leader listens, caches the
// answers by key range, and sends each request to its region's leader with the region's
// id, epoch and peer. Region errors correct the cache (a NotLeader hint, the regions of an
// EpochNotMatch) or drop the region so it is reloaded. Scans continue across region
// boundaries; batches are split into one request per region, sent concurrently, so a
// BatchGet spanning regions is consistent per region only and a BatchPut is atomic per
// region only. Errors name the region and a key of the request that failed.
//
// It waits, within ctx, until the scheduler answers and loads the cluster's first regions.
func NewWithScheduler(ctx context.Context, schedAddrs []string, opts ...Option) (*Client, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	sc, err := schedclient.New(ctx, schedAddrs, cfg.schedOpts...)
	if err != nil {
		return nil, fmt.Errorf("client: scheduler %v: %w", schedAddrs, err)
	}
	c := &Client{cfg: cfg, conns: map[string]*grpc.ClientConn{},
		route: &router{sched: sc, cache: regioncache.New(sc)}}
	// Warming is an optimisation: a cluster not bootstrapped yet is loaded region by region later.
	wctx, cancel := context.WithTimeout(ctx, cfg.attemptTimeout)
	defer cancel()
	if _, err := c.route.cache.Warm(wctx, nil, nil, warmRegions); err != nil && ctx.Err() != nil {
		c.Close()
		return nil, fmt.Errorf("client: loading regions: %w", err)
	}
	c.route.warmStores(wctx)
	return c, nil
}

// Loaded up front by NewWithScheduler, so routes keep working while the scheduler is
// briefly unreachable.
const (
	warmRegions = 1024
	warmStores  = 256
)

// warmStores caches the addresses of up to warmStores stores; failures are left for the
// lookups on first use.
func (r *router) warmStores(ctx context.Context) {
	stores, err := r.sched.GetAllStores(ctx, true)
	if err != nil {
		return
	}
	for _, st := range stores[:min(len(stores), warmStores)] {
		if _, err := r.cache.StoreAddr(ctx, st.GetId()); err != nil && ctx.Err() != nil {
			return
		}
	}
}

// Regions returns how many regions the client has cached (0 in static mode).
func (c *Client) Regions() int {
	if c.route == nil {
		return 0
	}
	return c.route.cache.Len()
}

// closeRouter closes the scheduler client; called by Close.
func (r *router) close() {
	if r != nil {
		r.sched.Close()
	}
}
