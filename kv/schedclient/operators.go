package schedclient

import (
	"context"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// TransferLeader asks the scheduler to move the region's leadership to its peer on storeID and
// returns the operator it created. A region that already has an operator is refused
// (OPERATOR_RUNNING); so is a store without a replica of it (PEER_NOT_FOUND).
func (c *Client) TransferLeader(ctx context.Context, regionID, storeID uint64) (*pb.OperatorInfo, error) {
	return c.addOperator(ctx, pb.OperatorKind_TRANSFER_LEADER, regionID, storeID)
}

// AddPeer asks the scheduler to add a replica of the region on storeID (it joins as a learner
// and is promoted once caught up) and returns the operator. A store that already has one is
// refused (PEER_EXISTS), as is a store that is not up (STORE_NOT_UP) or unknown (STORE_NOT_FOUND).
func (c *Client) AddPeer(ctx context.Context, regionID, storeID uint64) (*pb.OperatorInfo, error) {
	return c.addOperator(ctx, pb.OperatorKind_ADD_PEER, regionID, storeID)
}

// RemovePeer asks the scheduler to remove the region's replica on storeID (moving the
// leadership away first if it is there) and returns the operator.
func (c *Client) RemovePeer(ctx context.Context, regionID, storeID uint64) (*pb.OperatorInfo, error) {
	return c.addOperator(ctx, pb.OperatorKind_REMOVE_PEER, regionID, storeID)
}

func (c *Client) addOperator(ctx context.Context, kind pb.OperatorKind, regionID, storeID uint64) (*pb.OperatorInfo, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.AddOperatorResponse, error) {
		return cli.AddOperator(ctx, &pb.AddOperatorRequest{Header: c.header(), Kind: kind, RegionId: regionID, StoreId: storeID})
	})
	return resp.GetOperator(), err // the scheduler's messages name the region and store
}

// Operators returns the scheduler's running operators and its last finished ones (up to 256),
// the latest started first, at most limit of them (limit <= 0: all).
func (c *Client) Operators(ctx context.Context, limit int) ([]*pb.OperatorInfo, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetOperatorsResponse, error) {
		return cli.GetOperators(ctx, &pb.GetOperatorsRequest{Header: c.header(), Limit: uint32(max(min(limit, 1<<31), 0))})
	})
	return resp.GetOperators(), err
}
