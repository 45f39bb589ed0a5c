package schedule

import (
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// ServerScheduling adapts a Coordinator to the scheduler server's Scheduling seam
// (kv/scheduler.Config.NewScheduling), for example in cmd/tinykv-scheduler:
//
//	cfg.NewScheduling = func(env scheduler.SchedulingEnv) scheduler.Scheduling {
//		co, err := schedule.NewCoordinator(env.Cluster, env.IDs, schedule.Config{ClusterConfig: env.Config})
//		if err != nil { ... } // only a bad Config fails
//		return schedule.ServerScheduling{Coord: co}
//	}
type ServerScheduling struct {
	Coord *Coordinator
}

// Dispatch returns the heartbeat response carrying the region's next operator step, or nil.
func (s ServerScheduling) Dispatch(region *core.RegionInfo) *schedulerpb.RegionHeartbeatResponse {
	return Command(s.Coord.Dispatch(region))
}

// Schedule runs one scheduling round at now.
func (s ServerScheduling) Schedule(now time.Time) { s.Coord.RunOnceAt(now) }

// TakeAdded returns the regions given an operator since the last call (kv/scheduler pushes their
// first steps to the leaders' heartbeat streams at once).
func (s ServerScheduling) TakeAdded() []uint64 { return s.Coord.TakeAdded() }

// Command turns a step into the region heartbeat response that asks the leader to take it (the server fills in
// the header, region id, epoch and target peer). A nil step gives nil.
func Command(step Step) *schedulerpb.RegionHeartbeatResponse {
	switch s := step.(type) {
	case AddPeer:
		return &schedulerpb.RegionHeartbeatResponse{ChangePeer: &schedulerpb.ChangePeer{
			Peer:       &metapb.Peer{Id: s.PeerID, StoreId: s.ToStore},
			ChangeType: raftpb.ConfChangeType_ConfChangeAddNode,
		}}
	case AddLearner:
		return &schedulerpb.RegionHeartbeatResponse{ChangePeer: &schedulerpb.ChangePeer{
			Peer:       &metapb.Peer{Id: s.PeerID, StoreId: s.ToStore, Role: metapb.PeerRole_Learner},
			ChangeType: raftpb.ConfChangeType_ConfChangeAddLearnerNode,
		}}
	case PromoteLearner: // the raftstore takes AddNode on a learner as its promotion
		return &schedulerpb.RegionHeartbeatResponse{ChangePeer: &schedulerpb.ChangePeer{
			Peer:       &metapb.Peer{Id: s.PeerID, StoreId: s.ToStore, Role: metapb.PeerRole_Voter},
			ChangeType: raftpb.ConfChangeType_ConfChangeAddNode,
		}}
	case RemovePeer:
		return &schedulerpb.RegionHeartbeatResponse{ChangePeer: &schedulerpb.ChangePeer{
			Peer:       &metapb.Peer{Id: s.PeerID, StoreId: s.FromStore},
			ChangeType: raftpb.ConfChangeType_ConfChangeRemoveNode,
		}}
	case TransferLeader:
		return &schedulerpb.RegionHeartbeatResponse{TransferLeader: &schedulerpb.TransferLeader{
			Peer: &metapb.Peer{Id: s.ToPeerID, StoreId: s.ToStore},
		}}
	}
	return nil
}

// AddOperator installs an operator asked for by hand (see Coordinator.AddAdminOperator) and
// describes it; errors carry their wire type (OpError).
func (s ServerScheduling) AddOperator(kind schedulerpb.OperatorKind, regionID, storeID uint64) (*schedulerpb.OperatorInfo, error) {
	op, err := s.Coord.AddAdminOperator(kind, regionID, storeID)
	if err != nil {
		return nil, err
	}
	return op.Info(StatusRunning, time.Time{}), nil
}

// Operators lists the running operators and the last finished ones, the latest started first,
// at most limit (0: all).
func (s ServerScheduling) Operators(limit int) []*schedulerpb.OperatorInfo {
	return s.Coord.Operators().Listing(limit)
}
