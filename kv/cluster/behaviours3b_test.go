package cluster

import (
	"context"
	"sync"
	"testing"
	"time"
)

// The 3B generic-check variants of the behaviours checklist not in multiraft_test.go:
// membership churn and 300 B splits combined with many clients, drops, restarts, log GC
// and partitions. Every churn run (runChurn, used by multiraft_test.go too) also requires
// the churn to have changed membership.

// withChurnCheck has sc record the highest conf_ver of any region when the first round
// starts and when every round ends; the returned check fails t unless it grew, so a run
// whose churn loop never managed a change cannot pass as a conf-change test.
func withChurnCheck(sc Scenario) (Scenario, func(t *testing.T)) {
	var mu sync.Mutex
	var first, last uint64
	started := false
	sc.During = func(ctx context.Context, c *Cluster, _ TB) {
		v := maxConfVer(c)
		mu.Lock()
		if !started {
			first, started = v, true
		}
		mu.Unlock()
		<-ctx.Done()
		v = maxConfVer(c)
		mu.Lock()
		last = max(last, v)
		mu.Unlock()
	}
	return sc, func(t *testing.T) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if last <= first {
			t.Fatalf("conf_ver stayed at %d: the churn changed no membership", first)
		}
		t.Logf("highest conf_ver %d -> %d", first, last)
	}
}

func maxConfVer(c *Cluster) uint64 {
	var v uint64
	for _, r := range c.LatestRegions() {
		v = max(v, r.GetRegionEpoch().GetConfVer())
	}
	return v
}

func runChurn(t *testing.T, sc Scenario) {
	sc.ConfChange = true
	sc, check := withChurnCheck(sc)
	sc.Run(t, factory())
	check(t)
}

// TestConfChangeRecoverManyClients: 10 clients, churn, every store restarted between rounds.
func TestConfChangeRecoverManyClients(t *testing.T) {
	runChurn(t, Scenario{Clients: 10, Restart: true})
}

// TestConfChangeUnreliableRecover: churn, 10 % of messages dropped, restarts.
func TestConfChangeUnreliableRecover(t *testing.T) {
	runChurn(t, Scenario{Clients: 3, Drop: 0.1, Restart: true})
}

// TestConfChangeSnapshotUnreliableRecover: churn, drops, restarts and log GC at 20
// entries, so added peers and restarted laggards catch up by snapshot.
func TestConfChangeSnapshotUnreliableRecover(t *testing.T) {
	runChurn(t, Scenario{Clients: 3, Drop: 0.1, Restart: true, GCLimit: shortGC})
}

// TestSplitRecoverManyClients: 10 clients, 300 B regions, restarts; the region holding ""
// splits, regions tile the key space and scans cross region boundaries (checked by Run).
func TestSplitRecoverManyClients(t *testing.T) {
	Scenario{Clients: 10, SplitSize: 300, Restart: true}.Run(t, factory())
}

// TestSplitUnreliableRecover: 300 B regions, 10 % drop, restarts.
func TestSplitUnreliableRecover(t *testing.T) {
	Scenario{Clients: 3, SplitSize: 300, Drop: 0.1, Restart: true}.Run(t, factory())
}

// TestSplitConfChangeSnapshotUnreliableRecoverConcurrentPartition: everything at once —
// splits, churn, drops, partitions, restarts, log GC. Rounds of 2 s, as for the churn and
// partition mix without splits (an election needs the members with the newest log on
// the majority side).
func TestSplitConfChangeSnapshotUnreliableRecoverConcurrentPartition(t *testing.T) {
	runChurn(t, Scenario{Clients: 3, SplitSize: 300, Drop: 0.1, Restart: true, Partitions: true,
		GCLimit: shortGC, RoundTime: 2 * time.Second})
}
