package dashboard

import "time"

// Source is what the dashboard shows. Implementations must be safe for concurrent use; the
// dashboard calls them at most once per cache period (Options.CacheTTL) however many browsers poll.
type Source interface {
	// ClusterID returns the cluster's id.
	ClusterID() uint64
	// Stores returns every known store, in any order.
	Stores() []Store
	// Regions returns every region in ascending start-key order.
	Regions() []Region
	// Operators returns up to limit recent operators, the latest started first.
	Operators(limit int) []Operator
}

// Store health as the dashboard shows it (data-store-state on the page).
const (
	HealthUp           = "up"
	HealthDisconnected = "disconnected"
	HealthDown         = "down"
	HealthOffline      = "offline"
	HealthTombstone    = "tombstone"
)

// Store is one store's state and statistics.
type Store struct {
	ID      uint64
	Address string
	// Health is one of the Health constants; anything else is shown as HealthDisconnected.
	Health string
	// LastHeartbeat is when the store last sent a heartbeat (zero: never).
	LastHeartbeat time.Time
	// Capacity, Available and UsedSize are bytes, from the store's last heartbeat.
	Capacity, Available, UsedSize uint64
	// RequestsPerSec and CommitsPerSec are the store's KV request and commit rates.
	RequestsPerSec, CommitsPerSec float64
}

// Region is one region's placement.
type Region struct {
	ID               uint64
	StartKey, EndKey []byte // empty end: unbounded
	ConfVer, Version uint64
	Peers            []Peer
	LeaderStoreID    uint64   // 0: no known leader
	ApproximateSize  int64    // bytes
	DownPeers        []uint64 // peer ids
	PendingPeers     []uint64 // peer ids
}

// Peer is one replica of a region.
type Peer struct {
	ID      uint64
	StoreID uint64
	Learner bool
}

// Operator is one running or finished scheduling operator.
type Operator struct {
	RegionID uint64
	Kind     string
	Desc     string
	// Status: "running", "success", "timeout", "cancelled" or "replaced".
	Status string
	Start  time.Time
	End    time.Time // zero while running
	Source string    // "admin" or the scheduler or checker that made it
}
