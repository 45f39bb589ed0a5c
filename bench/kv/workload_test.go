package kv

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	valueSize = 128
	// opTimeout bounds each request; a stuck cluster fails the run rather
	// than hanging it.
	opTimeout = 10 * time.Second
	// preloadKeys is how many keys get-c64 reads from.
	preloadKeys = 1024
)

// result is one workload run's measurements.
type result struct {
	ops      int
	elapsed  time.Duration
	p50, p99 time.Duration
}

func (r result) opsPerSec() float64 { return float64(r.ops) / r.elapsed.Seconds() }

// runOps runs n operations over conc goroutines, op(i) doing the i-th, and
// collects every latency. It stops at the first error.
func runOps(n, conc int, op func(ctx context.Context, i int) error) (result, error) {
	lat := make([][]time.Duration, conc)
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < conc; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[g] = make([]time.Duration, 0, n/conc+1)
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
				t0 := time.Now()
				err := op(ctx, i)
				lat[g] = append(lat[g], time.Since(t0))
				cancel()
				if err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("op %d: %w", i, err) })
					next.Store(int64(n)) // stop the others
					return
				}
			}
		}()
	}
	wg.Wait()
	r := result{ops: n, elapsed: time.Since(start)}
	all := slices.Concat(lat...)
	slices.Sort(all)
	r.p50, r.p99 = percentile(all, 50), percentile(all, 99)
	return r, firstErr
}

// percentile returns the nearest-rank p-th percentile of sorted d.
func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := (len(d)*p + 99) / 100
	return d[max(i-1, 0)]
}

// keyBuckets is how many key ranges the workloads spread their keys over
// evenly: key i starts with bucket i%keyBuckets ("3/put/..."), so a cluster
// split at splitKeys() gets the same share of every workload in each region.
const keyBuckets = 8

func key(prefix string, i int) []byte {
	return fmt.Appendf(nil, "%d/%s%010d", i%keyBuckets, prefix, i)
}

// splitKeys are the keys that cut the workloads' key space into keyBuckets
// ranges of equal load: "1/", ..., "7/" (bucket 0 takes everything below "1/").
func splitKeys() [][]byte {
	keys := make([][]byte, 0, keyBuckets-1)
	for b := 1; b < keyBuckets; b++ {
		keys = append(keys, fmt.Appendf(nil, "%d/", b))
	}
	return keys
}

// value is a valueSize-byte value that names its key, so gets can check it.
func value(k []byte) []byte {
	v := make([]byte, valueSize)
	for i := range v {
		v[i] = 'v'
	}
	copy(v, k)
	return v
}

// workload is one of the three benchmarked phases.
type workload struct {
	name string
	conc int
	op   func(s store, run string) func(ctx context.Context, i int) error
}

var workloads = []workload{
	{name: "put-c64", conc: 64, op: putOp},
	{name: "get-c64", conc: 64, op: getOp},
	{name: "put-c1", conc: 1, op: putOp},
}

// putOp writes distinct keys (run keeps repeated runs from overwriting).
func putOp(s store, run string) func(ctx context.Context, i int) error {
	return func(ctx context.Context, i int) error {
		k := key("put/"+run+"/", i)
		return s.Put(ctx, k, value(k))
	}
}

// preload writes the keys getOp reads; run it once per cluster.
func preload(s store) error {
	_, err := runOps(preloadKeys, 16, func(ctx context.Context, i int) error {
		k := key("get/", i)
		return s.Put(ctx, k, value(k))
	})
	return err
}

// getOp reads keys written by preload and checks each value.
func getOp(s store, _ string) func(ctx context.Context, i int) error {
	return func(ctx context.Context, i int) error {
		k := key("get/", (i*7919)%preloadKeys)
		v, found, err := s.Get(ctx, k)
		if err != nil {
			return err
		}
		if !found || string(v) != string(value(k)) {
			return fmt.Errorf("get %s: found=%v, %d-byte value not the one put", k, found, len(v))
		}
		return nil
	}
}

var runSeq atomic.Int64

// run measures w against s with n operations.
func (w workload) run(s store, n int) (result, error) {
	return runOps(n, w.conc, w.op(s, fmt.Sprint(runSeq.Add(1))))
}

func report(b *testing.B, r result) {
	b.ReportMetric(r.opsPerSec(), "ops/s")
	b.ReportMetric(float64(r.p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(r.p99.Microseconds())/1000, "p99-ms")
}
