package scheduler

import (
	"time"

	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// Config configures Open. Zero fields take the defaults below.
type Config struct {
	// DataDir holds the scheduler's pebble database (required).
	DataDir string
	// MaxReplicas and MaxStoreDownTime seed the cluster config on first start; a persisted
	// config wins on later starts unless OverrideClusterConfig is set.
	MaxReplicas           int
	MaxStoreDownTime      time.Duration
	OverrideClusterConfig bool
	// ScheduleInterval is how often Scheduling.Schedule runs; default 100 ms.
	ScheduleInterval time.Duration
	// IDWindow is how many ids one persisted high-water mark covers; default 1,000.
	IDWindow uint64
	// TSOWindow is how far the persisted TSO high-water mark runs ahead; default 3 s.
	TSOWindow time.Duration
	// RegionFlushInterval is how often changed region metas are written (one synced batch); default 100 ms.
	RegionFlushInterval time.Duration
	// Limits bound what one request may ask for.
	Limits Limits
	// NewScheduling builds the scheduling policies (an error fails Open); nil means no commands
	// are ever sent.
	NewScheduling func(env SchedulingEnv) (Scheduling, error)
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// MinRegionSize is the least approximate size (bytes) a region heartbeat is recorded with. A
// region that reports less (0: new, just split, or never measured) still costs about as much to
// place as a small one, so balance-region must see it: it counts as 1 MiB (as PD counts sizes
// in MiB, at least 1).
const MinRegionSize = 1 << 20

// Defaults for Config.
const (
	DefaultMaxReplicas         = 3
	DefaultMaxStoreDownTime    = 30 * time.Minute
	DefaultScheduleInterval    = 100 * time.Millisecond
	DefaultIDWindow            = 1000
	DefaultTSOWindow           = 3 * time.Second
	DefaultRegionFlushInterval = 100 * time.Millisecond
)

// Limits bound requests. Zero fields take the defaults below; a request over a limit is
// answered with an INVALID_ARGUMENT error naming it (streams over the limit: ResourceExhausted).
type Limits struct {
	MaxKeySize       int    // region keys and lookup keys; default 8 KiB (as kv/server)
	MaxPeers         int    // peers per region and max_replicas; default 16
	MaxScanRegions   int    // regions per ScanRegions; default 10,000
	MaxScanBytes     int    // encoded regions per ScanRegions response (stops early); default 8 MiB
	MaxSplitCount    uint32 // new regions per AskBatchSplit; default 1,000
	MaxReportRegions int    // regions per ReportBatchSplit; default 1,001
	MaxTSOCount      uint32 // timestamps per TSO request; default 1<<17
	MaxAddressLen    int    // store address; default 256 bytes
	MaxTSOStreams    int    // concurrent TSO streams; default 1,024
	MaxRegionStreams int    // concurrent region heartbeat streams; default 1,024
}

func (l Limits) withDefaults() Limits {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&l.MaxKeySize, 8<<10)
	set(&l.MaxPeers, 16)
	set(&l.MaxScanRegions, 10_000)
	set(&l.MaxScanBytes, 8<<20)
	set(&l.MaxReportRegions, 1001)
	set(&l.MaxAddressLen, 256)
	set(&l.MaxTSOStreams, 1024)
	set(&l.MaxRegionStreams, 1024)
	if l.MaxSplitCount == 0 {
		l.MaxSplitCount = 1000
	}
	if l.MaxTSOCount == 0 || l.MaxTSOCount > maxLogical {
		l.MaxTSOCount = 1 << 17
	}
	return l
}

func (c Config) withDefaults() Config {
	if c.MaxReplicas <= 0 {
		c.MaxReplicas = DefaultMaxReplicas
	}
	if c.MaxStoreDownTime <= 0 {
		c.MaxStoreDownTime = DefaultMaxStoreDownTime
	}
	if c.ScheduleInterval <= 0 {
		c.ScheduleInterval = DefaultScheduleInterval
	}
	if c.IDWindow == 0 {
		c.IDWindow = DefaultIDWindow
	}
	if c.TSOWindow <= 0 {
		c.TSOWindow = DefaultTSOWindow
	}
	if c.RegionFlushInterval <= 0 {
		c.RegionFlushInterval = DefaultRegionFlushInterval
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Limits = c.Limits.withDefaults()
	return c
}

// IDAllocator hands out cluster-unique ids (new peer ids for the scheduling policies).
type IDAllocator interface {
	AllocID() (uint64, error)
}

// SchedulingEnv is what the scheduling policies get from the server.
type SchedulingEnv struct {
	Cluster *core.Cluster
	IDs     IDAllocator
	// Config returns the current cluster config (it changes with PutClusterConfig).
	Config func() *schedulerpb.ClusterConfig
}

// Scheduling is the seam to the scheduling policies (operators, schedulers, checkers).
// Both methods must be goroutine-safe; Dispatch runs on every region heartbeat, so it must be cheap.
type Scheduling interface {
	// Dispatch returns the command for the region's leader (only change_peer or transfer_leader
	// need be set; the server fills in the header, region id, epoch and target peer), or nil.
	Dispatch(region *core.RegionInfo) *schedulerpb.RegionHeartbeatResponse
	// Schedule runs the schedulers and checkers once; the server calls it every ScheduleInterval.
	Schedule(now time.Time)
}
