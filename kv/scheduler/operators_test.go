package scheduler

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// testClock is a settable clock for the server and its coordinator.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// opServer: a scheduler with the coordinator (no balancing, no rounds) on a settable clock,
// set up by opCluster.
func opServer(t *testing.T) (*testServer, *testClock, *metapb.Region) {
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	ts := startServer(t, Config{Now: clock.now, ScheduleInterval: time.Hour,
		NewScheduling: func(env SchedulingEnv) (Scheduling, error) {
			co, err := schedule.NewCoordinator(env.Cluster, env.IDs,
				schedule.Config{ClusterConfig: env.Config, DisableBalance: true, Now: clock.now})
			return schedule.ServerScheduling{Coord: co}, err
		}})
	return ts, clock, opCluster(t, ts)
}

// opCluster bootstraps ts with stores 1–3 up and region 2 on stores 1 (leader) and 2.
func opCluster(t testing.TB, ts *testServer) *metapb.Region {
	ts.bootstrap()
	for id := uint64(1); id <= 3; id++ {
		if err := ts.cli.PutStore(ctx(t), &metapb.Store{Id: id, Address: fmt.Sprintf("127.0.0.1:%d", 20160+id)}); err != nil {
			t.Fatal(err)
		}
		if err := ts.cli.StoreHeartbeat(ctx(t), &pb.StoreStats{StoreId: id}); err != nil {
			t.Fatal(err)
		}
	}
	r := region(2, "", "", 2, 1, peer(3, 1), peer(4, 2))
	ts.heartbeat(r, r.Peers[0], 0)
	return r
}

func addOp(ts *testServer, kind pb.OperatorKind, regionID, storeID uint64) (*pb.OperatorInfo, *pb.Error) {
	resp, err := ts.s.AddOperator(ctx(ts.t), &pb.AddOperatorRequest{Kind: kind, RegionId: regionID, StoreId: storeID})
	if err != nil {
		ts.t.Fatal(err)
	}
	return resp.GetOperator(), resp.GetHeader().GetError()
}

// Each kind makes an admin operator whose first step the next region heartbeat carries.
func TestAddOperatorKinds(t *testing.T) {
	cases := []struct {
		kind  pb.OperatorKind
		store uint64
		check func(resp *pb.RegionHeartbeatResponse) bool
	}{
		{pb.OperatorKind_TRANSFER_LEADER, 2, func(r *pb.RegionHeartbeatResponse) bool {
			return r.GetTransferLeader().GetPeer().GetId() == 4
		}},
		{pb.OperatorKind_ADD_PEER, 3, func(r *pb.RegionHeartbeatResponse) bool {
			cp := r.GetChangePeer()
			return cp.GetChangeType() == raftpb.ConfChangeType_ConfChangeAddLearnerNode && cp.GetPeer().GetStoreId() == 3
		}},
		{pb.OperatorKind_REMOVE_PEER, 2, func(r *pb.RegionHeartbeatResponse) bool {
			cp := r.GetChangePeer()
			return cp.GetChangeType() == raftpb.ConfChangeType_ConfChangeRemoveNode && cp.GetPeer().GetId() == 4
		}},
		{pb.OperatorKind_REMOVE_PEER, 1, func(r *pb.RegionHeartbeatResponse) bool { // the leader's: transfer first
			return r.GetTransferLeader().GetPeer().GetStoreId() == 2
		}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s-store-%d", tc.kind, tc.store), func(t *testing.T) {
			ts, _, r := opServer(t)
			info, e := addOp(ts, tc.kind, 2, tc.store)
			if e != nil || info.GetSource() != "admin" || info.GetStatus() != "running" || info.GetRegionId() != 2 {
				t.Fatalf("AddOperator: %v, %v", info, e)
			}
			if resp := ts.heartbeat(r, r.Peers[0], 0); !tc.check(resp) || resp.GetRegionId() != 2 {
				t.Fatalf("heartbeat response %v does not carry the %s step", resp, tc.kind)
			}
		})
	}
}

// Bad requests are refused with typed errors and create nothing.
func TestAddOperatorErrors(t *testing.T) {
	ts, _, _ := opServer(t)
	if _, err := ts.s.SetStoreState(ctx(t), &pb.SetStoreStateRequest{StoreId: 3, State: metapb.StoreState_Offline}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name          string
		kind          pb.OperatorKind
		region, store uint64
		want          pb.ErrorType
	}{
		{"unknown region", pb.OperatorKind_ADD_PEER, 9, 3, pb.ErrorType_REGION_NOT_FOUND},
		{"unknown store", pb.OperatorKind_ADD_PEER, 2, 99, pb.ErrorType_STORE_NOT_FOUND},
		{"offline store", pb.OperatorKind_ADD_PEER, 2, 3, pb.ErrorType_STORE_NOT_UP},
		{"duplicate peer", pb.OperatorKind_ADD_PEER, 2, 2, pb.ErrorType_PEER_EXISTS},
		{"no peer to remove", pb.OperatorKind_REMOVE_PEER, 2, 3, pb.ErrorType_PEER_NOT_FOUND},
		{"no peer to lead", pb.OperatorKind_TRANSFER_LEADER, 2, 3, pb.ErrorType_PEER_NOT_FOUND},
		{"already leader", pb.OperatorKind_TRANSFER_LEADER, 2, 1, pb.ErrorType_INVALID_ARGUMENT},
		{"no kind", pb.OperatorKind_OPERATOR_KIND_UNKNOWN, 2, 2, pb.ErrorType_INVALID_ARGUMENT},
		{"no region id", pb.OperatorKind_ADD_PEER, 0, 2, pb.ErrorType_INVALID_ARGUMENT},
	}
	for _, tc := range cases {
		if info, e := addOp(ts, tc.kind, tc.region, tc.store); e.GetType() != tc.want || info != nil || e.GetMessage() == "" {
			t.Errorf("%s: %v, %v; want %s", tc.name, info, e, tc.want)
		}
	}
	if ops := ts.s.RecentOperators(0); len(ops) != 0 {
		t.Fatalf("refused requests left operators: %v", ops)
	}
	if _, e := addOp(ts, pb.OperatorKind_TRANSFER_LEADER, 2, 2); e != nil {
		t.Fatal(e)
	}
	if _, e := addOp(ts, pb.OperatorKind_REMOVE_PEER, 2, 2); e.GetType() != pb.ErrorType_OPERATOR_RUNNING {
		t.Fatalf("second operator: %v, want OPERATOR_RUNNING", e)
	}
}

// Without scheduling there are no operators: AddOperator says so, GetOperators lists nothing.
func TestAddOperatorWithoutScheduling(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	if _, e := addOp(ts, pb.OperatorKind_ADD_PEER, 2, 1); e.GetType() != pb.ErrorType_UNKNOWN {
		t.Fatalf("AddOperator: %v, want UNKNOWN", e)
	}
	resp, err := ts.s.GetOperators(ctx(t), &pb.GetOperatorsRequest{})
	if err != nil || resp.GetHeader().GetError() != nil || len(resp.GetOperators()) != 0 {
		t.Fatalf("GetOperators: %v, %v", resp, err)
	}
}

// A finished operator is listed as success with its end time, after the newer running one.
func TestGetOperatorsAfterSuccess(t *testing.T) {
	ts, clock, r := opServer(t)
	if _, e := addOp(ts, pb.OperatorKind_TRANSFER_LEADER, 2, 2); e != nil {
		t.Fatal(e)
	}
	clock.advance(time.Second)
	ts.heartbeat(r, r.Peers[1], 0) // the leader moved: done
	clock.advance(time.Second)
	if _, e := addOp(ts, pb.OperatorKind_ADD_PEER, 2, 3); e != nil {
		t.Fatal(e)
	}
	resp, err := ts.s.GetOperators(ctx(t), &pb.GetOperatorsRequest{Limit: 10})
	ops := resp.GetOperators()
	if err != nil || len(ops) != 2 {
		t.Fatalf("GetOperators: %v, %v", resp, err)
	}
	if ops[0].GetKind() != "add-peer" || ops[0].GetStatus() != "running" || ops[0].GetEndUnixMs() != 0 {
		t.Fatalf("newest: %v", ops[0])
	}
	start := clock.now().Add(-2 * time.Second).UnixMilli()
	if o := ops[1]; o.GetKind() != "transfer-leader" || o.GetStatus() != "success" ||
		o.GetStartUnixMs() != start || o.GetEndUnixMs() != start+1000 || o.GetDesc() != "transfer leader from store 1 to store 2" {
		t.Fatalf("finished: %v", o)
	}
	if got := ts.s.RecentOperators(1); len(got) != 1 || got[0].GetKind() != "add-peer" {
		t.Fatalf("RecentOperators(1) = %v", got)
	}
}

// An admin operator's first step is pushed at once to the stream the region's leader store
// reports on (ScheduleInterval is an hour: no round runs), with no further heartbeat.
func TestAddOperatorPushedOnStream(t *testing.T) {
	ts, _, _ := opServer(t)
	got := make(chan *pb.RegionHeartbeatResponse, 4)
	ts.cli.SetRegionHeartbeatHandler(func(r *pb.RegionHeartbeatResponse) { got <- r })
	r := region(2, "", "", 2, 1, peer(3, 1), peer(4, 2))
	if err := ts.cli.ReportRegion(&pb.RegionHeartbeatRequest{Region: r, Leader: peer(3, 1), Term: 2}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the stream to be open", func() bool { return ts.s.pushers.get(1) != nil })
	if _, err := ts.cli.TransferLeader(ctx(t), 2, 2); err != nil {
		t.Fatal(err)
	}
	select {
	case cmd := <-got:
		if cmd.GetRegionId() != 2 || cmd.GetTransferLeader().GetPeer().GetStoreId() != 2 {
			t.Fatalf("pushed %v", cmd)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no command pushed within 10 s")
	}
}
