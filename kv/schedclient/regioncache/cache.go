// Package regioncache is a client-side cache of region routing: which region holds a key, who
// leads it, and where its stores listen. It loads from the scheduler (kv/schedclient) on a miss,
// keys regions by range, and is corrected by the region errors stores answer with, so kv/client
// can route requests per region, split scans at region boundaries and group batch keys by region.
package regioncache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/google/btree"
)

// Source is where the cache loads from; *schedclient.Client implements it.
type Source interface {
	GetRegion(ctx context.Context, key []byte) (*schedclient.Region, error)
	ScanRegions(ctx context.Context, start, end []byte, limit int) ([]*schedclient.Region, error)
	GetStore(ctx context.Context, id uint64) (*metapb.Store, *schedulerpb.StoreStats, error)
}

// Region is a cached region: its meta and the leader the cache believes in (nil: unknown).
// Values are immutable; the cache replaces them.
type Region struct {
	Meta   *metapb.Region
	Leader *metapb.Peer
}

// ID returns the region id.
func (r *Region) ID() uint64 { return r.Meta.GetId() }

// Contains reports whether key lies in the region's range.
func (r *Region) Contains(key []byte) bool {
	return bytes.Compare(key, r.Meta.GetStartKey()) >= 0 &&
		(len(r.Meta.GetEndKey()) == 0 || bytes.Compare(key, r.Meta.GetEndKey()) < 0)
}

// Cache is goroutine-safe.
type Cache struct {
	src     Source
	backoff time.Duration // first wait for an unresolved range; doubles to 1 s

	mu     sync.RWMutex
	tree   *btree.BTreeG[*Region]
	byID   map[uint64]*Region
	stores map[uint64]string
}

// New returns an empty cache over src.
func New(src Source) *Cache {
	return &Cache{
		src:     src,
		backoff: 10 * time.Millisecond,
		tree:    btree.NewG(32, func(a, b *Region) bool { return bytes.Compare(a.Meta.GetStartKey(), b.Meta.GetStartKey()) < 0 }),
		byID:    map[uint64]*Region{},
		stores:  map[uint64]string{},
	}
}

func probe(key []byte) *Region { return &Region{Meta: &metapb.Region{StartKey: key}} }

// lookup returns the cached region containing key, or nil. Caller holds mu.
func (c *Cache) lookup(key []byte) *Region {
	var found *Region
	c.tree.DescendLessOrEqual(probe(key), func(r *Region) bool {
		found = r
		return false
	})
	if found != nil && found.Contains(key) {
		return found
	}
	return nil
}

// Cached returns the cached region containing key without loading, or nil.
func (c *Cache) Cached(key []byte) *Region {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.lookup(key)
}

// Len returns the number of cached regions.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.byID)
}

// Locate returns the region containing key, loading it from the scheduler on a miss. A range the
// scheduler has not resolved yet (a split half that has not reported), or answers with a region
// older than what the cache learned from a store, is retried with backoff until ctx ends.
func (c *Cache) Locate(ctx context.Context, key []byte) (*Region, error) {
	delay := c.backoff
	for {
		if r := c.Cached(key); r != nil {
			return r, nil
		}
		sr, err := c.src.GetRegion(ctx, key)
		switch {
		case err == nil:
			if r := c.insert(sr.Meta, sr.Leader); r != nil && r.Contains(key) {
				return r, nil
			}
		case !errors.Is(err, schedclient.ErrRegionNotFound):
			return nil, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("regioncache: key %q: %w (range not resolved by the scheduler)", key, ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, time.Second)
	}
}

// insert caches a region unless a cached overlapping region is newer; it removes the older ones.
// It returns the region now cached, or nil if meta was stale or malformed.
func (c *Cache) insert(meta *metapb.Region, leader *metapb.Peer) *Region {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.insertLocked(meta, leader)
}

func (c *Cache) insertLocked(meta *metapb.Region, leader *metapb.Peer) *Region {
	if meta == nil || meta.GetId() == 0 || meta.GetRegionEpoch() == nil {
		return nil
	}
	if e := meta.GetEndKey(); len(e) > 0 && bytes.Compare(meta.GetStartKey(), e) >= 0 {
		return nil
	}
	r := &Region{Meta: meta, Leader: leader}
	over := c.overlaps(meta.GetStartKey(), meta.GetEndKey())
	if old := c.byID[meta.GetId()]; old != nil {
		over = append(over, old)
	}
	for _, o := range over {
		sameID := o.ID() == meta.GetId()
		if (sameID && newer(o.Meta.GetRegionEpoch(), meta.GetRegionEpoch())) ||
			(!sameID && o.Meta.GetRegionEpoch().GetVersion() > meta.GetRegionEpoch().GetVersion()) {
			return nil // the cache already knows something newer
		}
	}
	for _, o := range over {
		c.remove(o)
	}
	c.tree.ReplaceOrInsert(r)
	c.byID[r.ID()] = r
	return r
}

// newer reports whether epoch a is ahead of b in either component.
func newer(a, b *metapb.RegionEpoch) bool {
	return a.GetVersion() > b.GetVersion() || a.GetConfVer() > b.GetConfVer()
}

// overlaps returns the cached regions intersecting [start, end). Caller holds mu.
func (c *Cache) overlaps(start, end []byte) []*Region {
	var out []*Region
	if first := c.lookup(start); first != nil {
		out = append(out, first)
	}
	c.tree.AscendGreaterOrEqual(probe(start), func(r *Region) bool {
		if len(end) > 0 && bytes.Compare(r.Meta.GetStartKey(), end) >= 0 {
			return false
		}
		if len(out) == 0 || out[0] != r {
			out = append(out, r)
		}
		return true
	})
	return out
}

// remove drops r if it is still the cached value for its id. Caller holds mu.
func (c *Cache) remove(r *Region) {
	if c.byID[r.ID()] != r {
		return
	}
	delete(c.byID, r.ID())
	if cur, ok := c.tree.Get(r); ok && cur == r {
		c.tree.Delete(r)
	}
}

// Invalidate drops a region (e.g. after RegionNotFound or KeyNotInRegion); the next Locate reloads.
func (c *Cache) Invalidate(regionID uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.byID[regionID]; r != nil {
		c.remove(r)
	}
}

// UpdateLeader records a new leader for a cached region (from a NotLeader hint). A leader that
// is not one of the cached peers means the cache is behind: the region is dropped instead.
func (c *Cache) UpdateLeader(regionID uint64, leader *metapb.Peer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.byID[regionID]
	if r == nil || leader == nil {
		return
	}
	for _, p := range r.Meta.GetPeers() {
		if p.GetId() == leader.GetId() && p.GetStoreId() == leader.GetStoreId() {
			n := &Region{Meta: r.Meta, Leader: p}
			c.tree.ReplaceOrInsert(n)
			c.byID[regionID] = n
			return
		}
	}
	c.remove(r)
}

var _ Source = (*schedclient.Client)(nil)
