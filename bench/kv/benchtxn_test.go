package kv

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// txnRoundsEnv repeats every txn workload on every cluster this many times,
// alternating implementations (round 1: txn-1key on each, txn-10key on
// each, ...; then round 2), so load changes on a shared machine hit both
// sides alike. go test's -count instead repeats one case back to back.
const txnRoundsEnv = "KVBENCH_TXN_ROUNDS"

// txnRounds reads txnRoundsEnv (default 1).
func txnRounds() (int, error) {
	v := os.Getenv(txnRoundsEnv)
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, fmt.Errorf("%s=%q: want 1..100", txnRoundsEnv, v)
	}
	return n, nil
}

// txnImpls are the selected implementations (KVBENCH_IMPLS, default: all
// but the opt-in ones) that run transactions.
func txnImpls() ([]impl, error) {
	selected, err := selectImpls(os.Getenv(implsEnv))
	if err != nil {
		return nil, err
	}
	var out []impl
	for _, im := range selected {
		if im.txn {
			out = append(out, im)
		}
	}
	return out, nil
}

// namedCluster is a started cluster and its implementation's name.
type namedCluster struct {
	name string
	*cluster
}

// BenchmarkTxn/<workload>/<impl> commits b.N transactions over txnConc
// clients. All clusters run at once (idle but one), so rounds can alternate
// between them. Reported: txns/s (committed), abort-rate (aborted tries /
// tries), p50-ms and p99-ms per committed transaction (retries included),
// server and client CPU per committed transaction.
func BenchmarkTxn(b *testing.B) {
	selected, err := txnImpls()
	if err != nil {
		b.Fatal(err)
	}
	rounds, err := txnRounds()
	if err != nil {
		b.Fatal(err)
	}
	flags := strings.Fields(os.Getenv(geeFlagsEnv))
	var clusters []namedCluster
	defer func() {
		for _, c := range clusters {
			c.close()
		}
	}()
	for _, im := range selected {
		if im.missing != nil && im.missing() != "" {
			b.Logf("%s skipped: %s", im.name, im.missing())
			continue
		}
		clusters = append(clusters, namedCluster{im.name, im.start(b, b.TempDir(), flags)})
	}
	for round := 0; round < rounds; round++ {
		for _, w := range txnWorkloads {
			for _, c := range clusters {
				b.Run(w.name+"/"+c.name, func(b *testing.B) { benchTxn(b, c.cluster, w) })
			}
		}
	}
}

// benchTxn measures one workload on one cluster.
func benchTxn(b *testing.B, c *cluster, w txnWorkload) {
	cpu0, cpuOK := c.serversCPU()
	cli0, cliErr := procCPU(os.Getpid())
	b.ResetTimer()
	r, err := w.run(c.txn, b.N)
	b.StopTimer()
	if err != nil {
		b.Fatalf("%s: %v", w.name, err)
	}
	b.ReportMetric(r.opsPerSec(), "txns/s")
	b.ReportMetric(r.abortRate(), "abort-rate")
	b.ReportMetric(float64(r.p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(r.p99.Microseconds())/1000, "p99-ms")
	if cpu1, ok := c.serversCPU(); ok && cpuOK {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "srv-cpu-us/op")
	}
	if cli1, err := procCPU(os.Getpid()); err == nil && cliErr == nil {
		b.ReportMetric(float64((cli1-cli0).Microseconds())/float64(b.N), "cli-cpu-us/op")
	}
}

// TestTxnSmoke commits a few hundred transactions of every txn workload on
// each transactional cluster (opt-in with KVBENCH_SMOKE=1: the clusters take
// a minute or more to build and settle), checking the counters after rmw.
func TestTxnSmoke(t *testing.T) {
	if os.Getenv(smokeEnv) == "" {
		t.Skipf("set %s=1 to start the clusters", smokeEnv)
	}
	selected, err := txnImpls()
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range selected {
		t.Run(im.name, func(t *testing.T) {
			if im.missing != nil && im.missing() != "" {
				t.Skip(im.missing())
			}
			t0 := time.Now()
			c := im.start(t, t.TempDir(), nil)
			defer c.close()
			t.Logf("started in %v", time.Since(t0))
			for _, w := range txnWorkloads {
				r, err := w.run(c.txn, 300)
				if err != nil {
					t.Fatalf("%s: %v", w.name, err)
				}
				if r.ops != 300 || r.attempts < 300 || r.p99 < r.p50 {
					t.Fatalf("%s: implausible result %+v", w.name, r)
				}
				t.Logf("%s: %.0f txns/s, abort rate %.3f, p50 %v p99 %v", w.name, r.opsPerSec(),
					r.abortRate(), r.p50, r.p99)
			}
		})
	}
}
