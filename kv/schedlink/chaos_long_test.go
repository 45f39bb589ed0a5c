//go:build long

package schedlink_test

import (
	"fmt"
	"testing"
	"time"
)

// TestLongStoreTurnover runs issue 13's scenario for longer: 6 stores, 20 regions, a writer
// throughout; three times in a row one store dies for good and a new empty store joins. After
// each death every region is back to 3 replicas on live stores; after each join the replica
// counts are within 2 of each other; at the end every acknowledged write reads back.
func TestLongStoreTurnover(t *testing.T) {
	const downTime = 1500 * time.Millisecond
	c := newTestCluster(t, startScheduler(t, downTime, []string{"balance-region", "balance-leader"}))
	var nodes []*node
	for id := uint64(1); id <= 6; id++ {
		nodes = append(nodes, c.start(id))
	}
	c.replicated("", 3, 10*time.Second)
	var keys [][]byte
	for i := 1; i < 20; i++ {
		keys = append(keys, []byte(fmt.Sprintf("key%05d", i*100)))
	}
	if _, err := c.liveClient().SplitRegions(ctxFor(t, 30*time.Second), keys); err != nil {
		t.Fatal(err)
	}
	all := append([]*node(nil), nodes...)
	for round := 0; round < 3; round++ {
		w := startWriter(c.newRouter(all...), 2000)
		c.allReplicated(20, 60*time.Second)
		victim := uint64(1 + round*2) // 1, 3, 5: some of the first stores
		c.stop(victim)
		start := time.Now()
		c.allReplicated(20, 60*time.Second)
		t.Logf("round %d: store %d killed, 20 regions back to 3 replicas in %v", round, victim, time.Since(start).Round(time.Millisecond))
		joined := uint64(7 + round)
		all = append(all, c.start(joined))
		start = time.Now()
		eventually(t, 60*time.Second, "replica counts within 2", func() (bool, string) {
			counts, err := c.replicaCounts()
			if err != nil {
				return false, err.Error()
			}
			lo, hi := 1<<30, 0
			for _, n := range counts {
				lo, hi = min(lo, n), max(hi, n)
			}
			return counts[joined] > 0 && hi-lo <= 2, fmt.Sprint(counts)
		})
		counts, _ := c.replicaCounts()
		t.Logf("round %d: store %d filled in %v: %v", round, joined, time.Since(start).Round(time.Millisecond), counts)
		acked := w.stop()
		c.allReplicated(20, 60*time.Second)
		c.checkData(c.newRouter(all...), acked)
	}
}
