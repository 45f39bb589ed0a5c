package schedlink_test

import (
	"bytes"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/storage"
)

// TestAdminSplitRegions: SplitRegions through the scheduler splits at exactly the given keys
// (given out of order, one of them twice, one already a boundary on the second call), every new
// region is replicated on the three stores, and bad requests are refused with a clear error.
func TestAdminSplitRegions(t *testing.T) {
	c := newTestCluster(t, startScheduler(t, time.Minute, nil))
	for id := uint64(1); id <= 3; id++ {
		c.start(id)
	}
	c.replicated("", 3, 10*time.Second)
	cli := c.nodes[1].cli
	keys := [][]byte{[]byte("m"), []byte("d"), []byte("t"), []byte("d")}
	ids, err := cli.SplitRegions(ctxFor(t, 15*time.Second), keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(keys) || ids[1] != ids[3] {
		t.Fatalf("SplitRegions ids = %v for %q", ids, keys)
	}
	bounds := []string{"", "d", "m", "t"}
	for i, start := range bounds {
		r := c.replicated(start, 3, 10*time.Second)
		end := ""
		if i+1 < len(bounds) {
			end = bounds[i+1]
		}
		if string(r.GetStartKey()) != start || string(r.GetEndKey()) != end {
			t.Fatalf("region at %q is [%q, %q), want [%q, %q)", start, r.GetStartKey(), r.GetEndKey(), start, end)
		}
	}
	regions, err := cli.ScanRegions(ctxFor(t, time.Second), nil, nil, 0)
	if err != nil || len(regions) != 4 {
		t.Fatalf("ScanRegions: %d regions, %v; want 4", len(regions), err)
	}
	// Again, plus one new key: the old keys are done at once, the region ids are the same.
	again, err := cli.SplitRegions(ctxFor(t, 15*time.Second), [][]byte{[]byte("d"), []byte("p")})
	if err != nil || again[0] != ids[1] {
		t.Fatalf("second SplitRegions = %v, %v (first gave %v)", again, err, ids)
	}
	if r, _ := c.regionAt("q"); r == nil || !bytes.Equal(r.Meta.GetStartKey(), []byte("p")) {
		t.Fatalf("region at q: %v", r)
	}
	for _, bad := range [][][]byte{{}, {[]byte("")}, {bytes.Repeat([]byte("k"), 9000)}} {
		_, err := cli.SplitRegions(ctxFor(t, time.Second), bad)
		if len(bad) == 0 {
			if err != nil {
				t.Fatalf("no keys: %v, want nothing to do", err)
			}
			continue
		}
		if !schedclient.IsType(err, pb.ErrorType_INVALID_ARGUMENT) {
			t.Fatalf("SplitRegions(%d-byte key) = %v, want INVALID_ARGUMENT", len(bad[0]), err)
		}
	}
}

// TestAdminSplitTimesOutWithoutLeader: with no store alive the split cannot happen, and
// SplitRegions returns when its context ends, naming the pending key.
func TestAdminSplitTimesOutWithoutLeader(t *testing.T) {
	c := newTestCluster(t, startScheduler(t, time.Minute, nil))
	c.start(1)
	c.replicated("", 1, 10*time.Second)
	cli := c.nodes[1].cli
	c.net.Detach(1)
	c.nodes[1].link.Close()
	c.nodes[1].st.Stop()
	start := time.Now()
	_, err := cli.SplitRegions(ctxFor(t, 700*time.Millisecond), [][]byte{[]byte("k")})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(`"k"`)) {
		t.Fatalf("SplitRegions with no leader = %v, want a timeout naming \"k\"", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("SplitRegions took %v past its 700ms context", el)
	}
}

// mutedReporter drops every region heartbeat, counting them.
type mutedReporter struct{ dropped atomic.Int64 }

func (m *mutedReporter) ReportRegion(raftstore.RegionReport) { m.dropped.Add(1) }

// TestSizeSplitReportedToScheduler: a split made by the store's own size checker reaches the
// scheduler through ReportBatchSplit: with every region heartbeat dropped, the scheduler still
// learns both halves' ranges.
func TestSizeSplitReportedToScheduler(t *testing.T) {
	c := newTestCluster(t, startScheduler(t, time.Minute, nil))
	mute := &mutedReporter{}
	c.tune = func(_ uint64, cfg *raftstore.Config) {
		// NoHibernate: a quiet region is not ticked, so its split check would wait for a wake-up.
		cfg.Reporter, cfg.RegionSplitSize, cfg.SplitCheckInterval, cfg.NoHibernate = mute, 1500, 50*time.Millisecond, true
	}
	n := c.start(1)
	first := n.st.Regions()[0]
	ld := c.leaderOf(first, 5*time.Second)
	st, _ := ld.st.RegionStatus(first)
	var batch []storage.Modify
	for i := 0; i < 40; i++ { // 40 × 60 bytes: one split into two halves under the limit
		batch = append(batch, storage.Put(engine.CFDefault, []byte(fmt.Sprintf("key%05d", i)), bytes.Repeat([]byte("v"), 52)))
	}
	kvctx := &kvrpcpb.Context{RegionId: first, RegionEpoch: st.Region.GetRegionEpoch(), Peer: peerOn(st.Region, 1)}
	if err := n.st.Storage().Write(ctxFor(t, 5*time.Second), kvctx, batch); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the store split its region", func() (bool, string) {
		return len(n.st.Regions()) == 2, fmt.Sprint(n.st.Regions())
	})
	eventually(t, 5*time.Second, "both halves in the scheduler", func() (bool, string) {
		left, err1 := c.regionAt("key00000")
		right, err2 := c.regionAt("key00039")
		if err1 != nil || err2 != nil {
			return false, fmt.Sprint(err1, err2)
		}
		split := left.Meta.GetEndKey()
		ok := left.Meta.GetId() == first && len(split) > 0 && right.Meta.GetId() != first &&
			bytes.Equal(right.Meta.GetStartKey(), split) && len(right.Meta.GetEndKey()) == 0
		return ok, fmt.Sprint(left.Meta, " | ", right.Meta)
	})
	if mute.dropped.Load() == 0 {
		t.Fatal("no region heartbeat was dropped: the test did not isolate ReportBatchSplit")
	}
}

// peerOn returns region's peer on store id.
func peerOn(r *metapb.Region, id uint64) *metapb.Peer {
	for _, p := range r.GetPeers() {
		if p.GetStoreId() == id {
			return p
		}
	}
	return nil
}
