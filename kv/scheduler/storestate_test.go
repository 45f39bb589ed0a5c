package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// TestStoreLifecycle: Offline → (region moved off) Tombstone → removed, with every wrong
// transition refused by a typed error, a tombstone's heartbeats and registrations refused with
// a message saying why, and a removed id refused across a restart.
func TestStoreLifecycle(t *testing.T) {
	ts := startServer(t, Config{ScheduleInterval: 10 * time.Millisecond,
		NewScheduling: func(SchedulingEnv) (Scheduling, error) { return nopScheduling{}, nil }})
	ts.bootstrap()
	c := ctx(t)
	if err := ts.cli.PutStore(c, &metapb.Store{Id: 4, Address: "127.0.0.1:20164"}); err != nil {
		t.Fatal(err)
	}
	_, err := ts.cli.SetStoreState(c, 4, metapb.StoreState_Tombstone)
	wantType(t, err, pb.ErrorType_INVALID_ARGUMENT)
	_, err = ts.cli.SetStoreState(c, 9, metapb.StoreState_Offline)
	wantType(t, err, pb.ErrorType_STORE_NOT_FOUND)
	wantType(t, ts.cli.RemoveStore(c, 1), pb.ErrorType_INVALID_ARGUMENT) // Up

	// Store 1 holds the only region: Offline, it stays Offline and re-registering keeps it so.
	if st, err := ts.cli.SetStoreState(c, 1, metapb.StoreState_Offline); err != nil || st.GetState() != metapb.StoreState_Offline {
		t.Fatalf("SetStoreState(1, Offline) = %v, %v", st, err)
	}
	if err := ts.cli.PutStore(c, &metapb.Store{Id: 1, Address: "127.0.0.1:20161"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // several rounds
	if st := ts.s.Cluster().GetStore(1); !st.IsOffline() {
		t.Fatalf("store 1 holding a region is %v, want Offline", st.Meta().GetState())
	}
	// The region moves to store 4 (as the replica checker would do it).
	ts.heartbeat(region(2, "", "", 2, 1, peer(3, 1), peer(5, 4)), peer(3, 1), 0)
	ts.heartbeat(region(2, "", "", 3, 1, peer(5, 4)), peer(5, 4), 0)
	deadline := time.Now().Add(5 * time.Second)
	for !ts.s.Cluster().GetStore(1).IsTombstone() {
		if time.Now().After(deadline) {
			t.Fatal("drained Offline store 1 did not become Tombstone")
		}
		time.Sleep(10 * time.Millisecond)
	}
	err = ts.cli.StoreHeartbeat(c, &pb.StoreStats{StoreId: 1})
	wantType(t, err, pb.ErrorType_STORE_TOMBSTONE)
	if !strings.Contains(err.Error(), "refused") {
		t.Fatalf("tombstone heartbeat error %q does not say it is refused", err)
	}
	wantType(t, ts.cli.PutStore(c, &metapb.Store{Id: 1, Address: "127.0.0.1:20161"}), pb.ErrorType_STORE_TOMBSTONE)
	_, err = ts.cli.SetStoreState(c, 1, metapb.StoreState_Up)
	wantType(t, err, pb.ErrorType_STORE_TOMBSTONE)

	if err := ts.cli.RemoveStore(c, 1); err != nil {
		t.Fatal(err)
	}
	if err := ts.cli.RemoveStore(c, 1); err != nil {
		t.Fatalf("second RemoveStore: %v, want nil (idempotent)", err)
	}
	ts.restart()
	c = ctx(t)
	stores, err := ts.cli.GetAllStores(c, false)
	if err != nil || len(stores) != 1 || stores[0].GetId() != 4 {
		t.Fatalf("stores after removal and restart: %v, %v", stores, err)
	}
	err = ts.cli.PutStore(c, &metapb.Store{Id: 1, Address: "127.0.0.1:20161"})
	wantType(t, err, pb.ErrorType_STORE_TOMBSTONE)
	if !strings.Contains(err.Error(), "removed") {
		t.Fatalf("removed store registering: %q does not say it was removed", err)
	}
	wantType(t, ts.cli.StoreHeartbeat(c, &pb.StoreStats{StoreId: 1}), pb.ErrorType_STORE_TOMBSTONE)
}

// TestUnsizedRegionCountsAsMinimum: a region reporting size 0 is cached with MinRegionSize, so
// balance-region (which skips unsized regions) can still move it.
func TestUnsizedRegionCountsAsMinimum(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	ts.heartbeat(region(2, "", "", 1, 1, peer(3, 1)), peer(3, 1), 0)
	if got := ts.s.Cluster().GetRegion(2).ApproximateSize(); got != MinRegionSize {
		t.Fatalf("size of a region reporting 0 = %d, want %d", got, MinRegionSize)
	}
	ts.heartbeat(region(2, "", "", 1, 1, peer(3, 1)), peer(3, 1), 5<<20)
	if got := ts.s.Cluster().GetRegion(2).ApproximateSize(); got != 5<<20 {
		t.Fatalf("size = %d, want the reported 5 MiB", got)
	}
}

// TestSplitCommandInHeartbeat: queued split keys are answered to the heartbeat of the region
// holding them (only keys strictly inside it), ahead of an operator's command; a key that
// starts a region is dropped from the queue.
func TestSplitCommandInHeartbeat(t *testing.T) {
	ts := startServer(t, Config{NewScheduling: func(SchedulingEnv) (Scheduling, error) {
		return addPeerScheduling{}, nil
	}})
	ts.bootstrap()
	c := ctx(t)
	resp, err := ts.s.SplitRegions(c, &pb.SplitRegionsRequest{SplitKeys: [][]byte{[]byte("m"), []byte("c")}})
	if err != nil || len(resp.GetPendingKeys()) != 2 {
		t.Fatalf("SplitRegions without wait = %v, %v; want both keys pending", resp, err)
	}
	got := ts.heartbeat(region(2, "", "", 1, 1, peer(3, 1)), peer(3, 1), 0)
	if keys := got.GetSplitRegion().GetSplitKeys(); len(keys) != 2 || string(keys[0]) != "c" || string(keys[1]) != "m" {
		t.Fatalf("heartbeat answer %v, want a split at c and m", got)
	}
	// The split at m happened: the left half holds c only, the right half starts at m.
	got = ts.heartbeat(region(2, "", "m", 1, 2, peer(3, 1)), peer(3, 1), 0)
	if keys := got.GetSplitRegion().GetSplitKeys(); len(keys) != 1 || string(keys[0]) != "c" {
		t.Fatalf("left half's answer %v, want a split at c", got)
	}
	got = ts.heartbeat(region(7, "m", "", 1, 2, peer(8, 1)), peer(8, 1), 0)
	if got.GetSplitRegion() != nil || got.GetChangePeer() == nil {
		t.Fatalf("right half's answer %v, want the operator's command, no split", got)
	}
	resp, _ = ts.s.SplitRegions(c, &pb.SplitRegionsRequest{SplitKeys: [][]byte{[]byte("m")}})
	if len(resp.GetPendingKeys()) != 0 || len(resp.GetRegionIds()) != 1 || resp.GetRegionIds()[0] != 7 {
		t.Fatalf("SplitRegions(m) after the split = %v, want region 7", resp)
	}
}

type nopScheduling struct{}

func (nopScheduling) Dispatch(*core.RegionInfo) *pb.RegionHeartbeatResponse { return nil }
func (nopScheduling) Schedule(time.Time)                                    {}

// addPeerScheduling answers every heartbeat with an AddNode command.
type addPeerScheduling struct{}

func (addPeerScheduling) Dispatch(*core.RegionInfo) *pb.RegionHeartbeatResponse {
	return &pb.RegionHeartbeatResponse{ChangePeer: &pb.ChangePeer{Peer: peer(99, 9), ChangeType: raftpb.ConfChangeType_ConfChangeAddNode}}
}
func (addPeerScheduling) Schedule(time.Time) {}
