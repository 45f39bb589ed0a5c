package kv

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
)

// txnStore is what the transactional workloads drive. Every method commits
// whole transactions only and retries its own conflicts (aborts) until it
// commits or ctx ends; attempts is how many tries it took (1 = no abort).
// Methods must be safe for concurrent use.
type txnStore interface {
	// WriteTxn commits one transaction writing value(k) to each of keys
	// (distinct), each write conditional on the key not having changed since
	// the transaction's snapshot.
	WriteTxn(ctx context.Context, keys [][]byte) (attempts int, err error)
	// Increment commits one transaction that reads the decimal counter at
	// key (absent is 0) and writes it back plus one.
	Increment(ctx context.Context, key []byte) (attempts int, err error)
	// Counters reads the counters at keys (absent is 0) transactionally.
	Counters(ctx context.Context, keys [][]byte) ([]int64, error)
}

// Transactional key spaces: writes pick from txnKeys keys, increments from
// hotKeys; 10-key transactions write txnWidth distinct keys.
const (
	txnKeys  = 10_000
	hotKeys  = 1000
	txnWidth = 10
	// txnConc is the number of concurrent clients in every txn workload.
	txnConc = 64
)

// txnStats counts the tries of one workload run.
type txnStats struct{ attempts atomic.Int64 }

// txnWorkload is one transactional benchmark phase; check, if set, runs
// after the measured part with the number of committed transactions.
type txnWorkload struct {
	name  string
	op    func(s txnStore, run string, st *txnStats) func(ctx context.Context, i int) error
	check func(ctx context.Context, s txnStore, run string, committed int) error
}

var txnWorkloads = []txnWorkload{
	{name: "txn-1key", op: writeTxnOp(1)},
	{name: "txn-10key", op: writeTxnOp(txnWidth)},
	{name: "rmw", op: incrementOp, check: checkCounters},
}

// writeTxnOp writes width random keys of the shared txnKeys key space per
// transaction (shared between runs, so later runs overwrite: steady state).
func writeTxnOp(width int) func(s txnStore, run string, st *txnStats) func(ctx context.Context, i int) error {
	return func(s txnStore, run string, st *txnStats) func(ctx context.Context, i int) error {
		seed := seedOf(run)
		return func(ctx context.Context, i int) error {
			keys := make([][]byte, 0, width)
			for _, k := range distinctPicks(seed, i, width, txnKeys) {
				keys = append(keys, key(fmt.Sprintf("txn%d/", width), k))
			}
			n, err := s.WriteTxn(ctx, keys)
			st.attempts.Add(int64(n))
			return err
		}
	}
}

// incrementOp increments one random key of the run's own hot set.
func incrementOp(s txnStore, run string, st *txnStats) func(ctx context.Context, i int) error {
	seed := seedOf(run)
	return func(ctx context.Context, i int) error {
		n, err := s.Increment(ctx, hotKey(run, distinctPicks(seed, i, 1, hotKeys)[0]))
		st.attempts.Add(int64(n))
		return err
	}
}

func hotKey(run string, i int) []byte { return key("rmw/"+run+"/", i) }

// checkCounters fails unless the run's counters add up to the number of
// increments that reported success: no lost update, no double apply.
func checkCounters(ctx context.Context, s txnStore, run string, committed int) error {
	keys := make([][]byte, hotKeys)
	for i := range keys {
		keys[i] = hotKey(run, i)
	}
	var sum int64
	for start := 0; start < len(keys); start += 100 {
		vs, err := s.Counters(ctx, keys[start:min(start+100, len(keys))])
		if err != nil {
			return fmt.Errorf("reading counters: %w", err)
		}
		for _, v := range vs {
			sum += v
		}
	}
	if sum != int64(committed) {
		return fmt.Errorf("counters add up to %d after %d committed increments", sum, committed)
	}
	return nil
}

// txnResult is a txn workload run's measurements.
type txnResult struct {
	result
	attempts int64
}

// abortRate is the share of tries that aborted.
func (r txnResult) abortRate() float64 {
	if r.attempts == 0 {
		return 0
	}
	return float64(r.attempts-int64(r.ops)) / float64(r.attempts)
}

// run commits n transactions of w against s over txnConc clients, then
// runs w's check.
func (w txnWorkload) run(s txnStore, n int) (txnResult, error) {
	run := fmt.Sprint(runSeq.Add(1))
	var st txnStats
	r, err := runOps(n, txnConc, w.op(s, run, &st))
	out := txnResult{result: r, attempts: st.attempts.Load()}
	if err != nil || w.check == nil {
		return out, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*opTimeout)
	defer cancel()
	return out, w.check(ctx, s, run, n)
}

// seedOf turns a run id into a random seed, so runs pick different keys.
func seedOf(run string) uint64 {
	var h uint64 = 14695981039346656037 // FNV-1a
	for i := 0; i < len(run); i++ {
		h = (h ^ uint64(run[i])) * 1099511628211
	}
	return h
}

// mix is splitmix64's finaliser: a cheap, well-spread hash of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// distinctPicks returns n distinct pseudo-random numbers below space for
// operation i of a run with seed (n ≤ space, n small).
func distinctPicks(seed uint64, i, n, space int) []int {
	out := make([]int, 0, n)
	x := seed ^ uint64(i)*0x9e3779b97f4a7c15
	for len(out) < n {
		x = mix(x)
		k := int(x % uint64(space))
		dup := false
		for _, o := range out {
			dup = dup || o == k
		}
		if !dup {
			out = append(out, k)
		}
	}
	return out
}

// parseCounter reads a counter value; absent (nil) is 0.
func parseCounter(key, v []byte) (int64, error) {
	if v == nil {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("counter %s: value %q is not a number", key, v)
	}
	return n, nil
}
