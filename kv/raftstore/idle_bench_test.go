//go:build unix

package raftstore

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time (user + system) this process used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIdleRegions measures the CPU that 10,000 idle regions cost: three in-process
// stores host every region (30,000 peers), with the production tick (100 ms, election 10
// ticks, heartbeat 2), awake (NoHibernate) and hibernated. One op is one second of
// idleness; cpu-ms/s is the process's CPU time per wall second (all three stores),
// per-store divides it by three.
//
//	go test -run '^$' -bench IdleRegions -benchtime 5x ./kv/raftstore/
func BenchmarkIdleRegions(b *testing.B) {
	const n = 10000
	for _, mode := range []struct {
		name        string
		noHibernate bool
	}{{"awake", true}, {"hibernated", false}} {
		b.Run(mode.name, func(b *testing.B) {
			c := newManyRegionCluster(b, n, func(id uint64) Config {
				cfg := testConfig(id)
				cfg.TickInterval, cfg.RaftLogGCTickInterval, cfg.NoHibernate = 100*time.Millisecond, time.Second, mode.noHibernate
				return cfg
			})
			settle := time.Now()
			waitLeaders(b, c, n, 3*time.Minute)
			if mode.noHibernate {
				time.Sleep(2 * time.Second) // the leaders' first entries commit and apply
			} else {
				c.waitQuiet(b, n, 3*time.Minute)
			}
			b.Logf("%d regions settled in %v", n, time.Since(settle))
			b.ResetTimer()
			cpu0, wall0 := processCPU(b), time.Now()
			for i := 0; i < b.N; i++ {
				time.Sleep(time.Second)
			}
			cpu, wall := processCPU(b)-cpu0, time.Since(wall0)
			b.StopTimer()
			perSec := float64(cpu.Milliseconds()) / wall.Seconds()
			b.ReportMetric(perSec, "cpu-ms/s")
			b.ReportMetric(perSec/3, "cpu-ms/s/store")
			awake, ticked := c.stores[1].AwakeRegions()
			b.ReportMetric(float64(awake), "awake-peers/store")
			b.ReportMetric(float64(ticked), "ticked/round")
		})
	}
}

// waitLeaders waits until store 1 knows a leader for each of the n regions.
func waitLeaders(b testing.TB, c *testCluster, n int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for id := uint64(1); id <= uint64(n); id++ {
		for {
			if st, _ := c.stores[1].RegionStatus(id); st.LeaderID != 0 {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("region %d has no leader after %v", id, timeout)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// BenchmarkFirstReadAfterHibernation times a linearizable read on the leader of a quiet
// region (the read wakes the group; only the read is timed), with ReadIndex and with
// lease reads.
//
//	go test -run '^$' -bench FirstReadAfterHibernation -benchtime 20x ./kv/raftstore/
func BenchmarkFirstReadAfterHibernation(b *testing.B) {
	for _, lease := range []bool{false, true} {
		b.Run(fmt.Sprintf("lease=%v", lease), func(b *testing.B) {
			c := newTestCluster(b, 3, func(id uint64) Config {
				cfg := testConfig(id)
				cfg.LeaseReads = lease
				return cfg
			})
			if err := c.put("k", "v"); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c.waitQuiet(b, 1, 10*time.Second)
				l := c.leader()
				b.StartTimer()
				if _, ok, err := c.get(l, "k", false); err != nil || !ok {
					b.Fatalf("read: %v %v", ok, err)
				}
			}
		})
	}
}
