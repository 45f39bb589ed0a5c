package kv

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// memTxn is an in-memory txnStore with optimistic concurrency: a try
// snapshots the keys' versions, yields (so tries interleave), and commits
// only if none changed. lossy skips that check, losing updates.
type memTxn struct {
	mu    sync.Mutex
	vals  map[string][]byte
	vers  map[string]int
	lossy bool
}

func newMemTxn() *memTxn { return &memTxn{vals: map[string][]byte{}, vers: map[string]int{}} }

// try runs one optimistic attempt: read keys, compute writes, commit if
// unchanged; ok is false on an abort.
func (m *memTxn) try(keys [][]byte, write func(vals [][]byte) ([][]byte, error)) (ok bool, err error) {
	m.mu.Lock()
	vers := make([]int, len(keys))
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		vers[i], vals[i] = m.vers[string(k)], m.vals[string(k)]
	}
	m.mu.Unlock()
	runtime.Gosched()
	out, err := write(vals)
	if err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, k := range keys {
		if !m.lossy && m.vers[string(k)] != vers[i] {
			return false, nil
		}
	}
	for i, k := range keys {
		m.vals[string(k)] = out[i]
		m.vers[string(k)]++
	}
	return true, nil
}

func (m *memTxn) retry(ctx context.Context, keys [][]byte, write func([][]byte) ([][]byte, error)) (int, error) {
	attempts := 0
	for ctx.Err() == nil {
		attempts++
		if ok, err := m.try(keys, write); ok || err != nil {
			return attempts, err
		}
	}
	return attempts, ctx.Err()
}

func (m *memTxn) WriteTxn(ctx context.Context, keys [][]byte) (int, error) {
	return m.retry(ctx, keys, func([][]byte) ([][]byte, error) {
		out := make([][]byte, len(keys))
		for i, k := range keys {
			out[i] = value(k)
		}
		return out, nil
	})
}

func (m *memTxn) Increment(ctx context.Context, key []byte) (int, error) {
	return m.retry(ctx, [][]byte{key}, func(vals [][]byte) ([][]byte, error) {
		n, err := parseCounter(key, vals[0])
		if err != nil {
			return nil, err
		}
		return [][]byte{fmt.Append(nil, n+1)}, nil
	})
}

func (m *memTxn) Counters(_ context.Context, keys [][]byte) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]int64, len(keys))
	for i, k := range keys {
		n, err := parseCounter(k, m.vals[string(k)])
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// TestTxnWorkloads runs every txn workload on a correct store: all commit,
// tries ≥ commits, the counters add up.
func TestTxnWorkloads(t *testing.T) {
	s := newMemTxn()
	for _, w := range txnWorkloads {
		r, err := w.run(s, 2000)
		if err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if r.ops != 2000 || r.attempts < 2000 || r.abortRate() < 0 || r.abortRate() >= 1 {
			t.Fatalf("%s: result %+v, abort rate %v", w.name, r, r.abortRate())
		}
	}
}

// TestRMWCatchesLostUpdates: the rmw check fails on a store that loses
// concurrent increments, and on a counter that is not a number.
func TestRMWCatchesLostUpdates(t *testing.T) {
	s := newMemTxn()
	s.lossy = true
	// All increments on one key so the 64 clients surely overlap.
	one := txnWorkload{name: "rmw-1", op: func(s txnStore, run string, st *txnStats) func(ctx context.Context, i int) error {
		return func(ctx context.Context, i int) error {
			n, err := s.Increment(ctx, hotKey(run, 0))
			st.attempts.Add(int64(n))
			return err
		}
	}, check: checkCounters}
	lost := false
	for try := 0; try < 20 && !lost; try++ {
		_, err := one.run(s, 5000)
		lost = err != nil && strings.Contains(err.Error(), "after 5000 committed increments")
	}
	if !lost {
		t.Fatal("20 runs of 5000 racing increments on a lossy store: no lost update reported")
	}
	s.vals[string(hotKey("x", 3))] = []byte("three")
	if err := checkCounters(context.Background(), s, "x", 0); err == nil || !strings.Contains(err.Error(), `"three"`) {
		t.Fatalf("a non-numeric counter: err %v", err)
	}
}

func TestDistinctPicks(t *testing.T) {
	hits := make([]int, 50)
	for i := 0; i < 2000; i++ {
		p := distinctPicks(seedOf("7"), i, 10, len(hits))
		seen := map[int]bool{}
		for _, k := range p {
			if k < 0 || k >= len(hits) || seen[k] {
				t.Fatalf("op %d: picks %v not distinct in [0,%d)", i, p, len(hits))
			}
			seen[k] = true
			hits[k]++
		}
	}
	for k, n := range hits {
		if n < 200 || n > 600 { // 400 expected
			t.Fatalf("key %d picked %d times of 20000", k, n)
		}
	}
	if distinctPicks(seedOf("1"), 5, 3, 1000)[0] == distinctPicks(seedOf("2"), 5, 3, 1000)[0] &&
		distinctPicks(seedOf("1"), 6, 3, 1000)[0] == distinctPicks(seedOf("2"), 6, 3, 1000)[0] {
		t.Fatal("runs with different seeds pick the same keys")
	}
}

func TestTxnRounds(t *testing.T) {
	for v, want := range map[string]int{"": 1, "3": 3} {
		t.Setenv(txnRoundsEnv, v)
		if n, err := txnRounds(); err != nil || n != want {
			t.Errorf("%s=%q: %d, %v", txnRoundsEnv, v, n, err)
		}
	}
	for _, v := range []string{"0", "x", "101"} {
		t.Setenv(txnRoundsEnv, v)
		if _, err := txnRounds(); err == nil || !strings.Contains(err.Error(), txnRoundsEnv) {
			t.Errorf("%s=%q: err %v", txnRoundsEnv, v, err)
		}
	}
}
