//go:build long

package cluster

import (
	"fmt"
	"testing"
	"time"
)

// longMultiRaftVariants are the multi-region mixes TestLongMultiRaft rotates through at
// course scale (TestConfChange*3B, TestSplit*3B, TestSplitConfChange*3B): 5 stores, 300 B
// region limit where splitting, log GC limit 100, rounds of 3 s.
var longMultiRaftVariants = []Scenario{
	{Clients: 5, ConfChange: true, Restart: true},
	{Clients: 5, ConfChange: true, Drop: 0.1, Restart: true, Partitions: true, GCLimit: 100},
	{Clients: 5, Contention: 3, SplitSize: 300, Restart: true},
	{Clients: 5, SplitSize: 300, Drop: 0.1, Restart: true, Partitions: true},
	{Clients: 5, Contention: 2, SplitSize: 300, ConfChange: true, Drop: 0.1, Restart: true, GCLimit: 100},
	{Clients: 5, SplitSize: 300, ConfChange: true, Drop: 0.1, Restart: true, Partitions: true, CrashOne: true, GCLimit: 100},
}

// TestLongMultiRaft runs seed after seed of the multi-region mixes until the duration
// ($KV_CLUSTER_LONG, default 5m) is spent; each subtest is named after its seed.
func TestLongMultiRaft(t *testing.T) {
	d := longDuration(t)
	base := ScenarioSeed()
	start := time.Now()
	var ops, runs int
	for i := 0; time.Since(start) < d; i++ {
		sc := longMultiRaftVariants[i%len(longMultiRaftVariants)]
		sc.Seed = base + int64(i)
		sc.Rounds = 4
		sc.RoundTime = 3 * time.Second
		var res Result
		ok := t.Run(fmt.Sprintf("variant%d/seed%d", i%len(longMultiRaftVariants), sc.Seed), func(t *testing.T) {
			res = sc.Run(t, factory())
		})
		if !ok {
			t.Fatalf("seed %d failed after %d clean runs", sc.Seed, runs)
		}
		runs++
		ops += res.Ops
	}
	fmt.Printf("long multi-raft: %d seeds from %d in %v, %d operations checked, 0 violations\n",
		runs, base, time.Since(start).Round(time.Second), ops)
}
