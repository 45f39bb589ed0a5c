package kv

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i))
	}
	for _, c := range []struct {
		p    int
		want time.Duration
	}{{50, 100}, {99, 198}, {100, 200}, {1, 2}} {
		if got := percentile(d, c.p); got != c.want {
			t.Errorf("p%d = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing = %v", got)
	}
}

// TestRunOps checks the driver runs each index once and stops on an error.
func TestRunOps(t *testing.T) {
	seen := make([]int32, 500)
	r, err := runOps(len(seen), 8, func(_ context.Context, i int) error {
		seen[i]++
		return nil
	})
	if err != nil || r.ops != len(seen) {
		t.Fatalf("runOps = %+v, %v", r, err)
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("op %d ran %d times", i, n)
		}
	}
	boom := errors.New("boom")
	ran := 0
	_, err = runOps(100, 1, func(_ context.Context, i int) error {
		ran++
		if i == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || ran != 11 {
		t.Fatalf("after a failing op: err %v, ran %d", err, ran)
	}
}

// memStore is an in-memory store, for testing the workloads' checks.
type memStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memStore) Put(_ context.Context, k, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[string(k)] = append([]byte(nil), v...)
	return nil
}

func (s *memStore) Get(_ context.Context, k []byte) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[string(k)]
	return v, ok, nil
}

// TestGetChecksValues: get-c64 fails when a preloaded value is wrong.
func TestGetChecksValues(t *testing.T) {
	s := &memStore{m: map[string][]byte{}}
	if _, err := (workload{name: "get", conc: 1, op: getOp}).run(s, 10); err == nil {
		t.Fatal("get before preload succeeded")
	}
	if err := preload(s); err != nil {
		t.Fatal(err)
	}
	if _, err := (workload{name: "get", conc: 1, op: getOp}).run(s, 10); err != nil {
		t.Fatal(err)
	}
	s.m[string(key("get/", 7919%preloadKeys))] = []byte("wrong")
	if _, err := (workload{name: "get", conc: 1, op: getOp}).run(s, 10); err == nil {
		t.Fatal("a wrong value went unnoticed")
	}
}

func TestProcCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	before, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(100 * time.Millisecond); time.Now().Before(end); {
	}
	after, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after < before {
		t.Fatalf("CPU time went back: %v then %v", before, after)
	}
	if _, err := procCPU(-1); err == nil {
		t.Fatal("pid -1 has CPU time")
	}
}

func TestParseOps(t *testing.T) {
	for _, c := range []struct {
		in           string
		ops, rounds  int
		errSubstring string
	}{
		{"20000", 20000, 1, ""},
		{"20000x6", 20000, 6, ""},
		{"0", 0, 0, `ops "0"`},
		{"20000x", 0, 0, `rounds ""`},
		{"x3", 0, 0, `ops ""`},
		{"10x0", 0, 0, `rounds "0"`},
	} {
		ops, rounds, err := parseOps(c.in)
		if c.errSubstring != "" {
			if err == nil || !strings.Contains(err.Error(), c.errSubstring) {
				t.Errorf("parseOps(%q): err %v, want one containing %s", c.in, err, c.errSubstring)
			}
			continue
		}
		if err != nil || ops != c.ops || rounds != c.rounds {
			t.Errorf("parseOps(%q) = %d, %d, %v; want %d, %d", c.in, ops, rounds, err, c.ops, c.rounds)
		}
	}
}
