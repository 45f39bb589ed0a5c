package scheduler

import (
	"fmt"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// Everything the scheduler owns survives a restart: cluster id and config, the bootstrap flag,
// stores (with their states), and the region map after splits and membership changes, including
// regions replaced by newer overlapping ones being gone.
func TestPersistenceRoundTrip(t *testing.T) {
	ts := startServer(t, Config{RegionFlushInterval: 10 * time.Millisecond})
	ts.bootstrap()
	c := ctx(t)
	for id := uint64(10); id < 13; id++ {
		if err := ts.cli.PutStore(c, &metapb.Store{Id: id, Address: fmt.Sprintf("127.0.0.1:%d", id)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ts.s.Cluster().SetStoreState(12, metapb.StoreState_Offline); err != nil {
		t.Fatal(err)
	}
	// PutStore persists; SetStoreState is in-memory only, so persist it like an admin API would.
	if err := ts.s.st.saveStore(ts.s.Cluster().GetStore(12).Meta()); err != nil {
		t.Fatal(err)
	}
	// Split region 2 into 4 regions over two rounds, then grow region 2's membership.
	ts.heartbeat(region(2, "", "m", 1, 2, peer(3, 1)), peer(3, 1), 10)
	ts.heartbeat(region(20, "m", "", 1, 2, peer(21, 1)), peer(21, 1), 10)
	ts.heartbeat(region(30, "f", "m", 1, 3, peer(31, 1)), peer(31, 1), 10)
	ts.heartbeat(region(2, "", "f", 1, 3, peer(3, 1)), peer(3, 1), 10)
	ts.heartbeat(region(40, "t", "", 1, 3, peer(41, 1)), peer(41, 1), 10)
	ts.heartbeat(region(20, "m", "t", 1, 3, peer(21, 1)), peer(21, 1), 10)
	ts.heartbeat(region(2, "", "f", 2, 3, peer(3, 1), peer(4, 10)), peer(3, 1), 10)
	// A merge: 30 absorbs 20 ([f, t)), so 20 must be gone after the restart too.
	ts.heartbeat(region(30, "f", "t", 1, 4, peer(31, 1)), peer(31, 1), 10)
	want := ts.s.Cluster().GetRegions()
	id, cfg := ts.s.ClusterID(), ts.s.ClusterConfig()
	ts.restart()
	if ts.s.ClusterID() != id || ts.s.ClusterConfig().GetMaxReplicas() != cfg.GetMaxReplicas() || !ts.s.Bootstrapped() {
		t.Fatalf("cluster meta not restored: id %d/%d config %v", ts.s.ClusterID(), id, ts.s.ClusterConfig())
	}
	stores := ts.s.Cluster().GetStores()
	if len(stores) != 4 || !ts.s.Cluster().GetStore(12).IsOffline() || ts.s.Cluster().GetStore(11).Address() != "127.0.0.1:11" {
		t.Fatalf("stores not restored: %d", len(stores))
	}
	got := ts.s.Cluster().GetRegions()
	if len(got) != len(want) || len(got) != 3 {
		t.Fatalf("%d regions after restart, want %d (3)", len(got), len(want))
	}
	for i := range want {
		if !sameMeta(got[i], want[i]) {
			t.Fatalf("region %d after restart: %v, want %v", i, got[i], want[i])
		}
	}
	if ts.s.Cluster().GetRegion(20) != nil {
		t.Fatal("merged-away region 20 came back")
	}
	// The cache after restart has no leaders: the first heartbeat brings it back, same epoch.
	ts.heartbeat(region(2, "", "f", 2, 3, peer(3, 1), peer(4, 10)), peer(3, 1), 10)
	if ts.s.Cluster().GetRegion(2).Leader().GetId() != 3 {
		t.Fatal("leader not taken from the first heartbeat after restart")
	}
}

func sameMeta(a, b *core.RegionInfo) bool {
	return a.ID() == b.ID() && string(a.StartKey()) == string(b.StartKey()) && string(a.EndKey()) == string(b.EndKey()) &&
		a.Epoch().GetVersion() == b.Epoch().GetVersion() && a.Epoch().GetConfVer() == b.Epoch().GetConfVer() &&
		len(a.Peers()) == len(b.Peers())
}

// A crash can leave an older overlapping region on disk next to the newer one that replaced it
// (written in a different flush): reload keeps the newer and deletes the older.
func TestReloadDropsStaleOverlaps(t *testing.T) {
	dir := t.TempDir()
	st, err := openStorage(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.saveRegions(map[uint64]*metapb.Region{
		1: region(1, "", "", 1, 1, peer(2, 1)),
		3: region(3, "m", "", 1, 2, peer(4, 1)),
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if s.Cluster().RegionCount() != 1 || s.Cluster().GetRegion(3) == nil {
		t.Fatalf("reload kept %d regions", s.Cluster().RegionCount())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = openStorage(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	left, err := st.loadRegions()
	if err != nil || len(left) != 1 || left[0].GetId() != 3 {
		t.Fatalf("storage after reload: %v, %v", left, err)
	}
}

// A corrupt record is reported with its key, not a panic.
func TestCorruptStorageIsAnError(t *testing.T) {
	dir := t.TempDir()
	st, err := openStorage(dir)
	if err != nil {
		t.Fatal(err)
	}
	wb := st.eng.NewBatch()
	wb.PutRaw(idKey(prefixStore, 1), []byte{0xff, 0xff, 0xff})
	if err := st.eng.Write(wb, true); err != nil {
		t.Fatal(err)
	}
	wb.Close()
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(Config{DataDir: dir}); err == nil {
		s.Close()
		t.Fatal("Open accepted a corrupt store record")
	}
}
