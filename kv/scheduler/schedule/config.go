package schedule

import (
	"errors"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/proto/schedulerpb"
)

// Scheduler names accepted in Config.Schedulers.
const (
	BalanceRegionName = "balance-region"
	BalanceLeaderName = "balance-leader"
)

// Config tunes the coordinator. The zero value of a field means its default.
type Config struct {
	// MaxReplicas is how many replicas each region keeps (default 3).
	MaxReplicas int
	// MaxStoreDownTime is how long a store may miss heartbeats before its replicas are replaced elsewhere
	// (default 30m).
	MaxStoreDownTime time.Duration
	// StoreDisconnectTime is how long a store may miss heartbeats and still be chosen as a balance source or a
	// target for new replicas (default 1m).
	StoreDisconnectTime time.Duration
	// ScheduleInterval is the time between scheduling rounds in Run (default 100ms).
	ScheduleInterval time.Duration
	// Schedulers lists the balance schedulers to run (default both: balance-region, balance-leader).
	// Use DisableBalance to run none; the replica checker always runs.
	Schedulers []string
	// DisableBalance turns every balance scheduler off.
	DisableBalance bool
	// RegionScheduleLimit, LeaderScheduleLimit and ReplicaScheduleLimit cap the operators of each kind in flight
	// (defaults 64, 64, 64).
	RegionScheduleLimit, LeaderScheduleLimit, ReplicaScheduleLimit int
	// PatrolBatch is how many regions the replica checker inspects per round (default 1024).
	PatrolBatch int
	// LeaderBalanceBySize balances leaders by the sum of their region sizes instead of their count.
	LeaderBalanceBySize bool
	// RegionOperatorTimeout bounds operators that move replicas (default 10m: a snapshot may be large);
	// LeaderOperatorTimeout bounds leader transfers (default 30s).
	RegionOperatorTimeout, LeaderOperatorTimeout time.Duration
	// ClusterConfig, if set, is read at the start of every round: its non-zero max_replicas and
	// max_store_down_time_ms override MaxReplicas and MaxStoreDownTime (the server's PutClusterConfig changes them).
	ClusterConfig func() *schedulerpb.ClusterConfig
	// Now is the clock (default time.Now); tests and the simulator pass their own.
	Now func() time.Time
	// Seed seeds the random region choice (0: a fixed default, so runs are reproducible).
	Seed uint64
}

// withDefaults returns c with every zero field set to its default, or an error naming a bad field.
func (c Config) withDefaults() (Config, error) {
	if c.MaxReplicas < 0 || c.RegionScheduleLimit < 0 || c.LeaderScheduleLimit < 0 ||
		c.ReplicaScheduleLimit < 0 || c.PatrolBatch < 0 {
		return c, errors.New("schedule: negative replica count, limit or batch")
	}
	if c.MaxStoreDownTime < 0 || c.StoreDisconnectTime < 0 || c.ScheduleInterval < 0 || c.RegionOperatorTimeout < 0 ||
		c.LeaderOperatorTimeout < 0 {
		return c, errors.New("schedule: negative duration")
	}
	setInt(&c.MaxReplicas, 3)
	setInt(&c.RegionScheduleLimit, 64)
	setInt(&c.LeaderScheduleLimit, 64)
	setInt(&c.ReplicaScheduleLimit, 64)
	setInt(&c.PatrolBatch, 1024)
	setDur(&c.MaxStoreDownTime, 30*time.Minute)
	setDur(&c.StoreDisconnectTime, time.Minute)
	setDur(&c.ScheduleInterval, 100*time.Millisecond)
	setDur(&c.RegionOperatorTimeout, 10*time.Minute)
	setDur(&c.LeaderOperatorTimeout, 30*time.Second)
	if c.Schedulers == nil && !c.DisableBalance {
		c.Schedulers = []string{BalanceRegionName, BalanceLeaderName}
	}
	for _, name := range c.Schedulers {
		if name != BalanceRegionName && name != BalanceLeaderName {
			return c, fmt.Errorf("schedule: unknown scheduler %q (want %s or %s)", name, BalanceRegionName,
				BalanceLeaderName)
		}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

func setInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

func setDur(v *time.Duration, def time.Duration) {
	if *v == 0 {
		*v = def
	}
}

// refreshed returns c with the cluster config's current values applied.
func (c Config) refreshed() Config {
	if c.ClusterConfig == nil {
		return c
	}
	cc := c.ClusterConfig()
	if n := cc.GetMaxReplicas(); n > 0 && n <= maxReplicasLimit {
		c.MaxReplicas = int(n)
	}
	if ms := cc.GetMaxStoreDownTimeMs(); ms > 0 && ms <= uint64(maxStoreDownTimeLimit/time.Millisecond) {
		c.MaxStoreDownTime = time.Duration(ms) * time.Millisecond
	}
	return c
}

// Bounds on values that may arrive over the network.
const (
	maxReplicasLimit      = 15
	maxStoreDownTimeLimit = 30 * 24 * time.Hour
)
