package schedlink_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/cluster"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/storage"
)

// router is a region-aware kv/cluster Router over a fixed set of nodes (a down node has no
// storage) that asks the scheduler where each key's region is and who leads it.
type router struct {
	nodes []*node
	sched *schedclient.Client
}

func (r router) IDs() []uint64 {
	out := make([]uint64, len(r.nodes))
	for i, n := range r.nodes {
		out[i] = n.id
	}
	return out
}

func (r router) Storage(id uint64) storage.Storage {
	for _, n := range r.nodes {
		if n.id == id && !n.down.Load() {
			return n.st.Storage()
		}
	}
	return nil
}

// RegionFor implements cluster.RegionLocator with the scheduler's region map.
func (r router) RegionFor(key []byte) (*metapb.Region, uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	reg, err := r.sched.GetRegion(ctx, key)
	if err != nil {
		return nil, 0
	}
	return reg.Meta, reg.Leader.GetStoreId()
}

// newRouter returns a router over nodes with its own scheduler client.
func (c *testCluster) newRouter(nodes ...*node) router {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cli, err := schedclient.New(ctx, []string{c.sched.addr})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(cli.Close)
	return router{nodes: nodes, sched: cli}
}

// writer puts key%05d = v%d in order until stopped, remembering the acknowledged ones.
type writer struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	acked  map[string]string
	failed int
}

func startWriter(r router, maxKeys int) *writer {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	w := &writer{cancel: cancel, done: make(chan struct{}), acked: map[string]string{}}
	go func() {
		defer close(w.done)
		cl := cluster.NewClient(r)
		for i := 0; i < maxKeys && ctx.Err() == nil; i++ {
			k, v := fmt.Sprintf("key%05d", i), fmt.Sprintf("v%d", i)
			pctx, pcancel := context.WithTimeout(ctx, 3*time.Second)
			err := cl.Put(pctx, k, v)
			pcancel()
			w.mu.Lock()
			if err == nil {
				w.acked[k] = v
			} else {
				w.failed++ // ambiguous or refused: not checked
			}
			w.mu.Unlock()
		}
	}()
	return w
}

// stop ends the writer and returns the acknowledged writes.
func (w *writer) stop() map[string]string {
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.acked
}

func (w *writer) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

// regionStarts returns the start key of every region the scheduler knows, in order.
func (c *testCluster) regionStarts() []string {
	var cli = c.liveClient()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rs, err := cli.ScanRegions(ctx, nil, nil, 0)
	if err != nil {
		c.t.Fatal(err)
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Meta.GetStartKey())
	}
	return out
}

// replicaCounts returns, from the scheduler's region map, how many replicas each live store holds.
func (c *testCluster) replicaCounts() (map[uint64]int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rs, err := c.liveClient().ScanRegions(ctx, nil, nil, 0)
	if err != nil {
		return nil, err
	}
	counts := map[uint64]int{}
	for id, n := range c.nodes {
		if !n.down.Load() {
			counts[id] = 0
		}
	}
	for _, r := range rs {
		for _, p := range r.Meta.GetPeers() {
			counts[p.GetStoreId()]++
		}
	}
	return counts, nil
}

// TestKillStoreThenAddSixth is issue 13's scenario: 5 stores, 3 replicas, 8 regions (split with
// the admin RPC), a writer running. One store dies for good: every region gets back to 3
// replicas on the other four and every acknowledged write is readable. Then a 6th, empty store
// joins: balance-region moves regions onto it until the stores' region sizes (every region
// counts as the 1 MiB minimum here) are within 2 region sizes of each other.
func TestKillStoreThenAddSixth(t *testing.T) {
	const downTime = 1500 * time.Millisecond
	c := newTestCluster(t, startScheduler(t, downTime, []string{"balance-region", "balance-leader"}))
	var nodes []*node
	for id := uint64(1); id <= 5; id++ {
		nodes = append(nodes, c.start(id))
	}
	c.replicated("", 3, 10*time.Second)
	var keys [][]byte
	for i := 1; i < 8; i++ {
		keys = append(keys, []byte(fmt.Sprintf("key%05d", i*40)))
	}
	if _, err := c.liveClient().SplitRegions(ctxFor(t, 15*time.Second), keys); err != nil {
		t.Fatal(err)
	}
	w := startWriter(c.newRouter(nodes...), 320)
	t.Cleanup(func() { w.stop() })
	start := time.Now()
	c.allReplicated(8, 20*time.Second)
	eventually(t, 10*time.Second, "writes before the kill", func() (bool, string) { return w.count() >= 50, fmt.Sprint(w.count()) })

	victim := uint64(1)
	c.stop(victim)
	t.Logf("store %d killed after %v, %d writes acknowledged", victim, time.Since(start).Round(time.Millisecond), w.count())
	killed := time.Now()
	c.allReplicated(8, 30*time.Second)
	t.Logf("8 regions back to 3 replicas in %v", time.Since(killed).Round(time.Millisecond))
	acked := w.stop()
	if len(acked) < 100 {
		t.Fatalf("only %d writes acknowledged (%d failed)", len(acked), w.failed)
	}
	c.checkData(c.newRouter(nodes...), acked)

	joined := time.Now()
	c.start(6)
	var last map[uint64]int
	eventually(t, 30*time.Second, "region sizes within 2 regions after store 6 joined", func() (bool, string) {
		counts, err := c.replicaCounts()
		if err != nil {
			return false, err.Error()
		}
		last = counts
		lo, hi := 1<<30, 0
		for _, n := range counts {
			lo, hi = min(lo, n), max(hi, n)
		}
		return counts[6] > 0 && hi-lo <= 2, fmt.Sprint(counts)
	})
	c.allReplicated(8, 20*time.Second)
	t.Logf("store 6 filled in %v: replicas per store %v", time.Since(joined).Round(time.Millisecond), last)
	c.checkData(c.newRouter(append(nodes, c.nodes[6])...), acked)
}

// allReplicated waits until the scheduler knows want regions tiling the key space, each with 3
// replicas on live stores that host it and none pending.
func (c *testCluster) allReplicated(want int, d time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(d)
	var starts []string
	eventually(c.t, d, fmt.Sprint(want, " regions"), func() (bool, string) {
		starts = c.regionStarts()
		return len(starts) == want, fmt.Sprint(starts)
	})
	sort.Strings(starts)
	for _, s := range starts {
		c.replicated(s, 3, time.Until(deadline)+time.Second)
	}
}

// checkData reads every acknowledged write through the live stores.
func (c *testCluster) checkData(r router, acked map[string]string) {
	c.t.Helper()
	cl := cluster.NewClient(r)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for k, v := range acked {
		got, ok, err := cl.Get(ctx, k)
		if err != nil || !ok || got != v {
			c.t.Fatalf("acknowledged %s=%s reads %q, %v, %v", k, v, got, ok, err)
		}
	}
}

// TestStoreOfflineDrainsToTombstone: a store marked Offline through the scheduler has its
// replicas moved to the other stores (data stays readable), becomes Tombstone once it holds
// none, its link learns that its heartbeats are refused, and it can then be removed.
func TestStoreOfflineDrainsToTombstone(t *testing.T) {
	c := newTestCluster(t, startScheduler(t, time.Minute, []string{"balance-leader"}))
	var nodes []*node
	for id := uint64(1); id <= 4; id++ {
		nodes = append(nodes, c.start(id))
	}
	c.replicated("", 3, 10*time.Second)
	if _, err := c.liveClient().SplitRegions(ctxFor(t, 15*time.Second), [][]byte{[]byte("key00040"), []byte("key00080")}); err != nil {
		t.Fatal(err)
	}
	w := startWriter(c.newRouter(nodes...), 120)
	acked := w.stop()
	c.allReplicated(3, 20*time.Second)
	counts, err := c.replicaCounts()
	if err != nil {
		t.Fatal(err)
	}
	victim := uint64(0)
	for id, n := range counts {
		if n > 0 && (victim == 0 || id < victim) {
			victim = id // the lowest store holding replicas
		}
	}
	cli := c.newRouter().sched // outlives the victim's own client
	if st, err := cli.SetStoreState(ctxFor(t, 2*time.Second), victim, metapb.StoreState_Offline); err != nil || st.GetState() != metapb.StoreState_Offline {
		t.Fatalf("SetStoreState(%d, Offline) = %v, %v", victim, st, err)
	}
	eventually(t, 30*time.Second, "offline store drained to Tombstone", func() (bool, string) {
		st, _, err := cli.GetStore(ctxFor(t, time.Second), victim)
		counts, _ := c.replicaCounts()
		return err == nil && st.GetState() == metapb.StoreState_Tombstone, fmt.Sprint(st, err, counts)
	})
	eventually(t, 5*time.Second, "the link told its heartbeats are refused", func() (bool, string) {
		return c.nodes[victim].link.Tombstone(), ""
	})
	select {
	case <-c.nodes[victim].link.Tombstoned():
	default:
		t.Fatal("Tombstone() is true but Tombstoned() is not closed")
	}
	c.stop(victim)
	c.allReplicated(3, 20*time.Second)
	c.checkData(c.newRouter(nodes...), acked)
	if err := cli.RemoveStore(ctxFor(t, 2*time.Second), victim); err != nil {
		t.Fatal(err)
	}
	stores, err := cli.GetAllStores(ctxFor(t, time.Second), false)
	if err != nil || len(stores) != 3 {
		t.Fatalf("stores after removal: %v, %v", stores, err)
	}
}
