package xclient

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

var three = []Server{{Addr: "a", Weight: 1}, {Addr: "b", Weight: 2}, {Addr: "c", Weight: 3}}

func countPicks(sel Selector, n int, key func(i int) context.Context) map[string]int {
	got := map[string]int{}
	for i := 0; i < n; i++ {
		ctx := context.Background()
		if key != nil {
			ctx = key(i)
		}
		got[sel.Select(ctx, "S.M", i, three).Addr]++
	}
	return got
}

func TestRandomDistribution(t *testing.T) {
	got := countPicks(Random{}, 3000, nil)
	for _, s := range three {
		if got[s.Addr] < 700 || got[s.Addr] > 1300 {
			t.Fatalf("random picks %v far from uniform", got)
		}
	}
}

func TestRoundRobinDistribution(t *testing.T) {
	var seq []string
	rr := &RoundRobin{}
	for i := 0; i < 6; i++ {
		seq = append(seq, rr.Select(context.Background(), "", nil, three).Addr)
	}
	if strings.Join(seq, "") != "abcabc" {
		t.Fatalf("round robin order %v", seq)
	}
}

func TestWeightedRoundRobinIsSmoothAndProportional(t *testing.T) {
	got := countPicks(&WeightedRoundRobin{}, 6000, nil)
	if got["a"] != 1000 || got["b"] != 2000 || got["c"] != 3000 {
		t.Fatalf("weighted picks %v, want 1000/2000/3000", got)
	}
	w := &WeightedRoundRobin{}
	srv := []Server{{Addr: "x", Weight: 5}, {Addr: "y", Weight: 1}, {Addr: "z", Weight: 1}}
	var seq string
	for i := 0; i < 7; i++ {
		seq += w.Select(context.Background(), "", nil, srv).Addr
	}
	if seq != "xxyxzxx" { // nginx's smooth order: the heavy server is interleaved, not bursty
		t.Fatalf("smooth WRR order %q", seq)
	}
}

func TestLeastLatencyAvoidsSlowServer(t *testing.T) {
	l := &LeastLatency{}
	for i := 0; i < 5; i++ {
		l.Observe("a", 100*time.Millisecond, nil)
		l.Observe("b", time.Millisecond, nil)
		l.Observe("c", 2*time.Millisecond, nil)
	}
	got := countPicks(l, 3000, nil)
	if got["a"] != 0 || got["b"] < got["c"] || got["c"] == 0 {
		t.Fatalf("p2c picks %v: want a never, b most, c sometimes", got)
	}
	if l.Latency("b") != time.Millisecond {
		t.Fatalf("EWMA of constant samples = %v", l.Latency("b"))
	}
	l.Observe("b", 0, fmt.Errorf("down"))
	if l.Latency("b") < 100*time.Millisecond {
		t.Fatalf("a failure must count as slow, EWMA %v", l.Latency("b"))
	}
}

func TestConsistentHash(t *testing.T) {
	ch := &ConsistentHash{}
	byKey := func(i int) context.Context { return WithHashKey(context.Background(), fmt.Sprint("user-", i)) }
	got := countPicks(ch, 3000, byKey)
	for _, s := range three {
		if got[s.Addr] < 500 {
			t.Fatalf("consistent hash spread %v too uneven", got)
		}
	}
	before := map[int]string{}
	for i := 0; i < 1000; i++ {
		before[i] = ch.Select(byKey(i), "", nil, three).Addr
		if again := ch.Select(byKey(i), "", nil, three).Addr; again != before[i] {
			t.Fatalf("key %d moved without a membership change", i)
		}
	}
	two := []Server{three[0], three[2]} // "b" leaves
	for i := 0; i < 1000; i++ {
		now := ch.Select(byKey(i), "", nil, two).Addr
		if before[i] != "b" && now != before[i] {
			t.Fatalf("key %d moved from %s to %s although its server stayed", i, before[i], now)
		}
	}
	keyed := &ConsistentHash{Key: func(method string, args any) string { return "same" }}
	first := keyed.Select(context.Background(), "", 1, three)
	for i := 0; i < 20; i++ {
		if keyed.Select(context.Background(), "", i, three).Addr != first.Addr {
			t.Fatal("Key func ignored")
		}
	}
}

func TestBreakerStates(t *testing.T) {
	b := &breaker{threshold: 2, cooldown: time.Second}
	t0 := time.Unix(1000, 0)
	b.record(t0, true)
	if !b.available(t0) {
		t.Fatal("opened before threshold")
	}
	b.record(t0, true)
	if b.available(t0.Add(500 * time.Millisecond)) {
		t.Fatal("open breaker let a call through")
	}
	t1 := t0.Add(1100 * time.Millisecond)
	if !b.begin(t1) {
		t.Fatal("half-open breaker refused the trial")
	}
	if b.begin(t1) {
		t.Fatal("half-open breaker allowed a second concurrent trial")
	}
	b.record(t1, true) // trial failed: open again
	if b.available(t1.Add(500 * time.Millisecond)) {
		t.Fatal("failed trial did not re-open")
	}
	t2 := t1.Add(1100 * time.Millisecond)
	if !b.begin(t2) {
		t.Fatal("no second trial")
	}
	b.record(t2, false)
	if !b.available(t2) || !b.begin(t2) || !b.begin(t2) {
		t.Fatal("successful trial did not close the breaker")
	}
}
