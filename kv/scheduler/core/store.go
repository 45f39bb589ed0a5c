package core

import (
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// StoreStats is what a store reports about itself in a store heartbeat.
type StoreStats struct {
	Capacity           uint64 // bytes
	Available          uint64 // bytes
	UsedSize           uint64 // bytes
	RegionCount        int    // as the store counts them (the scheduler's own count is StoreInfo.RegionCount)
	SendingSnapCount   int
	ReceivingSnapCount int
	ApplyingSnapCount  int
	IsBusy             bool
	KVRequests         uint64 // KV RPCs served since the store process started
	KVCommits          uint64 // transactions committed since the store process started
}

// StoreInfo is a snapshot of the scheduler's view of one store: its meta, last heartbeat,
// and the region counts the Cluster keeps incrementally. It does not change after it is returned.
type StoreInfo struct {
	meta          *metapb.Store
	lastHeartbeat time.Time
	stats         StoreStats
	counts        storeCounts
}

// storeCounts are the per-store sums over the region index.
type storeCounts struct {
	regionCount  int
	leaderCount  int
	pendingCount int
	regionSize   int64
	leaderSize   int64
}

// ID returns the store id.
func (s *StoreInfo) ID() uint64 { return s.meta.GetId() }

// Meta returns the store meta; do not mutate it.
func (s *StoreInfo) Meta() *metapb.Store { return s.meta }

// Address returns the store's host:port.
func (s *StoreInfo) Address() string { return s.meta.GetAddress() }

// IsUp reports whether the store is in state Up (not Offline, not Tombstone). A store that stopped
// sending heartbeats is still Up: DownTime tells how long it has been silent.
func (s *StoreInfo) IsUp() bool { return s.meta.GetState() == metapb.StoreState_Up }

// IsOffline reports whether the store is being drained.
func (s *StoreInfo) IsOffline() bool { return s.meta.GetState() == metapb.StoreState_Offline }

// IsTombstone reports whether the store was removed for good.
func (s *StoreInfo) IsTombstone() bool { return s.meta.GetState() == metapb.StoreState_Tombstone }

// LastHeartbeat returns when the store last sent a heartbeat (zero if never).
func (s *StoreInfo) LastHeartbeat() time.Time { return s.lastHeartbeat }

// DownTime returns now - LastHeartbeat.
func (s *StoreInfo) DownTime(now time.Time) time.Duration { return now.Sub(s.lastHeartbeat) }

// Stats returns the statistics of the last store heartbeat.
func (s *StoreInfo) Stats() StoreStats { return s.stats }

// IsBusy reports the store's own busy flag from its last heartbeat.
func (s *StoreInfo) IsBusy() bool { return s.stats.IsBusy }

// RegionCount returns how many cached regions have a peer on the store.
func (s *StoreInfo) RegionCount() int { return s.counts.regionCount }

// LeaderCount returns how many cached regions have their leader on the store.
func (s *StoreInfo) LeaderCount() int { return s.counts.leaderCount }

// RegionSize returns the sum of the approximate sizes (bytes) of the regions with a peer on the store.
func (s *StoreInfo) RegionSize() int64 { return s.counts.regionSize }

// LeaderSize returns the sum of the approximate sizes (bytes) of the regions led from the store.
func (s *StoreInfo) LeaderSize() int64 { return s.counts.leaderSize }

// PendingPeerCount returns how many of the store's peers are pending.
func (s *StoreInfo) PendingPeerCount() int { return s.counts.pendingCount }
