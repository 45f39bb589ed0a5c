package kv

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
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
	var tw *txnWorkload
	for i := range txnWorkloads {
		if txnWorkloads[i].name == f[1] {
			tw = &txnWorkloads[i]
		}
	}
	if w == nil && tw == nil {
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
	if tw != nil && !im.txn {
		t.Fatalf("%s: %s runs no transactions", loadEnv, im.name)
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
		cpu0 := procsCPU(c.procs)
		var r result
		name, extra := f[1], ""
		if tw != nil {
			tr, err := tw.run(c.txn, ops)
			if err != nil {
				t.Fatal(err)
			}
			r, extra = tr.result, fmt.Sprintf(" abort rate %.3f;", tr.abortRate())
		} else if r, err = w.run(c, ops); err != nil {
			t.Fatal(err)
		}
		cpu1 := procsCPU(c.procs)
		var total time.Duration
		var each []string
		for i, p := range c.procs {
			total += cpu1[i] - cpu0[i]
			each = append(each, fmt.Sprintf("%s %.0f", p.name, float64((cpu1[i]-cpu0[i]).Microseconds())/float64(r.ops)))
		}
		t.Logf("%s %s round %d: %d ops in %v: %.0f ops/s p50 %v p99 %v;%s servers' CPU %v (%.0f µs/op: %s)", f[0], name,
			round, r.ops, r.elapsed, r.opsPerSec(), r.p50, r.p99, extra, total,
			float64(total.Microseconds())/float64(r.ops), strings.Join(each, ", "))
	}
}

// procsCPU returns each process's CPU time so far (0 where unreadable).
func procsCPU(procs []*proc) []time.Duration {
	out := make([]time.Duration, len(procs))
	for i, p := range procs {
		out[i], _ = procCPU(p.cmd.Process.Pid)
	}
	return out
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
