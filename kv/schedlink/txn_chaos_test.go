package schedlink_test

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/cluster"
	"github.com/gee-project/gee/kv/proto/metapb"
)

// txnChaos injects one fault at a time into a txnCluster until its context ends: message
// drops, a partition, an isolated store, a store crash and restart on the same data, a
// leader transfer, or a region split at a key splitKey draws. Every fault heals before the
// next, so a majority of every region is always reachable afterwards.
type txnChaos struct {
	tc       *txnCluster
	rng      *rand.Rand
	splitKey func(*rand.Rand) string
	maxSplit int
	counts   map[string]int
	failures []string
}

// chaosDone ends a chaos run: what was done, and stores that failed to restart.
type chaosDone struct {
	summary  string
	failures []string
}

// report logs the run and fails the test if a store did not come back.
func (d chaosDone) report(t *testing.T) {
	t.Helper()
	t.Logf("chaos: %s", d.summary)
	for _, f := range d.failures {
		t.Error(f)
	}
}

// runChaos runs faults until ctx ends, then heals the network and restarts every store.
func (tc *txnCluster) runChaos(ctx context.Context, seed int64, maxSplits int, splitKey func(*rand.Rand) string) <-chan chaosDone {
	ch := &txnChaos{tc: tc, rng: rand.New(rand.NewSource(seed)), splitKey: splitKey, maxSplit: maxSplits, counts: map[string]int{}}
	out := make(chan chaosDone, 1)
	go func() {
		for ctx.Err() == nil {
			ch.pause(ctx, 100, 400)
			ch.step(ctx)
		}
		tc.net.ClearFilters()
		for id := range tc.servers {
			if !tc.up(id) {
				ch.restart(id)
			}
		}
		out <- chaosDone{ch.summary(), ch.failures}
	}()
	return out
}

// pause sleeps a uniform [lo, hi] ms, or until ctx ends.
func (ch *txnChaos) pause(ctx context.Context, lo, hi int) {
	d := time.Duration(lo+ch.rng.Intn(hi-lo+1)) * time.Millisecond
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func (ch *txnChaos) step(ctx context.Context) {
	ids := ch.storeIDs()
	victim := ids[ch.rng.Intn(len(ids))]
	switch p := ch.rng.Intn(100); {
	case p < 15:
		ch.hold(ctx, "drop", cluster.Drop(0.2))
	case p < 25:
		ch.hold(ctx, "isolate", cluster.Isolate(victim))
	case p < 35:
		perm := ch.rng.Perm(len(ids))
		var a, b []uint64
		for i, j := range perm {
			if i < len(ids)/2 {
				a = append(a, ids[j])
			} else {
				b = append(b, ids[j])
			}
		}
		ch.hold(ctx, "partition", cluster.Partition(a, b))
	case p < 50:
		ch.tc.crash(victim)
		ch.pause(ctx, 300, 1200)
		ch.restart(victim)
		ch.counts["crash-restart"]++
	case p < 85:
		if ch.transferLeader() {
			ch.counts["transfer-leader"]++
		}
	default:
		if ch.counts["split"] < ch.maxSplit && ch.split() {
			ch.counts["split"]++
		}
	}
}

// restart starts a crashed store again, retrying for 10 s; a store that does not come back
// is named in the summary (the audit then runs on the others).
func (ch *txnChaos) restart(id uint64) {
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if err = ch.tc.startStore(id); err == nil {
			return
		}
	}
	ch.failures = append(ch.failures, fmt.Sprintf("store %d did not restart: %v", id, err))
}

// hold keeps filter f installed for 0.3–1.2 s.
func (ch *txnChaos) hold(ctx context.Context, name string, f cluster.Filter) {
	remove := ch.tc.net.AddFilter(f)
	ch.pause(ctx, 300, 1200)
	remove()
	ch.counts[name]++
}

func (ch *txnChaos) storeIDs() []uint64 {
	var ids []uint64
	for id := range ch.tc.servers {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// transferLeader moves a random region's leadership to another of its peers.
func (ch *txnChaos) transferLeader() bool {
	var leads []*node
	var regions []uint64
	for _, id := range ch.storeIDs() {
		if !ch.tc.up(id) {
			continue
		}
		n := ch.tc.nodes[id]
		for _, rid := range n.st.Regions() {
			if st, ok := n.st.RegionStatus(rid); ok && st.IsLeader {
				leads, regions = append(leads, n), append(regions, rid)
			}
		}
	}
	if len(leads) == 0 {
		return false
	}
	i := ch.rng.Intn(len(leads))
	st, _ := leads[i].st.RegionStatus(regions[i])
	var to []*metapb.Peer
	for _, p := range st.Region.GetPeers() {
		if p.GetId() != st.PeerID {
			to = append(to, p)
		}
	}
	if len(to) == 0 {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return leads[i].st.TransferLeader(ctx, regions[i], to[ch.rng.Intn(len(to))]) == nil
}

// split asks the scheduler to split the region holding a drawn key there.
func (ch *txnChaos) split() bool {
	var cli = ch.tc.liveClient()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := cli.SplitRegions(ctx, [][]byte{[]byte(ch.splitKey(ch.rng))})
	return err == nil
}

func (ch *txnChaos) summary() string {
	var parts []string
	for k, v := range ch.counts {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
