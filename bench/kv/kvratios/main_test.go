package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkKV/put-c64/gee-2   100  300000 ns/op  3000 ops/s  15.0 p50-ms  50.0 p99-ms  250 srv-cpu-us/op
BenchmarkKV/put-c64/gee-2   100  250000 ns/op  4000 ops/s  14.0 p50-ms  40.0 p99-ms  240 srv-cpu-us/op
BenchmarkKV/put-c64/etcd-2  100  900000 ns/op  1000 ops/s  45.0 p50-ms  200.0 p99-ms  480 srv-cpu-us/op
BenchmarkKV/put-c64/etcd-2  100  500000 ns/op  2000 ops/s  40.0 p50-ms  150.0 p99-ms  470 srv-cpu-us/op
BenchmarkKV/put-c64/gee-8regions-2  100  200000 ns/op  6000 ops/s  9.0 p50-ms  30.0 p99-ms  200 srv-cpu-us/op
BenchmarkKV/put-c64/gee-8regions-2  100  200000 ns/op  5000 ops/s  9.0 p50-ms  30.0 p99-ms  200 srv-cpu-us/op
BenchmarkKV/put-c1/gee-2    100  4000000 ns/op  250 ops/s  3.5 p50-ms  15.0 p99-ms
BenchmarkKV/put-c1/gee-8regions 100  4000000 ns/op  200 ops/s  3.5 p50-ms  15.0 p99-ms
PASS
`

func TestRatios(t *testing.T) {
	runs, order, impls, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	printRatios(&b, runs, order, impls)
	out := b.String()
	for _, want := range []string{
		"gee run 1: ops/s gee 3000 etcd 1000 = 3.00x | p50 ms 15.00 vs 45.00 | p99 ms 50.00 vs 200.00 | srv-cpu-us/op 250 vs 480 | cli-cpu-us/op 0 vs 0",
		"gee run 2: ops/s gee 4000 etcd 2000 = 2.00x",
		"throughput gee/etcd: 2.00-3.00x\n  gee-8regions run 1: ops/s gee-8regions 6000 etcd 1000 = 6.00x",
		"throughput gee-8regions/etcd: 2.50-6.00x",
		"put-c1\n  gee: 1 runs, 0 etcd runs: nothing to pair\n  gee-8regions: 1 runs, 0 etcd runs: nothing to pair",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

const txnSample = `BenchmarkTxn/txn-1key/gee-8regions-2  500  100 ns/op  2000 txns/s  0.010 abort-rate  5.0 p50-ms  20.0 p99-ms
BenchmarkTxn/txn-1key/etcd-2  500  100 ns/op  1000 txns/s  0.001 abort-rate  9.0 p50-ms  30.0 p99-ms
BenchmarkTxn/txn-1key/gee-8regions#01-2  500  100 ns/op  3000 txns/s  0.020 abort-rate  5.0 p50-ms  20.0 p99-ms
BenchmarkTxn/txn-1key/etcd#01-2  500  100 ns/op  1000 txns/s  0.003 abort-rate  9.0 p50-ms  30.0 p99-ms
`

// TestTxnRatios: txns/s is the throughput, rounds (#01) are further runs,
// abort rates are printed per run and as ranges.
func TestTxnRatios(t *testing.T) {
	runs, order, impls, err := parse(strings.NewReader(txnSample))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	printRatios(&b, runs, order, impls)
	out := b.String()
	for _, want := range []string{
		"gee-8regions run 1: txns/s gee-8regions 2000 etcd 1000 = 2.00x",
		"| abort-rate 0.010 vs 0.001\n",
		"gee-8regions run 2: txns/s gee-8regions 3000 etcd 1000 = 3.00x",
		"throughput gee-8regions/etcd: 2.00-3.00x\n  abort-rate gee-8regions 0.010-0.020, etcd 0.001-0.003\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "#01") {
		t.Errorf("a round suffix survived:\n%s", out)
	}
}

func TestBadValue(t *testing.T) {
	_, _, _, err := parse(strings.NewReader("BenchmarkKV/put-c1/gee-2 1 x ns/op\n"))
	if err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Fatalf("err = %v, want one naming the bad value", err)
	}
}

func TestTrimRepeat(t *testing.T) {
	for in, want := range map[string]string{"etcd#01": "etcd", "etcd": "etcd", "gee-8regions#12": "gee-8regions",
		"a#b": "a#b", "#01": "#01"} {
		if got := trimRepeat(in); got != want {
			t.Errorf("trimRepeat(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrimProcs(t *testing.T) {
	for in, want := range map[string]string{"gee-2": "gee", "gee": "gee", "gee-8regions": "gee-8regions",
		"gee-8regions-16": "gee-8regions", "etcd-4": "etcd", "-3": "-3"} {
		if got := trimProcs(in); got != want {
			t.Errorf("trimProcs(%q) = %q, want %q", in, got, want)
		}
	}
}
