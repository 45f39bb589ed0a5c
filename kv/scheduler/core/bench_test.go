package core

import (
	"fmt"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

const benchRegions, benchStores = 100_000, 100

// benchCluster loads 100,000 regions with 3 replicas over 100 stores and returns their metas.
func benchCluster(b *testing.B) (*Cluster, []*metapb.Region) {
	c := NewCluster()
	metas := make([]*metapb.Region, benchRegions)
	for i := range metas {
		id := uint64(i + 1)
		m := &metapb.Region{
			Id: id, StartKey: []byte(fmt.Sprintf("t%08d", i)), EndKey: []byte(fmt.Sprintf("t%08d", i+1)),
			RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1},
		}
		for r := 0; r < 3; r++ {
			m.Peers = append(m.Peers, &metapb.Peer{Id: id*10 + uint64(r), StoreId: uint64((i+r)%benchStores + 1)})
		}
		metas[i] = m
		if _, err := c.HandleRegion(NewRegionInfo(m, m.Peers[0], WithApproximateSize(96<<20))); err != nil {
			b.Fatal(err)
		}
	}
	return c, metas
}

// BenchmarkHandleRegion measures region heartbeats per second against 100,000 cached regions.
// unchanged: the common steady-state heartbeat; size: every heartbeat reports a new size;
// leader: every heartbeat moves the leader (role sets updated); parallel: unchanged, all cores.
func BenchmarkHandleRegion(b *testing.B) {
	c, metas := benchCluster(b)
	run := func(name string, mk func(i int) *RegionInfo) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for i := 0; b.Loop(); i++ {
				if _, err := c.HandleRegion(mk(i)); err != nil {
					b.Fatal(err)
				}
			}
			reportRates(b, cpu0)
		})
	}
	run("unchanged", func(i int) *RegionInfo {
		m := metas[i%benchRegions]
		return NewRegionInfo(m, m.Peers[0], WithApproximateSize(96<<20))
	})
	run("size", func(i int) *RegionInfo {
		m := metas[i%benchRegions]
		return NewRegionInfo(m, m.Peers[0], WithApproximateSize(int64(i)))
	})
	run("leader", func(i int) *RegionInfo {
		m := metas[i%benchRegions]
		return NewRegionInfo(m, m.Peers[(i/benchRegions+1)%3], WithApproximateSize(int64(i)))
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				m := metas[i%benchRegions]
				i += 7
				if _, err := c.HandleRegion(NewRegionInfo(m, m.Peers[0], WithApproximateSize(96<<20))); err != nil {
					b.Error(err)
					return
				}
			}
		})
		reportRates(b, cpu0)
	})
}

// reportRates reports heartbeats per wall second and per CPU second (the steadier figure on a
// shared machine; it includes the garbage collector's work).
func reportRates(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "heartbeats/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "heartbeats/cpu-s")
	}
}
