package schedclient

import (
	"context"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// GetGCSafePoint returns the cluster's GC safe point (0 until first set): stores may remove
// versions that no read at or above it can see.
func (c *Client) GetGCSafePoint(ctx context.Context) (uint64, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetGCSafePointResponse, error) {
		return cli.GetGCSafePoint(ctx, &pb.GetGCSafePointRequest{Header: c.header()})
	})
	return resp.GetSafePoint(), err
}

// UpdateGCSafePoint asks to raise the GC safe point to safePoint and returns the safe point after
// the update: the current, higher one when safePoint is lower (it never moves back). A safe point
// ahead of the TSO is refused (INVALID_ARGUMENT).
func (c *Client) UpdateGCSafePoint(ctx context.Context, safePoint uint64) (uint64, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.UpdateGCSafePointResponse, error) {
		return cli.UpdateGCSafePoint(ctx, &pb.UpdateGCSafePointRequest{Header: c.header(), SafePoint: safePoint})
	})
	return resp.GetNewSafePoint(), err
}
