package scheduler

import (
	"testing"
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/schedule"
	"google.golang.org/protobuf/proto"
)

// FuzzAddOperator decodes arbitrary bytes as an AddOperatorRequest and serves it on a cluster of
// three stores and one two-replica region: no panic, and the answer is an operator or a typed
// error with a message, never both. Installed operators are removed so each input starts clean.
func FuzzAddOperator(f *testing.F) {
	for _, req := range []*pb.AddOperatorRequest{
		{Kind: pb.OperatorKind_TRANSFER_LEADER, RegionId: 2, StoreId: 2},
		{Kind: pb.OperatorKind_ADD_PEER, RegionId: 2, StoreId: 3},
		{Kind: pb.OperatorKind_REMOVE_PEER, RegionId: 2, StoreId: 1},
		{Kind: pb.OperatorKind(9), RegionId: 2, StoreId: 2},
		{Header: &pb.RequestHeader{ClusterId: 42}, Kind: pb.OperatorKind_ADD_PEER, RegionId: 2, StoreId: 3},
	} {
		b, err := proto.Marshal(req)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var co *schedule.Coordinator
	ts := startServer(f, Config{ScheduleInterval: time.Hour, NewScheduling: func(env SchedulingEnv) (Scheduling, error) {
		c, err := schedule.NewCoordinator(env.Cluster, env.IDs, schedule.Config{ClusterConfig: env.Config, DisableBalance: true})
		co = c
		return schedule.ServerScheduling{Coord: c}, err
	}})
	opCluster(f, ts)
	f.Fuzz(func(t *testing.T, data []byte) {
		req := &pb.AddOperatorRequest{}
		if err := proto.Unmarshal(data, req); err != nil {
			return // gRPC refuses undecodable messages before the handler
		}
		info, err := ts.s.addOperator(req)
		if (info == nil) == (err == nil) {
			t.Fatalf("answer %v with error %v: want exactly one", info, err)
		}
		if err != nil && typed(err).Msg == "" {
			t.Fatalf("error without a message: %v", err)
		}
		co.Operators().RemoveOperator(req.GetRegionId())
	})
}
