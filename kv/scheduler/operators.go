package scheduler

import (
	"context"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// operatorAdmin is implemented by a Scheduling (schedule.ServerScheduling) that can install
// operators asked for by hand and list operators.
type operatorAdmin interface {
	// AddOperator installs an operator for the region; an error with an ErrorType method
	// (schedule.OpError) keeps its wire type.
	AddOperator(kind pb.OperatorKind, regionID, storeID uint64) (*pb.OperatorInfo, error)
	// Operators lists running and recently finished operators, the latest started first.
	Operators(limit int) []*pb.OperatorInfo
}

var errNoOperators = errorf(pb.ErrorType_UNKNOWN, "this scheduler runs without scheduling: it has no operators")

// AddOperator (admin) creates an operator for one region: transfer-leader, add-peer or
// remove-peer on store_id. A region with an operator running is refused (OPERATOR_RUNNING).
func (s *Server) AddOperator(_ context.Context, req *pb.AddOperatorRequest) (*pb.AddOperatorResponse, error) {
	info, err := s.addOperator(req)
	return &pb.AddOperatorResponse{Header: s.header(err), Operator: info}, nil
}

func (s *Server) addOperator(req *pb.AddOperatorRequest) (*pb.OperatorInfo, error) {
	if err := s.check(req.GetHeader(), true); err != nil {
		return nil, err
	}
	switch {
	case req.GetRegionId() == 0:
		return nil, invalid("region_id: missing")
	case req.GetStoreId() == 0:
		return nil, invalid("store_id: missing")
	}
	admin, ok := s.sched.(operatorAdmin)
	if !ok {
		return nil, errNoOperators
	}
	if s.removed.has(req.GetStoreId()) {
		return nil, errRemoved(req.GetStoreId())
	}
	info, err := admin.AddOperator(req.GetKind(), req.GetRegionId(), req.GetStoreId())
	if err != nil {
		return nil, err
	}
	s.pushAdded() // send the first step now rather than on the region's next heartbeat
	return info, nil
}

// GetOperators lists the running operators and the last finished ones, the latest started first.
func (s *Server) GetOperators(_ context.Context, req *pb.GetOperatorsRequest) (*pb.GetOperatorsResponse, error) {
	if err := s.check(req.GetHeader(), false); err != nil {
		return &pb.GetOperatorsResponse{Header: s.header(err)}, nil
	}
	return &pb.GetOperatorsResponse{Header: s.header(nil), Operators: s.RecentOperators(int(req.GetLimit()))}, nil
}

// RecentOperators returns the running operators and the last 256 finished ones (status
// "success", "timeout", "cancelled" or "replaced"), the latest started first, at most limit of
// them (limit <= 0: all). Empty when the server runs without scheduling.
func (s *Server) RecentOperators(limit int) []*pb.OperatorInfo {
	admin, ok := s.sched.(operatorAdmin)
	if !ok {
		return nil
	}
	return admin.Operators(max(limit, 0))
}
