package kv

import (
	"os"
	"strings"
	"testing"
	"time"
)

// impls are the clusters compared, TinyKV ("gee") first.
var impls = []impl{
	{name: "gee", start: func(tb testing.TB, dir string) *cluster {
		return startGee(tb, dir, strings.Fields(os.Getenv(geeFlagsEnv))...)
	}, missing: geeMissing},
	{name: "etcd", start: startEtcd},
}

// geeFlagsEnv adds tinykv-server flags to every TinyKV store, e.g.
// KVBENCH_GEE_FLAGS=-lease-reads=false (ReadIndex reads instead of the
// leader lease, the default).
const geeFlagsEnv = "KVBENCH_GEE_FLAGS"

// BenchmarkKV/<workload>/<impl> runs each workload against a fresh cluster
// per implementation; one implementation's processes run at a time.
func BenchmarkKV(b *testing.B) {
	for _, im := range impls {
		if im.missing != nil && im.missing() != "" {
			b.Logf("%s skipped: %s", im.name, im.missing())
			continue
		}
		c := im.start(b, b.TempDir())
		if err := preload(c); err != nil {
			c.close()
			b.Fatalf("%s preload: %v", im.name, err)
		}
		for _, w := range workloads {
			b.Run(w.name+"/"+im.name, func(b *testing.B) {
				cpu0, cpuOK := c.serversCPU()
				b.ResetTimer()
				r, err := w.run(c, b.N)
				b.StopTimer()
				if err != nil {
					b.Fatalf("%s: %v", w.name, err)
				}
				report(b, r)
				if cpu1, ok := c.serversCPU(); ok && cpuOK {
					b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "srv-cpu-us/op")
				}
			})
		}
		c.close()
	}
}

// smokeEnv opts in to starting real etcd processes in the plain test pass
// (building etcd's server takes minutes on a cold cache).
const smokeEnv = "KVBENCH_SMOKE"

// TestSmoke runs every workload briefly (a few hundred operations) against
// each cluster, so the benchmark's driver and checks are known to work.
func TestSmoke(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			if im.missing != nil && im.missing() != "" {
				t.Skip(im.missing())
			}
			if im.name == "etcd" && os.Getenv(smokeEnv) == "" {
				t.Skipf("set %s=1 to start 3 etcd processes", smokeEnv)
			}
			t0 := time.Now()
			c := im.start(t, t.TempDir())
			defer func() {
				t0 := time.Now()
				c.close()
				t.Logf("stopped in %v", time.Since(t0))
			}()
			t.Logf("built and started in %v", time.Since(t0))
			if err := preload(c); err != nil {
				t.Fatal(err)
			}
			for _, w := range workloads {
				r, err := w.run(c, 200)
				if err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				if r.ops != 200 || r.p50 <= 0 || r.p99 < r.p50 {
					t.Fatalf("%s: implausible result %+v", w.name, r)
				}
				t.Logf("%s: %.0f ops/s p50 %v p99 %v", w.name, r.opsPerSec(), r.p50, r.p99)
			}
		})
	}
}
