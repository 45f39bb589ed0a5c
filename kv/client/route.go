package client

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
	"google.golang.org/grpc/status"
)

// groupFunc sends one request for the keys of one region. kctx names the region, its epoch
// and the peer asked; g.Index gives the keys' positions in the caller's batch.
type groupFunc func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result

// maxGroupsInFlight bounds the concurrent per-region requests of one batch.
const maxGroupsInFlight = 16

// routeState is what one call has learned across its attempts.
type routeState struct {
	staleRead bool
	failed    map[uint64]bool // stores that failed this call, tried last
}

// groupTry is one attempt for one region's keys.
type groupTry struct {
	g    *regioncache.KeyGroup
	peer *metapb.Peer
	addr string
	res  result
}

// where names the attempt in errors.
func (t *groupTry) where() string {
	return fmt.Sprintf("region %d (key %q) at store %d %s", t.g.Region.ID(), t.g.Keys[0], t.peer.GetStoreId(), t.addr)
}

// routeKeys sends keys to the regions holding them, one request per region (concurrently),
// and retries the keys whose request failed, regrouped after the cache was corrected, until
// every key is served, an error is final, the attempts run out or ctx ends.
func (c *Client) routeKeys(ctx context.Context, keys [][]byte, staleRead bool, send groupFunc) error {
	if len(keys) == 0 {
		return nil
	}
	st := &routeState{staleRead: staleRead, failed: map[uint64]bool{}}
	pending := make([]int, len(keys))
	for i := range pending {
		pending[i] = i
	}
	delay := c.cfg.backoffBase
	hops := 0
	var last error
	for n := 1; ; n++ {
		tries, err := c.prepare(ctx, st, keys, pending)
		wait := true
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("client: %w (last error: %v)", ctx.Err(), err)
			}
			last = err
		} else {
			c.sendGroups(ctx, st, tries, send)
			var fatal error
			pending, wait, last, fatal = c.settle(ctx, st, tries, &delay)
			if fatal != nil {
				return fatal
			}
			if len(pending) == 0 {
				return nil
			}
		}
		if n >= c.cfg.maxAttempts {
			return fmt.Errorf("client: gave up after %d attempts: %w", n, last)
		}
		if !wait && hops < maxHintHops {
			hops++
			continue
		}
		hops = 0
		if err := sleep(ctx, jitter(delay)); err != nil {
			return fmt.Errorf("client: %w (last error: %v)", err, last)
		}
		delay = min(2*delay, c.cfg.backoffMax)
	}
}

// prepare groups the pending keys by region and picks each region's peer and address. A
// lookup that cannot finish within one attempt's timeout counts as a failed attempt.
func (c *Client) prepare(ctx context.Context, st *routeState, keys [][]byte, pending []int) ([]*groupTry, error) {
	groups := c.cachedSingle(keys, pending)
	if groups == nil {
		actx, cancel := context.WithTimeout(ctx, c.cfg.attemptTimeout)
		defer cancel()
		ctx = actx
		var err error
		if groups, err = c.locateGroups(ctx, keys, pending); err != nil {
			return nil, err
		}
	}
	tries := make([]*groupTry, len(groups))
	for i, g := range groups {
		peer := pickPeer(g.Region, st)
		if peer == nil {
			return nil, fmt.Errorf("client: region %d (key %q) has no peers", g.Region.ID(), g.Keys[0])
		}
		addr, err := c.route.cache.StoreAddr(ctx, peer.GetStoreId())
		if err != nil {
			st.failed[peer.GetStoreId()] = true
			return nil, fmt.Errorf("client: region %d (key %q): address of store %d: %w", g.Region.ID(), g.Keys[0], peer.GetStoreId(), err)
		}
		tries[i] = &groupTry{g: g, peer: peer, addr: addr}
	}
	return tries, nil
}

// cachedSingle is the common case without allocating a lookup: one key, region cached.
func (c *Client) cachedSingle(keys [][]byte, pending []int) []*regioncache.KeyGroup {
	if len(pending) != 1 {
		return nil
	}
	k := keys[pending[0]]
	r := c.route.cache.Cached(k)
	if r == nil {
		return nil
	}
	return []*regioncache.KeyGroup{{Region: r, Keys: [][]byte{k}, Index: []int{pending[0]}}}
}

// locateGroups groups the pending keys by region, loading regions the cache lacks.
func (c *Client) locateGroups(ctx context.Context, keys [][]byte, pending []int) ([]*regioncache.KeyGroup, error) {
	sub := make([][]byte, len(pending))
	for i, p := range pending {
		sub[i] = keys[p]
	}
	groups, err := c.route.cache.GroupKeys(ctx, sub)
	if err != nil {
		return nil, fmt.Errorf("client: locating key %q: %w", sub[0], err)
	}
	for _, g := range groups {
		for j, ix := range g.Index {
			g.Index[j] = pending[ix] // back to positions in the caller's batch
		}
	}
	return groups, nil
}

// pickPeer returns the cached leader, or else the first peer on a store that has not failed
// this call; once every store failed, it starts over.
func pickPeer(r *regioncache.Region, st *routeState) *metapb.Peer {
	peers := r.Meta.GetPeers()
	if len(peers) == 0 {
		return nil
	}
	if r.Leader != nil && !st.failed[r.Leader.GetStoreId()] {
		return r.Leader
	}
	for _, p := range peers {
		if !st.failed[p.GetStoreId()] {
			return p
		}
	}
	clear(st.failed)
	if r.Leader != nil {
		return r.Leader
	}
	return peers[0]
}

// sendGroups runs one attempt per group, concurrently when there are several.
func (c *Client) sendGroups(ctx context.Context, st *routeState, tries []*groupTry, send groupFunc) {
	one := func(t *groupTry) {
		kctx := &kvrpcpb.Context{RegionId: t.g.Region.ID(), RegionEpoch: t.g.Region.Meta.GetRegionEpoch(),
			Peer: t.peer, StaleRead: st.staleRead}
		t.res = c.try(ctx, t.addr, func(ctx context.Context, kv tinykvpb.TinyKvClient) result {
			return send(ctx, kv, kctx, t.g)
		})
	}
	if len(tries) == 1 {
		one(tries[0])
		return
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxGroupsInFlight)
	for _, t := range tries {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			one(t)
		}()
	}
	wg.Wait()
}

// settle corrects the cache from each group's answer and returns the keys still to send,
// whether the retry must wait, the last retryable error and a final error, if any.
func (c *Client) settle(ctx context.Context, st *routeState, tries []*groupTry, delay *time.Duration) (pending []int, wait bool, last, fatal error) {
	for _, t := range tries {
		r := t.res
		switch {
		case r.err == nil && r.regionErr == nil && r.serverErr == "":
			continue
		case r.serverErr != "":
			return nil, false, nil, fmt.Errorf("client: %s: %w", t.where(), &ServerError{Addr: t.addr, Msg: r.serverErr})
		case r.err != nil:
			if ctx.Err() != nil {
				return nil, false, nil, fmt.Errorf("client: %w (last error from %s: %v)", ctx.Err(), t.where(), r.err)
			}
			if !retryableCode(status.Code(r.err)) {
				return nil, false, nil, fmt.Errorf("client: %s: %w", t.where(), r.err)
			}
			// The store may be down or have moved: try another peer, and ask its address again.
			st.failed[t.peer.GetStoreId()] = true
			c.route.cache.InvalidateStore(t.peer.GetStoreId())
			last, wait = fmt.Errorf("client: %s: %w", t.where(), r.err), true
		default:
			last = fmt.Errorf("client: %s: %w", t.where(), &RegionError{Err: r.regionErr})
			if !c.onRegionError(st, t, r.regionErr, delay) {
				wait = true
			}
		}
		pending = append(pending, t.g.Index...)
	}
	return pending, wait, last, nil
}

// onRegionError corrects the cache and reports whether retrying at once makes sense.
func (c *Client) onRegionError(st *routeState, t *groupTry, re *errorpb.Error, delay *time.Duration) bool {
	switch {
	case re.GetNotLeader() != nil && re.GetNotLeader().GetLeader().GetId() == 0:
		st.failed[t.peer.GetStoreId()] = true // no leader known there: ask another peer
	case re.GetNotLeader() != nil:
		delete(st.failed, re.GetNotLeader().GetLeader().GetStoreId())
	case re.GetStoreNotMatch() != nil:
		c.route.cache.InvalidateStore(t.peer.GetStoreId())
	case re.GetServerIsBusy() != nil:
		if ms := re.GetServerIsBusy().GetBackoffMs(); ms > 0 {
			*delay = max(*delay, min(time.Duration(ms)*time.Millisecond, c.cfg.backoffMax))
		}
	}
	retry := c.route.cache.OnRegionError(t.g.Region.ID(), re)
	if re.GetEpochNotMatch() != nil {
		c.guessLeaders(re.GetEpochNotMatch().GetCurrentRegions(), t.peer.GetStoreId())
	}
	return retry
}

// guessLeaders records, for regions just learned from an EpochNotMatch with no known
// leader, the peer on the store that answered: a split region's halves start out led by
// the same store. A wrong guess costs one NotLeader hop.
func (c *Client) guessLeaders(regions []*metapb.Region, storeID uint64) {
	for _, r := range regions {
		cached := c.route.cache.Cached(r.GetStartKey())
		if cached == nil || cached.ID() != r.GetId() || cached.Leader != nil {
			continue
		}
		for _, p := range r.GetPeers() {
			if p.GetStoreId() == storeID {
				c.route.cache.UpdateLeader(r.GetId(), p)
			}
		}
	}
}
