package kv

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// impls are the clusters compared, TinyKV first. flags are extra
// tinykv-server flags (KVBENCH_GEE_FLAGS, or TestLoad's).
var impls = []impl{
	{name: "gee", start: func(tb testing.TB, dir string, flags []string) *cluster {
		return startGee(tb, dir, flags...)
	}, missing: geeMissing},
	// The same stores registered with tinykv-scheduler, the key space split
	// into keyBuckets regions and their leaders balanced over the stores.
	{name: "gee-8regions", start: func(tb testing.TB, dir string, flags []string) *cluster {
		return startGeeRegions(tb, dir, splitKeys(), flags...)
	}, missing: schedMissing, txn: true},
	// Diagnostic variants, run only when KVBENCH_IMPLS names them: the
	// scheduler-mode cluster with one region (its leader on one store), and
	// with 3 regions (one leader per store).
	{name: "gee-1region-sched", start: func(tb testing.TB, dir string, flags []string) *cluster {
		return startGeeRegions(tb, dir, nil, flags...)
	}, missing: schedMissing, optIn: true, txn: true},
	{name: "gee-3regions", start: func(tb testing.TB, dir string, flags []string) *cluster {
		return startGeeRegions(tb, dir, [][]byte{[]byte("3/"), []byte("6/")}, flags...)
	}, missing: schedMissing, optIn: true, txn: true},
	{name: "etcd", start: func(tb testing.TB, dir string, _ []string) *cluster {
		return startEtcd(tb, dir)
	}, txn: true},
}

// geeFlagsEnv adds tinykv-server flags to every TinyKV store, e.g.
// KVBENCH_GEE_FLAGS=-lease-reads=false (ReadIndex reads instead of the
// leader lease, the default).
const geeFlagsEnv = "KVBENCH_GEE_FLAGS"

// implsEnv narrows the implementations run, e.g. KVBENCH_IMPLS=gee-8regions,etcd
// (default: all but the opt-in ones, in the order of impls).
const implsEnv = "KVBENCH_IMPLS"

// selectImpls returns the impls named in the comma-separated list spec
// ("": all but the opt-in ones), in impls' order, or an error naming an
// unknown one.
func selectImpls(spec string) ([]impl, error) {
	if strings.TrimSpace(spec) == "" {
		var out []impl
		for _, im := range impls {
			if !im.optIn {
				out = append(out, im)
			}
		}
		return out, nil
	}
	want := map[string]bool{}
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		if !slices.ContainsFunc(impls, func(im impl) bool { return im.name == name }) {
			return nil, fmt.Errorf("%s: unknown implementation %q (have %s)", implsEnv, name, implNames())
		}
		want[name] = true
	}
	var out []impl
	for _, im := range impls {
		if want[im.name] {
			out = append(out, im)
		}
	}
	return out, nil
}

func implNames() string {
	var names []string
	for _, im := range impls {
		names = append(names, im.name)
	}
	return strings.Join(names, ", ")
}

// BenchmarkKV/<workload>/<impl> runs each workload against a fresh cluster
// per implementation; one implementation's processes run at a time.
func BenchmarkKV(b *testing.B) {
	selected, err := selectImpls(os.Getenv(implsEnv))
	if err != nil {
		b.Fatal(err)
	}
	flags := strings.Fields(os.Getenv(geeFlagsEnv))
	for _, im := range selected {
		if im.missing != nil && im.missing() != "" {
			b.Logf("%s skipped: %s", im.name, im.missing())
			continue
		}
		c := im.start(b, b.TempDir(), flags)
		if err := preload(c); err != nil {
			c.close()
			b.Fatalf("%s preload: %v", im.name, err)
		}
		for _, w := range workloads {
			b.Run(w.name+"/"+im.name, func(b *testing.B) {
				cpu0, cpuOK := c.serversCPU()
				cli0, cliErr := procCPU(os.Getpid())
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
				// The client (this process) shares the machine's CPUs with the servers.
				if cli1, err := procCPU(os.Getpid()); err == nil && cliErr == nil {
					b.ReportMetric(float64((cli1-cli0).Microseconds())/float64(b.N), "cli-cpu-us/op")
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
// Only the one-region TinyKV cluster runs by default; the others take a
// minute or more to build and settle.
func TestSmoke(t *testing.T) {
	selected, err := selectImpls(os.Getenv(implsEnv))
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range selected {
		t.Run(im.name, func(t *testing.T) {
			if im.missing != nil && im.missing() != "" {
				t.Skip(im.missing())
			}
			if im.name != "gee" && os.Getenv(smokeEnv) == "" {
				t.Skipf("set %s=1 to start the %s cluster", smokeEnv, im.name)
			}
			t0 := time.Now()
			c := im.start(t, t.TempDir(), nil)
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
