package simulator

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// BenchmarkRegionHeartbeats sends heartbeats for 100,000 regions on 100 stores through core.Cluster.HandleRegion
// and the coordinator's Dispatch, from GOMAXPROCS goroutines, and reports heartbeats per second.
// The fresh case builds new protos for every heartbeat, as a server decoding them would; reused resends the
// previous RegionInfo of an unchanged region, to time the scheduler alone.
func BenchmarkRegionHeartbeats(b *testing.B) {
	b.Run("fresh", func(b *testing.B) { benchHeartbeats(b, false) })
	b.Run("reused", func(b *testing.B) { benchHeartbeats(b, true) })
}

func benchHeartbeats(b *testing.B, reuse bool) {
	s, err := New(Config{Stores: 100, Regions: 100_000, ReuseReports: reuse})
	if err != nil {
		b.Fatal(err)
	}
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	total := 0
	for i := 0; i < b.N; i++ {
		n, err := s.HeartbeatAll(workers)
		if err != nil {
			b.Fatal(err)
		}
		total += n
	}
	reportRates(b, total, time.Since(start), cpuTime()-cpu0)
}

// reportRates reports heartbeats per wall second and per CPU second (the latter is steadier on a shared
// machine: with GOMAXPROCS cores to ourselves, wall rate ≈ CPU rate × cores).
func reportRates(b *testing.B, n int, wall, cpu time.Duration) {
	b.ReportMetric(float64(n)/wall.Seconds(), "heartbeats/s")
	if cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "heartbeats/cpu-s")
	}
}

// BenchmarkRegionHeartbeatsWhileBalancing is BenchmarkRegionHeartbeats while the coordinator schedules rounds
// against a skewed cluster, so some heartbeats carry steps and change the cache.
func BenchmarkRegionHeartbeatsWhileBalancing(b *testing.B) {
	s, err := New(Config{Stores: 100, Regions: 100_000, InitialStores: 10,
		Schedule: schedule.Config{RegionScheduleLimit: 1024}})
	if err != nil {
		b.Fatal(err)
	}
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	total := 0
	for i := 0; i < b.N; i++ {
		s.Coord.RunOnce()
		n, err := s.HeartbeatAll(workers)
		if err != nil {
			b.Fatal(err)
		}
		total += n
	}
	reportRates(b, total, time.Since(start), cpuTime()-cpu0)
}

// BenchmarkBalanceFromSkew balances 100 stores and 100,000 regions that start on 10 stores, and reports the
// rounds it took, with the default limit of 64 region moves in flight and with 1024.
func BenchmarkBalanceFromSkew(b *testing.B) {
	for _, limit := range []int{64, 1024} {
		b.Run(fmt.Sprintf("limit=%d", limit), func(b *testing.B) { benchBalance(b, limit) })
	}
}

func benchBalance(b *testing.B, limit int) {
	for i := 0; i < b.N; i++ {
		s, err := New(Config{Stores: 100, Regions: 100_000, InitialStores: 10,
			Schedule: schedule.Config{RegionScheduleLimit: limit}})
		if err != nil {
			b.Fatal(err)
		}
		rounds, err := s.RunUntilBalanced(100_000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rounds), "rounds")
		b.ReportMetric(float64(s.Totals.Region), "region-moves")
		b.ReportMetric(float64(s.Totals.Leader), "leader-moves")
	}
}
