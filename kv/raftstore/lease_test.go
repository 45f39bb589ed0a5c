package raftstore

import "testing"

// TestLeaseReadAfterLoopStall: the leader's raft loop stalls (blocked in a send) for far
// longer than its lease while it is cut off; the others elect a new leader and overwrite
// the key. The ticks the stalled loop missed must count: after the stall a linearizable
// read on the old leader goes through ReadIndex (which cannot reach a quorum) and fails,
// instead of being answered from a lease that expired in wall time with the old value.
func TestLeaseReadAfterLoopStall(t *testing.T) {
	c := newTestCluster(t, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.LeaseReads = true
		return cfg
	})
	if err := c.put("k", "v1"); err != nil {
		t.Fatal(err)
	}
	old := c.leader()
	if v, ok, err := c.get(old, "k", false); err != nil || !ok || v != "v1" {
		t.Fatalf("read on the leader = %q, %v, %v", v, ok, err)
	}
	stall := make(chan struct{})
	c.net.mu.Lock()
	c.net.stalled = map[uint64]chan struct{}{old: stall}
	c.net.mu.Unlock()
	released := false
	release := func() {
		if !released {
			released = true
			close(stall)
		}
	}
	defer release()
	c.net.isolate(old, true)
	waitFor(t, "a new leader among the others", func() bool {
		for id, s := range c.stores {
			if st, ok := s.RegionStatus(1); ok && st.IsLeader && id != old {
				return true
			}
		}
		return false
	})
	if err := c.put("k", "v2"); err != nil {
		t.Fatal(err)
	}
	release()
	v, ok, err := c.get(old, "k", false)
	if err == nil {
		t.Fatalf("the stalled, cut-off old leader served a linearizable read (k = %q, present %v) from an expired lease", v, ok)
	}
	t.Logf("read on the old leader failed as it should: %v", err)
}
