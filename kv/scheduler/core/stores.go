package core

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"google.golang.org/protobuf/proto"
)

// PutStore adds or updates a store's meta. The id must be set, the address non-empty and not
// used by another live store; a tombstone store cannot come back.
func (c *Cluster) PutStore(meta *metapb.Store) error {
	if meta == nil || meta.GetId() == 0 {
		return fmt.Errorf("%w: store id 0", ErrInvalidStore)
	}
	if meta.GetAddress() == "" {
		return fmt.Errorf("%w: store %d has no address", ErrInvalidStore, meta.GetId())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, s := range c.stores {
		if id != meta.GetId() && s.meta != nil && s.meta.GetAddress() == meta.GetAddress() &&
			s.meta.GetState() != metapb.StoreState_Tombstone {
			return fmt.Errorf("%w: address %s already used by store %d", ErrInvalidStore, meta.GetAddress(), id)
		}
	}
	s := c.store(meta.GetId())
	if s.meta != nil && s.meta.GetState() == metapb.StoreState_Tombstone && meta.GetState() != metapb.StoreState_Tombstone {
		return fmt.Errorf("%w: store %d", ErrStoreTombstone, meta.GetId())
	}
	s.meta = proto.Clone(meta).(*metapb.Store)
	return nil
}

// SetStoreState changes a known store's state (Up, Offline, Tombstone); a tombstone stays one.
func (c *Cluster) SetStoreState(storeID uint64, state metapb.StoreState) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stores[storeID]
	if s == nil || s.meta == nil {
		return fmt.Errorf("%w: %d", ErrStoreNotFound, storeID)
	}
	if s.meta.GetState() == metapb.StoreState_Tombstone && state != metapb.StoreState_Tombstone {
		return fmt.Errorf("%w: store %d", ErrStoreTombstone, storeID)
	}
	m := proto.Clone(s.meta).(*metapb.Store)
	m.State = state
	s.meta = m
	return nil
}

// StoreHeartbeat records that a known store is alive at now, with its latest statistics if given.
func (c *Cluster) StoreHeartbeat(storeID uint64, now time.Time, stats ...StoreStats) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stores[storeID]
	if s == nil || s.meta == nil {
		return fmt.Errorf("%w: %d", ErrStoreNotFound, storeID)
	}
	if s.meta.GetState() == metapb.StoreState_Tombstone {
		return fmt.Errorf("%w: store %d was drained and left the cluster; its heartbeats are refused", ErrStoreTombstone, storeID)
	}
	s.lastHeartbeat = now.UnixNano()
	if len(stats) > 0 {
		s.stats = stats[len(stats)-1]
	}
	return nil
}

// GetStore returns a snapshot of the store, or nil if its meta is unknown.
func (c *Cluster) GetStore(id uint64) *StoreInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s := c.stores[id]
	if s == nil || s.meta == nil {
		return nil
	}
	return s.snapshot()
}

// GetStores returns snapshots of every known store (tombstones included), ordered by id.
func (c *Cluster) GetStores() []*StoreInfo {
	c.mu.RLock()
	out := make([]*StoreInfo, 0, len(c.stores))
	for _, s := range c.stores {
		if s.meta != nil {
			out = append(out, s.snapshot())
		}
	}
	c.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID() < out[j].ID() })
	return out
}

// StoreCount returns the number of stores with known meta.
func (c *Cluster) StoreCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := 0
	for _, s := range c.stores {
		if s.meta != nil {
			n++
		}
	}
	return n
}

// RandLeaderRegion returns a random region led from the store, or nil. rnd may be nil.
func (c *Cluster) RandLeaderRegion(storeID uint64, rnd *rand.Rand) *RegionInfo {
	return c.randFrom(storeID, rnd, func(s *storeState) *regionSet { return &s.leaders })
}

// RandFollowerRegion returns a random region with a non-leader peer on the store, or nil.
func (c *Cluster) RandFollowerRegion(storeID uint64, rnd *rand.Rand) *RegionInfo {
	return c.randFrom(storeID, rnd, func(s *storeState) *regionSet { return &s.followers })
}

// RandPendingRegion returns a random region with a pending peer on the store, or nil.
func (c *Cluster) RandPendingRegion(storeID uint64, rnd *rand.Rand) *RegionInfo {
	return c.randFrom(storeID, rnd, func(s *storeState) *regionSet { return &s.pending })
}

func (c *Cluster) randFrom(storeID uint64, rnd *rand.Rand, set func(*storeState) *regionSet) *RegionInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s := c.stores[storeID]
	if s == nil {
		return nil
	}
	id := set(s).random(rnd)
	if it := c.regions[id]; it != nil {
		return it.region
	}
	return nil
}

// store returns the record for id, creating it (without meta) if needed. Caller holds mu.
func (c *Cluster) store(id uint64) *storeState {
	s := c.stores[id]
	if s == nil {
		s = &storeState{}
		c.stores[id] = s
	}
	return s
}

func (s *storeState) snapshot() *StoreInfo {
	info := &StoreInfo{meta: s.meta, stats: s.stats, counts: s.counts}
	if s.lastHeartbeat != 0 {
		info.lastHeartbeat = time.Unix(0, s.lastHeartbeat)
	}
	return info
}

// RemoveStore forgets a tombstone store that no cached region names.
func (c *Cluster) RemoveStore(storeID uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stores[storeID]
	if s == nil || s.meta == nil {
		return fmt.Errorf("%w: %d", ErrStoreNotFound, storeID)
	}
	if s.meta.GetState() != metapb.StoreState_Tombstone {
		return fmt.Errorf("%w: store %d is %s, only a tombstone can be removed", ErrInvalidStore, storeID, s.meta.GetState())
	}
	if s.counts.regionCount > 0 {
		return fmt.Errorf("%w: store %d still holds %d regions", ErrInvalidStore, storeID, s.counts.regionCount)
	}
	delete(c.stores, storeID)
	return nil
}
