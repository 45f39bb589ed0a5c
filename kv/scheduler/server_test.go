package scheduler

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
)

func TestBootstrapRules(t *testing.T) {
	ts := startServer(t, Config{})
	c := ctx(t)
	if ok, err := ts.cli.IsBootstrapped(c); ok || err != nil {
		t.Fatalf("IsBootstrapped = %v, %v before bootstrap", ok, err)
	}
	wantType(t, ts.cli.PutStore(c, &metapb.Store{Id: 5, Address: "x:1"}), pb.ErrorType_NOT_BOOTSTRAPPED)
	_, err := ts.cli.GetRegion(c, nil)
	wantType(t, err, pb.ErrorType_NOT_BOOTSTRAPPED)
	// AllocID works before bootstrap: a store needs ids to bootstrap.
	if _, err := ts.cli.AllocID(c); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func() error{
		"no store":         func() error { return ts.cli.Bootstrap(c, nil, region(2, "", "", 1, 1, peer(3, 1))) },
		"store no address": func() error { return ts.cli.Bootstrap(c, &metapb.Store{Id: 1}, region(2, "", "", 1, 1, peer(3, 1))) },
		"no region":        func() error { return ts.cli.Bootstrap(c, &metapb.Store{Id: 1, Address: "a:1"}, nil) },
		"no peer on store": func() error {
			return ts.cli.Bootstrap(c, &metapb.Store{Id: 1, Address: "a:1"}, region(2, "", "", 1, 1, peer(3, 9)))
		},
		"bad range": func() error {
			return ts.cli.Bootstrap(c, &metapb.Store{Id: 1, Address: "a:1"}, region(2, "b", "a", 1, 1, peer(3, 1)))
		},
	}
	for name, f := range bad {
		if err := f(); !schedclient.IsType(err, pb.ErrorType_INVALID_ARGUMENT) {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", name, err)
		}
	}
	// Ids chosen by the bootstrapping store are never handed out later.
	if err := ts.cli.Bootstrap(c, &metapb.Store{Id: 1, Address: "a:1"}, region(500, "", "", 1, 1, peer(600, 1))); err != nil {
		t.Fatal(err)
	}
	wantType(t, ts.cli.Bootstrap(c, &metapb.Store{Id: 1, Address: "a:1"}, region(2, "", "", 1, 1, peer(3, 1))),
		pb.ErrorType_ALREADY_BOOTSTRAPPED)
	if id, err := ts.cli.AllocID(c); err != nil || id <= 600 {
		t.Fatalf("AllocID after bootstrap with id 600: %d, %v", id, err)
	}
	if ok, err := ts.cli.IsBootstrapped(c); !ok || err != nil {
		t.Fatalf("IsBootstrapped = %v, %v", ok, err)
	}
	r, err := ts.cli.GetRegion(c, []byte("anything"))
	if err != nil || r.Meta.GetId() != 500 {
		t.Fatalf("GetRegion: %v, %v", r, err)
	}
}

func TestStoresOverGRPC(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	c := ctx(t)
	for id := uint64(10); id < 13; id++ {
		if err := ts.cli.PutStore(c, &metapb.Store{Id: id, Address: fmt.Sprintf("127.0.0.1:%d", id)}); err != nil {
			t.Fatal(err)
		}
	}
	wantType(t, ts.cli.PutStore(c, &metapb.Store{Id: 13, Address: "127.0.0.1:10"}), pb.ErrorType_INVALID_ARGUMENT)
	wantType(t, ts.cli.PutStore(c, &metapb.Store{Id: 13, Address: "a:1", State: metapb.StoreState_Tombstone}), pb.ErrorType_INVALID_ARGUMENT)
	wantType(t, ts.cli.PutStore(c, &metapb.Store{Id: 13, Address: strings.Repeat("a", 300)}), pb.ErrorType_INVALID_ARGUMENT)
	if err := ts.cli.StoreHeartbeat(c, &pb.StoreStats{StoreId: 10, Capacity: 100, Available: 40, IsBusy: true}); err != nil {
		t.Fatal(err)
	}
	wantType(t, ts.cli.StoreHeartbeat(c, &pb.StoreStats{StoreId: 99}), pb.ErrorType_STORE_NOT_FOUND)
	wantType(t, ts.cli.StoreHeartbeat(c, &pb.StoreStats{}), pb.ErrorType_INVALID_ARGUMENT)
	st, stats, err := ts.cli.GetStore(c, 10)
	if err != nil || st.GetAddress() != "127.0.0.1:10" || stats.GetCapacity() != 100 || !stats.GetIsBusy() {
		t.Fatalf("GetStore: %v %v %v", st, stats, err)
	}
	if _, _, err := ts.cli.GetStore(c, 99); !schedclient.IsType(err, pb.ErrorType_STORE_NOT_FOUND) {
		t.Fatalf("GetStore(99): %v", err)
	}
	// A store re-registering (as Up) after a restart keeps the state an operator gave it.
	if err := ts.s.Cluster().SetStoreState(11, metapb.StoreState_Offline); err != nil {
		t.Fatal(err)
	}
	if err := ts.cli.PutStore(c, &metapb.Store{Id: 11, Address: "127.0.0.1:1111"}); err != nil {
		t.Fatal(err)
	}
	if st := ts.s.Cluster().GetStore(11); !st.IsOffline() || st.Address() != "127.0.0.1:1111" {
		t.Fatalf("store 11 after re-register: %v", st.Meta())
	}
	if err := ts.s.Cluster().SetStoreState(12, metapb.StoreState_Tombstone); err != nil {
		t.Fatal(err)
	}
	all, err := ts.cli.GetAllStores(c, false)
	if err != nil || len(all) != 4 {
		t.Fatalf("GetAllStores: %d, %v", len(all), err)
	}
	live, err := ts.cli.GetAllStores(c, true)
	if err != nil || len(live) != 3 {
		t.Fatalf("GetAllStores without tombstones: %d, %v", len(live), err)
	}
}

func TestClusterConfig(t *testing.T) {
	ts := startServer(t, Config{MaxReplicas: 5, MaxStoreDownTime: time.Minute})
	c := ctx(t)
	cfg, err := ts.cli.GetClusterConfig(c)
	if err != nil || cfg.GetMaxReplicas() != 5 || cfg.GetMaxStoreDownTimeMs() != 60_000 || cfg.GetClusterId() != ts.s.ClusterID() {
		t.Fatalf("GetClusterConfig: %v, %v", cfg, err)
	}
	for _, bad := range []*pb.ClusterConfig{nil, {MaxReplicas: 0, MaxStoreDownTimeMs: 1}, {MaxReplicas: 99, MaxStoreDownTimeMs: 1},
		{MaxReplicas: 3}, {ClusterId: 7, MaxReplicas: 3, MaxStoreDownTimeMs: 1}} {
		wantType(t, ts.cli.PutClusterConfig(c, bad), pb.ErrorType_INVALID_ARGUMENT)
	}
	if err := ts.cli.PutClusterConfig(c, &pb.ClusterConfig{MaxReplicas: 1, MaxStoreDownTimeMs: 1000}); err != nil {
		t.Fatal(err)
	}
	// The persisted config wins over the flags on restart...
	ts.restart()
	if got := ts.s.ClusterConfig(); got.GetMaxReplicas() != 1 || got.GetMaxStoreDownTimeMs() != 1000 {
		t.Fatalf("after restart: %v", got)
	}
	// ...unless the operator asks to override it.
	ts.cfg.OverrideClusterConfig = true
	ts.restart()
	if got := ts.s.ClusterConfig(); got.GetMaxReplicas() != 5 {
		t.Fatalf("after override restart: %v", got)
	}
}

func TestRequestLimits(t *testing.T) {
	ts := startServer(t, Config{Limits: Limits{MaxKeySize: 16, MaxScanRegions: 5, MaxSplitCount: 3, MaxPeers: 3}})
	ts.bootstrap()
	c := ctx(t)
	big := bytes.Repeat([]byte("k"), 17)
	_, err := ts.cli.GetRegion(c, big)
	wantType(t, err, pb.ErrorType_INVALID_ARGUMENT)
	_, err = ts.cli.ScanRegions(c, nil, big, 0)
	wantType(t, err, pb.ErrorType_INVALID_ARGUMENT)
	_, err = ts.cli.ScanRegions(c, nil, nil, 6)
	wantType(t, err, pb.ErrorType_INVALID_ARGUMENT)
	_, err = ts.cli.ScanRegions(c, nil, nil, -1)
	wantType(t, err, pb.ErrorType_INVALID_ARGUMENT)
	parent := region(2, "", "", 1, 1, peer(3, 1))
	for _, n := range []int{0, 4} {
		_, err = ts.cli.AskBatchSplit(c, parent, n)
		wantType(t, err, pb.ErrorType_INVALID_ARGUMENT)
	}
	_, err = ts.cli.AskBatchSplit(c, region(77, "", "", 1, 1, peer(3, 1)), 1)
	wantType(t, err, pb.ErrorType_REGION_NOT_FOUND)
	_, err = ts.cli.AskBatchSplit(c, region(2, "", "", 1, 1, peer(3, 1), peer(4, 2), peer(5, 3), peer(6, 4)), 1)
	wantType(t, err, pb.ErrorType_INVALID_ARGUMENT)
	// A request for another cluster is refused.
	resp, err := ts.s.GetRegionByID(c, &pb.GetRegionByIDRequest{Header: &pb.RequestHeader{ClusterId: ts.s.ClusterID() + 1}, RegionId: 2})
	if err != nil || resp.GetHeader().GetError().GetType() != pb.ErrorType_CLUSTER_MISMATCH {
		t.Fatalf("wrong cluster id: %v, %v", resp.GetHeader(), err)
	}
}

func TestAskBatchSplitAndReport(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	c := ctx(t)
	parent := region(2, "", "", 1, 1, peer(3, 1), peer(4, 2), peer(5, 3))
	ids, err := ts.cli.AskBatchSplit(c, parent, 3)
	if err != nil || len(ids) != 3 {
		t.Fatalf("AskBatchSplit: %v, %v", ids, err)
	}
	seen := map[uint64]bool{2: true, 3: true}
	for _, s := range ids {
		if len(s.GetNewPeerIds()) != 3 {
			t.Fatalf("split %v: want 3 peer ids", s)
		}
		for _, id := range append([]uint64{s.GetNewRegionId()}, s.GetNewPeerIds()...) {
			if seen[id] {
				t.Fatalf("id %d repeated", id)
			}
			seen[id] = true
		}
	}
	// Report the split [,b) [b,d) [d,) with the parent keeping the left part.
	left := region(2, "", "b", 1, 2, peer(3, 1))
	mid := region(ids[0].GetNewRegionId(), "b", "d", 1, 2, peer(ids[0].GetNewPeerIds()[0], 1))
	right := region(ids[1].GetNewRegionId(), "d", "", 1, 2, peer(ids[1].GetNewPeerIds()[0], 1))
	wantType(t, ts.cli.ReportBatchSplit(c, []*metapb.Region{left}), pb.ErrorType_INVALID_ARGUMENT)
	ts.heartbeat(region(2, "", "", 1, 1, peer(3, 1)), peer(3, 1), 0)
	if err := ts.cli.ReportBatchSplit(c, []*metapb.Region{left, mid, right}); err != nil {
		t.Fatal(err)
	}
	if l := ts.s.Cluster().GetRegion(2).Leader(); l.GetId() != 3 {
		t.Fatalf("parent lost its leader: %v", l)
	}
	// A stale report (the parent as it was) changes nothing.
	if err := ts.cli.ReportBatchSplit(c, []*metapb.Region{region(2, "", "", 1, 1, peer(3, 1)), mid}); err != nil {
		t.Fatal(err)
	}
	// Every range resolves at once; the parent keeps its leader.
	for key, want := range map[string]uint64{"c": mid.GetId(), "x": right.GetId(), "a": 2} {
		r, err := ts.cli.GetRegion(c, []byte(key))
		if err != nil || r.Meta.GetId() != want {
			t.Fatalf("key %q: %v, %v; want region %d", key, r, err, want)
		}
	}
}
