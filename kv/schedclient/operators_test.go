package schedclient_test

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// schedulingNode starts a scheduler with the coordinator (balancing off) on 127.0.0.1.
func schedulingNode(t *testing.T) (*scheduler.Server, string) {
	t.Helper()
	s, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir(), ScheduleInterval: time.Hour,
		NewScheduling: func(env scheduler.SchedulingEnv) (scheduler.Scheduling, error) {
			co, err := schedule.NewCoordinator(env.Cluster, env.IDs,
				schedule.Config{ClusterConfig: env.Config, DisableBalance: true})
			return schedule.ServerScheduling{Coord: co}, err
		}})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := scheduler.NewGRPCServer(s, scheduler.GRPCConfig{})
	go func() { _ = g.Serve(lis) }()
	t.Cleanup(func() {
		s.StopStreams()
		g.GracefulStop()
		_ = s.Close()
	})
	return s, lis.Addr().String()
}

// opCluster: stores 1, 4 and 5 up; region 2 with peers on stores 1 (leader) and 5.
func opCluster(t *testing.T) (*scheduler.Server, *schedclient.Client) {
	s, addr := schedulingNode(t)
	ctx := testCtx(t, 10*time.Second)
	c, err := schedclient.New(ctx, []string{addr}, fast())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	bootstrap(t, c)
	for _, id := range []uint64{1, 4, 5} {
		if err := c.PutStore(ctx, &metapb.Store{Id: id, Address: fmt.Sprintf("127.0.0.1:%d", 20160+id-1)}); err != nil {
			t.Fatal(err)
		}
		if err := c.StoreHeartbeat(ctx, &pb.StoreStats{StoreId: id}); err != nil {
			t.Fatal(err)
		}
	}
	region := &metapb.Region{Id: 2, RegionEpoch: &metapb.RegionEpoch{ConfVer: 2, Version: 1},
		Peers: []*metapb.Peer{{Id: 3, StoreId: 1}, {Id: 6, StoreId: 5}}}
	resp := s.HandleRegionHeartbeat(&pb.RegionHeartbeatRequest{Region: region, Leader: region.Peers[0], Term: 1})
	if e := resp.GetHeader().GetError(); e != nil {
		t.Fatal(e)
	}
	return s, c
}

func TestClientAddOperators(t *testing.T) {
	_, c := opCluster(t)
	ctx := testCtx(t, 10*time.Second)
	op, err := c.AddPeer(ctx, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	if op.GetKind() != "add-peer" || op.GetSource() != "admin" || op.GetStatus() != "running" || op.GetRegionId() != 2 {
		t.Fatalf("AddPeer gave %v", op)
	}
	if _, err := c.TransferLeader(ctx, 2, 5); !schedclient.IsType(err, pb.ErrorType_OPERATOR_RUNNING) {
		t.Fatalf("second operator on region 2: %v, want OPERATOR_RUNNING", err)
	}
	ops, err := c.Operators(ctx, 10)
	if err != nil || len(ops) != 1 || ops[0].GetKind() != "add-peer" {
		t.Fatalf("Operators: %v, %v", ops, err)
	}
}

func TestClientOperatorErrors(t *testing.T) {
	_, c := opCluster(t)
	ctx := testCtx(t, 10*time.Second)
	cases := []struct {
		name string
		call func() (*pb.OperatorInfo, error)
		want pb.ErrorType
	}{
		{"unknown region", func() (*pb.OperatorInfo, error) { return c.TransferLeader(ctx, 99, 5) }, pb.ErrorType_REGION_NOT_FOUND},
		{"unknown store", func() (*pb.OperatorInfo, error) { return c.AddPeer(ctx, 2, 77) }, pb.ErrorType_STORE_NOT_FOUND},
		{"peer exists", func() (*pb.OperatorInfo, error) { return c.AddPeer(ctx, 2, 5) }, pb.ErrorType_PEER_EXISTS},
		{"no peer to remove", func() (*pb.OperatorInfo, error) { return c.RemovePeer(ctx, 2, 4) }, pb.ErrorType_PEER_NOT_FOUND},
		{"no peer to lead", func() (*pb.OperatorInfo, error) { return c.TransferLeader(ctx, 2, 4) }, pb.ErrorType_PEER_NOT_FOUND},
	}
	for _, tc := range cases {
		if op, err := tc.call(); !schedclient.IsType(err, tc.want) || op != nil {
			t.Errorf("%s: %v, %v; want %s", tc.name, op, err, tc.want)
		}
	}
	op, err := c.RemovePeer(ctx, 2, 1) // the leader's: leadership moves to store 5 first
	if err != nil || op.GetDesc() != "transfer leader from store 1 to store 5, remove peer 3 from store 1" {
		t.Fatalf("RemovePeer of the leader: %v, %v", op, err)
	}
}
