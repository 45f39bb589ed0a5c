package simulator

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// Config shapes a simulated cluster.
type Config struct {
	Stores     int   // number of stores (ids 1..Stores)
	Regions    int   // number of regions
	Replicas   int   // replicas per region (default 3)
	RegionSize int64 // approximate size of every region in bytes (default 96 MiB)
	// InitialStores is how many stores (the first ones) hold every region at the start (default Stores):
	// a skew to balance away.
	InitialStores int
	// ReuseReports sends an unchanged region's previous RegionInfo again instead of building fresh protos, to
	// measure the scheduler alone (a server decodes every heartbeat anew, which the default includes).
	ReuseReports bool
	// Schedule tunes the coordinator; MaxReplicas and Now are set by the simulator.
	Schedule schedule.Config
}

// Sim is a simulated cluster. Its methods are not goroutine-safe except where noted.
type Sim struct {
	cfg     Config
	Cluster *core.Cluster
	Coord   *schedule.Coordinator
	now     atomic.Int64 // unix nanos of the simulated clock
	regions []*region    // index id-1
	ids     idAlloc
	dead    []uint64 // killed stores
	// Totals sums the operators the coordinator created over every Round.
	Totals schedule.RoundStats
}

// region is the simulator's truth about one region, as its leader would report it.
type region struct {
	meta       *metapb.Region
	leader     *metapb.Peer
	pending    map[uint64]int // peer id -> heartbeats until it has caught up
	size       int64
	hasPending bool
	last       *core.RegionInfo // the previous report, reused under ReuseReports while nothing changed
}

type idAlloc struct{ next atomic.Uint64 }

// AllocID implements schedule.IDAllocator.
func (a *idAlloc) AllocID() (uint64, error) { return a.next.Add(1), nil }

// New builds the cluster: stores registered and heartbeating, regions laid out round-robin over the first
// InitialStores stores and reported once.
func New(cfg Config) (*Sim, error) {
	if cfg.Replicas == 0 {
		cfg.Replicas = 3
	}
	if cfg.RegionSize == 0 {
		cfg.RegionSize = 96 << 20
	}
	if cfg.InitialStores == 0 {
		cfg.InitialStores = cfg.Stores
	}
	if cfg.Stores <= 0 || cfg.Regions <= 0 || cfg.InitialStores > cfg.Stores || cfg.Replicas > cfg.InitialStores {
		return nil, errors.New("simulator: need Stores > 0, Regions > 0, Replicas <= InitialStores <= Stores")
	}
	s := &Sim{cfg: cfg, Cluster: core.NewCluster()}
	s.now.Store(time.Unix(1_700_000_000, 0).UnixNano())
	s.ids.next.Store(uint64(cfg.Stores + cfg.Regions)) // store and region ids come first
	sc := cfg.Schedule
	sc.MaxReplicas, sc.Now = cfg.Replicas, s.Now
	co, err := schedule.NewCoordinator(s.Cluster, &s.ids, sc)
	if err != nil {
		return nil, err
	}
	s.Coord = co
	for id := 1; id <= cfg.Stores; id++ {
		if err := s.Cluster.PutStore(&metapb.Store{Id: uint64(id), Address: fmt.Sprintf("store-%d", id)}); err != nil {
			return nil, err
		}
	}
	s.StoreHeartbeats()
	s.regions = make([]*region, cfg.Regions)
	for i := range s.regions {
		s.regions[i] = s.newRegion(uint64(i+1), i)
		if _, err := s.heartbeat(s.regions[i]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// newRegion lays region id out over consecutive initial stores starting at i, led by the first.
func (s *Sim) newRegion(id uint64, i int) *region {
	meta := &metapb.Region{
		Id: id, StartKey: regionKey(id - 1), EndKey: regionKey(id),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1},
	}
	if id == 1 {
		meta.StartKey = nil
	}
	if int(id) == s.cfg.Regions {
		meta.EndKey = nil
	}
	for r := 0; r < s.cfg.Replicas; r++ {
		store := uint64((i+r)%s.cfg.InitialStores + 1)
		meta.Peers = append(meta.Peers, &metapb.Peer{Id: s.ids.next.Add(1), StoreId: store})
	}
	return &region{meta: meta, leader: meta.Peers[0], size: s.cfg.RegionSize}
}

func regionKey(n uint64) []byte { return []byte(fmt.Sprintf("k%010d", n)) }

// Now is the simulated clock.
func (s *Sim) Now() time.Time { return time.Unix(0, s.now.Load()) }

// Advance moves the simulated clock.
func (s *Sim) Advance(d time.Duration) { s.now.Add(int64(d)) }

// StoreHeartbeats reports every non-tombstone store alive at the simulated now, except those in skip.
func (s *Sim) StoreHeartbeats(skip ...uint64) {
	dead := make(map[uint64]bool, len(skip))
	for _, id := range skip {
		dead[id] = true
	}
	for id := 1; id <= s.cfg.Stores; id++ {
		if !dead[uint64(id)] {
			_ = s.Cluster.StoreHeartbeat(uint64(id), s.Now()) // a tombstone refuses: fine
		}
	}
}
