//go:build long

package cluster

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// longDuration is how long TestLongChaos runs: $KV_CLUSTER_LONG (a Go duration), default 5m.
func longDuration(t *testing.T) time.Duration {
	if s := os.Getenv("KV_CLUSTER_LONG"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("KV_CLUSTER_LONG=%q: %v", s, err)
		}
		return d
	}
	return 5 * time.Minute
}

// longVariants are the chaos mixes TestLongChaos rotates through, at course scale: five
// stores, log GC limit 100, longer rounds.
var longVariants = []Scenario{
	{Clients: 5, Contention: 3, Drop: 0.1, Partitions: true, Restart: true, GCLimit: 100},
	{Clients: 5, Contention: 3, Drop: 0.05, Chaos: true, Partitions: true, CrashOne: true, GCLimit: 100},
	{Clients: 3, Contention: 5, Chaos: true, IsolateOne: true, Restart: true, GCLimit: 100},
	{Clients: 5, Contention: 3, Drop: 0.1, Chaos: true, Partitions: true, Restart: true, CrashOne: true, IsolateOne: true, GCLimit: 100},
}

// TestLongChaos runs seed after seed of the chaos mixes until the duration is spent. The
// first seed is $KV_CLUSTER_SEED (or the clock); each subtest is named after its seed, so
// any failure can be rerun alone.
func TestLongChaos(t *testing.T) {
	d := longDuration(t)
	base := ScenarioSeed()
	start := time.Now()
	var ops, runs int
	for i := 0; time.Since(start) < d; i++ {
		sc := longVariants[i%len(longVariants)]
		sc.Seed = base + int64(i)
		sc.Rounds = 4
		sc.RoundTime = 3 * time.Second
		var res Result
		ok := t.Run(fmt.Sprintf("variant%d/seed%d", i%len(longVariants), sc.Seed), func(t *testing.T) {
			res = sc.Run(t, factory())
		})
		if !ok {
			t.Fatalf("seed %d failed after %d clean runs", sc.Seed, runs)
		}
		runs++
		ops += res.Ops
	}
	t.Logf("long chaos: %d seeds from %d in %v, %d operations checked, 0 violations",
		runs, base, time.Since(start).Round(time.Second), ops)
	fmt.Printf("long chaos: %d seeds from %d in %v, %d operations checked, 0 violations\n",
		runs, base, time.Since(start).Round(time.Second), ops)
}

// TestLongProcesses is the real-process kill/restart test with many rounds:
// $KV_PROCESS_ROUNDS (default 30) of 4 s.
func TestLongProcesses(t *testing.T) {
	rounds := 30
	if s := os.Getenv("KV_PROCESS_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("KV_PROCESS_ROUNDS=%q: want a positive number", s)
		}
		rounds = n
	}
	runProcesses(t, rounds, 4*time.Second)
}
