package regioncache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// KeyGroup is the keys of a batch that one region holds, in their original order.
type KeyGroup struct {
	Region *Region
	Keys   [][]byte
	// Index[i] is the position of Keys[i] in the batch, to put answers back in order.
	Index []int
}

// GroupKeys locates every key and groups the keys by region, groups in key order of their regions.
func (c *Cache) GroupKeys(ctx context.Context, keys [][]byte) ([]*KeyGroup, error) {
	byRegion := map[uint64]*KeyGroup{}
	for i, k := range keys {
		r, err := c.Locate(ctx, k)
		if err != nil {
			return nil, err
		}
		g := byRegion[r.ID()]
		if g == nil {
			g = &KeyGroup{Region: r}
			byRegion[r.ID()] = g
		}
		g.Keys = append(g.Keys, k)
		g.Index = append(g.Index, i)
	}
	out := make([]*KeyGroup, 0, len(byRegion))
	for _, g := range byRegion {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		return bytes.Compare(out[i].Region.Meta.GetStartKey(), out[j].Region.Meta.GetStartKey()) < 0
	})
	return out, nil
}

// Span is the part [Start, End) of a scan that one region serves (End empty: unbounded).
type Span struct {
	Region     *Region
	Start, End []byte
}

// NextSpan returns the region holding start and the part of [start, end) inside it; a scan across
// regions calls it again from the returned End until End is empty or reaches end. Asking region
// by region (rather than all at once) means a split while the scan runs is noticed at the next step.
func (c *Cache) NextSpan(ctx context.Context, start, end []byte) (*Span, error) {
	r, err := c.Locate(ctx, start)
	if err != nil {
		return nil, err
	}
	s := &Span{Region: r, Start: start, End: r.Meta.GetEndKey()}
	if len(end) > 0 && (len(s.End) == 0 || bytes.Compare(end, s.End) < 0) {
		s.End = end
	}
	return s, nil
}

// Warm loads up to limit regions from start through the scheduler's ScanRegions in one call, so a
// long scan or a cold client does not ask region by region.
func (c *Cache) Warm(ctx context.Context, start, end []byte, limit int) (int, error) {
	regions, err := c.src.ScanRegions(ctx, start, end, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range regions {
		if c.insert(r.Meta, r.Leader) != nil {
			n++
		}
	}
	return n, nil
}

// StoreAddr returns a store's address, cached after the first lookup.
func (c *Cache) StoreAddr(ctx context.Context, storeID uint64) (string, error) {
	c.mu.RLock()
	addr, ok := c.stores[storeID]
	c.mu.RUnlock()
	if ok {
		return addr, nil
	}
	st, _, err := c.src.GetStore(ctx, storeID)
	if err != nil {
		return "", err
	}
	if st.GetAddress() == "" {
		return "", fmt.Errorf("regioncache: store %d has no address", storeID)
	}
	c.mu.Lock()
	c.stores[storeID] = st.GetAddress()
	c.mu.Unlock()
	return st.GetAddress(), nil
}

// InvalidateStore forgets a store's address (it moved, or the connection failed).
func (c *Cache) InvalidateStore(storeID uint64) {
	c.mu.Lock()
	delete(c.stores, storeID)
	c.mu.Unlock()
}

// ErrNoLeader: the cache knows no leader for the region; a caller tries a peer.
var ErrNoLeader = errors.New("regioncache: leader unknown")

// LeaderAddr returns the address of the region's leader store, or ErrNoLeader.
func (c *Cache) LeaderAddr(ctx context.Context, r *Region) (*metapb.Peer, string, error) {
	if r.Leader == nil {
		return nil, "", ErrNoLeader
	}
	addr, err := c.StoreAddr(ctx, r.Leader.GetStoreId())
	return r.Leader, addr, err
}
