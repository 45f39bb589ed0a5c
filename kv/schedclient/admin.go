package schedclient

import (
	"context"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// splitWaitPerCall is how long one SplitRegions call waits on the server before the client asks
// again (short, so a scheduler restart or failover costs little).
const splitWaitPerCall = 5 * time.Second

// SplitRegions splits the regions holding keys at exactly those keys and returns once the
// scheduler has seen every key start a region, or ctx ends (then the error names the keys still
// pending). Keys that already start a region are done at once. It returns the ids of the regions
// starting at the keys, in the order of keys.
func (c *Client) SplitRegions(ctx context.Context, keys [][]byte) ([]uint64, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var pending [][]byte // from the last answer
	for {
		wait := splitWaitPerCall
		if dl, ok := ctx.Deadline(); ok {
			wait = min(wait, time.Until(dl)*3/4) // leave time for the answer naming the pending keys
		}
		resp, err := call(ctx, c, func(_ context.Context, cli pb.SchedulerClient) (*pb.SplitRegionsResponse, error) {
			// The attempt's own timeout must outlast the server's wait.
			actx, cancel := context.WithTimeout(ctx, wait+c.cfg.attemptTimeout)
			defer cancel()
			return cli.SplitRegions(actx, &pb.SplitRegionsRequest{Header: c.header(), SplitKeys: keys,
				WaitMs: uint32(max(wait, 0) / time.Millisecond)})
		})
		if err != nil && (pending == nil || ctx.Err() == nil) {
			return nil, err
		}
		if err == nil {
			if len(resp.GetPendingKeys()) == 0 {
				return resp.GetRegionIds(), nil
			}
			pending = resp.GetPendingKeys()
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("schedclient: split: %w: %d of %d keys do not start a region yet (first %q)",
				ctx.Err(), len(pending), len(keys), pending[0])
		}
	}
}

// SetStoreState marks a store Offline (its replicas move away, then it becomes Tombstone) or back
// Up, and returns its meta.
func (c *Client) SetStoreState(ctx context.Context, storeID uint64, state metapb.StoreState) (*metapb.Store, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.SetStoreStateResponse, error) {
		return cli.SetStoreState(ctx, &pb.SetStoreStateRequest{Header: c.header(), StoreId: storeID, State: state})
	})
	return resp.GetStore(), err
}

// RemoveStore forgets a Tombstone store for good (its id can never register again).
func (c *Client) RemoveStore(ctx context.Context, storeID uint64) error {
	_, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.RemoveStoreResponse, error) {
		return cli.RemoveStore(ctx, &pb.RemoveStoreRequest{Header: c.header(), StoreId: storeID})
	})
	return err
}
