package kv

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// loadEnv runs one workload for profiling the servers from outside:
// KVBENCH_LOAD=<impl>,<workload>,<ops>[x<rounds>][,<server flag>...] (e.g.
// gee,put-c64,20000; impl as in KVBENCH_IMPLS). The server pids are written, one per line, to the
// file named by KVBENCH_PIDS (if set) before the load starts, and the load
// waits for KVBENCH_GO (a file path, if set) to exist, so a profiler can
// attach first. KVBENCH_DIR, if set, is where data and server logs stay.
// docs/kv-bench.md shows the perf and strace commands.
const loadEnv = "KVBENCH_LOAD"

func TestLoad(t *testing.T) {
	spec := os.Getenv(loadEnv)
	if spec == "" {
		t.Skipf("set %s=<impl>,<workload>,<ops> to run", loadEnv)
	}
	f := strings.Split(spec, ",")
	if len(f) < 3 {
		t.Fatalf("%s=%q: want <impl>,<workload>,<ops>[,<server flag>...]", loadEnv, spec)
	}
	ops, rounds, err := parseOps(f[2])
	if err != nil {
		t.Fatalf("%s: %v", loadEnv, err)
	}
	var w *workload
	for i := range workloads {
		if workloads[i].name == f[1] {
			w = &workloads[i]
		}
	}
	if w == nil {
		t.Fatalf("%s: unknown workload %q", loadEnv, f[1])
	}
	dir := os.Getenv("KVBENCH_DIR") // keeps data and server logs
	if dir == "" {
		dir = t.TempDir()
	}
	selected, err := selectImpls(f[0])
	if err != nil || len(selected) != 1 {
		t.Fatalf("%s: impl %q: want one of %s (%v)", loadEnv, f[0], implNames(), err)
	}
	im := selected[0]
	if im.missing != nil && im.missing() != "" {
		t.Skip(im.missing())
	}
	c := im.start(t, dir, f[3:])
	defer c.close()
	if err := preload(c); err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("KVBENCH_PIDS"); path != "" {
		var b strings.Builder
		for _, p := range c.procs {
			fmt.Fprintln(&b, p.cmd.Process.Pid)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if path := os.Getenv("KVBENCH_GO"); path != "" {
		waitForFile(t, path)
	}
	for round := 1; round <= rounds; round++ {
		cpu0, _ := c.serversCPU()
		r, err := w.run(c, ops)
		if err != nil {
			t.Fatal(err)
		}
		cpu1, _ := c.serversCPU()
		t.Logf("%s %s round %d: %d ops in %v: %.0f ops/s p50 %v p99 %v; servers' CPU %v (%.0f µs/op)", f[0], w.name,
			round, r.ops, r.elapsed, r.opsPerSec(), r.p50, r.p99, cpu1-cpu0, float64((cpu1-cpu0).Microseconds())/float64(r.ops))
	}
}

// parseOps parses "<ops>" or "<ops>x<rounds>" (rounds of ops each, logged
// one by one, to see a cluster's throughput drift as its data grows).
func parseOps(s string) (ops, rounds int, err error) {
	opsStr, roundsStr, repeated := strings.Cut(s, "x")
	rounds = 1
	if repeated {
		if rounds, err = strconv.Atoi(roundsStr); err != nil || rounds <= 0 || rounds > 1000 {
			return 0, 0, fmt.Errorf("rounds %q: want 1..1000", roundsStr)
		}
	}
	if ops, err = strconv.Atoi(opsStr); err != nil || ops <= 0 || ops > 10_000_000 {
		return 0, 0, fmt.Errorf("ops %q: want 1..10000000", opsStr)
	}
	return ops, rounds, nil
}
