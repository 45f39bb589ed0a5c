package schedlink_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
)

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// liveClient returns the scheduler client of a live store.
func (c *testCluster) liveClient() *schedclient.Client {
	for _, n := range c.nodes {
		if !n.down.Load() {
			return n.cli
		}
	}
	c.t.Fatal("no live store")
	return nil
}

// regionAt asks the scheduler for the region holding key.
func (c *testCluster) regionAt(key string) (*schedclient.Region, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return c.liveClient().GetRegion(ctx, []byte(key))
}

func storesOf(r *metapb.Region) map[uint64]bool {
	m := map[uint64]bool{}
	for _, p := range r.GetPeers() {
		m[p.GetStoreId()] = true
	}
	return m
}

// replicated waits until the scheduler's region at key has want peers on distinct live
// stores, none pending (so the scheduler's operator finished), every one of which hosts
// it, and returns it.
func (c *testCluster) replicated(key string, want int, d time.Duration) *metapb.Region {
	c.t.Helper()
	var out *metapb.Region
	eventually(c.t, d, "region at "+key+" replicated", func() (bool, string) {
		r, err := c.regionAt(key)
		if err != nil {
			return false, err.Error()
		}
		stores := storesOf(r.Meta)
		if len(r.Meta.GetPeers()) != want || len(stores) != want || len(r.PendingPeers) > 0 {
			return false, fmt.Sprint(r.Meta, " pending ", r.PendingPeers, c.statuses(r.Meta.GetId()))
		}
		for id := range stores {
			n := c.nodes[id]
			if n == nil || n.down.Load() {
				return false, fmt.Sprintf("peer on down store %d: %v", id, r.Meta)
			}
			st, ok := n.st.RegionStatus(r.Meta.GetId())
			if !ok || st.Region.GetRegionEpoch().GetConfVer() != r.Meta.GetRegionEpoch().GetConfVer() {
				return false, fmt.Sprintf("store %d does not host %v yet", id, r.Meta)
			}
		}
		out = r.Meta
		return true, ""
	})
	return out
}

// leaderOf returns the live node leading region id.
func (c *testCluster) leaderOf(id uint64, d time.Duration) *node {
	c.t.Helper()
	var out *node
	eventually(c.t, d, "leader", func() (bool, string) {
		for _, n := range c.nodes {
			if st, ok := n.st.RegionStatus(id); ok && !n.down.Load() && st.IsLeader {
				out = n
				return true, ""
			}
		}
		return false, "no leader"
	})
	return out
}

func TestBootstrapThenReplicaCheckerReplicates(t *testing.T) {
	c := newTestCluster(t, startScheduler(t, time.Minute, nil))
	first := c.start(1)
	if got := len(first.st.Regions()); got != 1 {
		t.Fatalf("first store hosts %d regions after bootstrap, want 1", got)
	}
	second := c.start(2)
	c.start(3)
	ok, err := second.cli.IsBootstrapped(ctxFor(t, time.Second))
	if err != nil || !ok {
		t.Fatalf("IsBootstrapped = %v, %v", ok, err)
	}
	r := c.replicated("", 3, 10*time.Second)
	if len(r.GetStartKey()) != 0 || len(r.GetEndKey()) != 0 {
		t.Fatalf("first region does not cover all keys: %v", r)
	}
	if r.GetId() != first.st.Regions()[0] {
		t.Fatalf("scheduler region %d, store 1 hosts %v", r.GetId(), first.st.Regions())
	}
	eventually(t, 5*time.Second, "store 3's address resolved by store 1", func() (bool, string) {
		a, ok := first.link.Resolve(3)
		return ok && a == "store-3", a
	})
	if _, ok := first.link.Resolve(99); ok {
		t.Fatal("an unregistered store resolved")
	}
	for id, n := range c.nodes {
		if got := len(n.st.Regions()); got != 1 {
			t.Fatalf("store %d hosts %d regions, want 1 (only one bootstrap)", id, got)
		}
	}
}

func TestSplitIDsFromScheduler(t *testing.T) {
	c := newTestCluster(t, startScheduler(t, time.Minute, nil))
	for id := uint64(1); id <= 3; id++ {
		c.start(id)
	}
	r := c.replicated("", 3, 10*time.Second)
	ld := c.leaderOf(r.GetId(), 5*time.Second)
	newID, peerIDs, err := ld.link.AskSplit(ctxFor(t, 2*time.Second), r)
	if err != nil {
		t.Fatal(err)
	}
	if newID == 0 || len(peerIDs) != 3 {
		t.Fatalf("AskSplit = %d, %v", newID, peerIDs)
	}
	for _, p := range r.GetPeers() {
		for _, q := range peerIDs {
			if q == p.GetId() || q == r.GetId() || newID == p.GetId() {
				t.Fatalf("AskSplit reused an id: %d %v for %v", newID, peerIDs, r)
			}
		}
	}
	if _, err := ld.st.Split(ctxFor(t, 5*time.Second), r.GetId(), r.GetRegionEpoch(), []byte("m"), newID, peerIDs); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "both halves in the scheduler", func() (bool, string) {
		left, err1 := c.regionAt("a")
		right, err2 := c.regionAt("n")
		if err1 != nil || err2 != nil {
			return false, fmt.Sprint(err1, err2)
		}
		ok := left.Meta.GetId() == r.GetId() && string(left.Meta.GetEndKey()) == "m" &&
			right.Meta.GetId() == newID && string(right.Meta.GetStartKey()) == "m" && len(right.Meta.GetPeers()) == 3
		return ok, fmt.Sprint(left.Meta, " | ", right.Meta)
	})
	c.replicated("n", 3, 5*time.Second)
}

func TestDownStoreReplicasReplaced(t *testing.T) {
	const downTime = 1500 * time.Millisecond
	c := newTestCluster(t, startScheduler(t, downTime, nil))
	for id := uint64(1); id <= 5; id++ {
		c.start(id)
	}
	r := c.replicated("", 3, 10*time.Second)
	var victim uint64
	for _, p := range r.GetPeers() {
		victim = p.GetStoreId() // any replica, possibly the leader's
	}
	c.stop(victim)
	start := time.Now()
	after := c.replicated("", 3, 15*time.Second)
	if storesOf(after)[victim] {
		t.Fatalf("down store %d still holds a replica: %v", victim, after)
	}
	if el := time.Since(start); el < downTime/2 {
		t.Fatalf("replica replaced after %v, before max-store-down-time %v", el, downTime)
	}
}

// statuses describes every live store's peer of region id (for failure messages).
func (c *testCluster) statuses(id uint64) string {
	out := ""
	for sid, n := range c.nodes {
		if st, ok := n.st.RegionStatus(id); ok && !n.down.Load() {
			out += fmt.Sprintf(" [store %d peer %d leader %d term %d commit %d applied %d trunc %d last %d conf %d]", sid, st.PeerID,
				st.LeaderID, st.Term, st.Commit, st.Applied, st.TruncatedIndex, st.LastIndex, st.Region.GetRegionEpoch().GetConfVer())
		}
	}
	return out
}
