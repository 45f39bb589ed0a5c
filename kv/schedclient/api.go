package schedclient

import (
	"context"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// Region is a region as the scheduler knows it.
type Region struct {
	Meta         *metapb.Region
	Leader       *metapb.Peer // nil if the scheduler has not heard from a leader
	PendingPeers []*metapb.Peer
	DownPeers    []*metapb.Peer
}

// Bootstrap creates the cluster with its first store and region.
func (c *Client) Bootstrap(ctx context.Context, store *metapb.Store, region *metapb.Region) error {
	_, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.BootstrapResponse, error) {
		return cli.Bootstrap(ctx, &pb.BootstrapRequest{Header: c.header(), Store: store, Region: region})
	})
	return err
}

// IsBootstrapped reports whether the cluster has been bootstrapped.
func (c *Client) IsBootstrapped(ctx context.Context) (bool, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.IsBootstrappedResponse, error) {
		return cli.IsBootstrapped(ctx, &pb.IsBootstrappedRequest{Header: c.header()})
	})
	return resp.GetBootstrapped(), err
}

// AllocID returns a new cluster-unique id.
func (c *Client) AllocID(ctx context.Context) (uint64, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.AllocIDResponse, error) {
		return cli.AllocID(ctx, &pb.AllocIDRequest{Header: c.header()})
	})
	return resp.GetId(), err
}

// PutStore registers or updates a store.
func (c *Client) PutStore(ctx context.Context, store *metapb.Store) error {
	_, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.PutStoreResponse, error) {
		return cli.PutStore(ctx, &pb.PutStoreRequest{Header: c.header(), Store: store})
	})
	return err
}

// GetStore returns a store's meta and last reported statistics.
func (c *Client) GetStore(ctx context.Context, id uint64) (*metapb.Store, *pb.StoreStats, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetStoreResponse, error) {
		return cli.GetStore(ctx, &pb.GetStoreRequest{Header: c.header(), StoreId: id})
	})
	return resp.GetStore(), resp.GetStats(), err
}

// StoreStatus returns a store's meta, last reported statistics, the scheduler's view of its
// health ("up", "disconnected", "down", "offline", "tombstone") and when it last heard from it.
func (c *Client) StoreStatus(ctx context.Context, id uint64) (*pb.GetStoreResponse, error) {
	return call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetStoreResponse, error) {
		return cli.GetStore(ctx, &pb.GetStoreRequest{Header: c.header(), StoreId: id})
	})
}

// GetAllStores returns every store, optionally without tombstones.
func (c *Client) GetAllStores(ctx context.Context, excludeTombstones bool) ([]*metapb.Store, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetAllStoresResponse, error) {
		return cli.GetAllStores(ctx, &pb.GetAllStoresRequest{Header: c.header(), ExcludeTombstoneStores: excludeTombstones})
	})
	return resp.GetStores(), err
}

// StoreHeartbeat reports a store's statistics (stats.StoreId must be set).
func (c *Client) StoreHeartbeat(ctx context.Context, stats *pb.StoreStats) error {
	_, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.StoreHeartbeatResponse, error) {
		return cli.StoreHeartbeat(ctx, &pb.StoreHeartbeatRequest{Header: c.header(), Stats: stats})
	})
	return err
}

func regionFrom(resp *pb.GetRegionResponse, err error) (*Region, error) {
	if err != nil {
		return nil, err
	}
	if resp.GetRegion() == nil {
		return nil, ErrRegionNotFound
	}
	return &Region{Meta: resp.GetRegion(), Leader: resp.GetLeader(), PendingPeers: resp.GetPendingPeers(),
		DownPeers: resp.GetDownPeers()}, nil
}

// GetRegion returns the region containing key, or ErrRegionNotFound.
func (c *Client) GetRegion(ctx context.Context, key []byte) (*Region, error) {
	return regionFrom(call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetRegionResponse, error) {
		return cli.GetRegion(ctx, &pb.GetRegionRequest{Header: c.header(), RegionKey: key})
	}))
}

// GetPrevRegion returns the region before the one containing key, or ErrRegionNotFound.
func (c *Client) GetPrevRegion(ctx context.Context, key []byte) (*Region, error) {
	return regionFrom(call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetRegionResponse, error) {
		return cli.GetPrevRegion(ctx, &pb.GetRegionRequest{Header: c.header(), RegionKey: key})
	}))
}

// GetRegionByID returns the region with the id, or ErrRegionNotFound.
func (c *Client) GetRegionByID(ctx context.Context, id uint64) (*Region, error) {
	return regionFrom(call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetRegionResponse, error) {
		return cli.GetRegionByID(ctx, &pb.GetRegionByIDRequest{Header: c.header(), RegionId: id})
	}))
}

// ScanRegions returns up to limit regions (0: the server's maximum) in key order from the one
// containing start, stopping before end (empty: unbounded). A page may be short (byte cap):
// continue from the last region's end key.
func (c *Client) ScanRegions(ctx context.Context, start, end []byte, limit int) ([]*Region, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.ScanRegionsResponse, error) {
		return cli.ScanRegions(ctx, &pb.ScanRegionsRequest{Header: c.header(), StartKey: start, EndKey: end, Limit: int32(limit)})
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Region, 0, len(resp.GetRegions()))
	for _, r := range resp.GetRegions() {
		out = append(out, &Region{Meta: r.GetRegion(), Leader: r.GetLeader()})
	}
	return out, nil
}

// AskBatchSplit asks for the ids of count new regions split off region.
func (c *Client) AskBatchSplit(ctx context.Context, region *metapb.Region, count int) ([]*pb.SplitID, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.AskBatchSplitResponse, error) {
		return cli.AskBatchSplit(ctx, &pb.AskBatchSplitRequest{Header: c.header(), Region: region, SplitCount: uint32(count)})
	})
	return resp.GetIds(), err
}

// ReportBatchSplit reports the regions a split produced.
func (c *Client) ReportBatchSplit(ctx context.Context, regions []*metapb.Region) error {
	_, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.ReportBatchSplitResponse, error) {
		return cli.ReportBatchSplit(ctx, &pb.ReportBatchSplitRequest{Header: c.header(), Regions: regions})
	})
	return err
}

// GetClusterConfig returns the cluster config.
func (c *Client) GetClusterConfig(ctx context.Context) (*pb.ClusterConfig, error) {
	resp, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.GetClusterConfigResponse, error) {
		return cli.GetClusterConfig(ctx, &pb.GetClusterConfigRequest{Header: c.header()})
	})
	return resp.GetConfig(), err
}

// PutClusterConfig replaces the cluster config.
func (c *Client) PutClusterConfig(ctx context.Context, cfg *pb.ClusterConfig) error {
	_, err := call(ctx, c, func(ctx context.Context, cli pb.SchedulerClient) (*pb.PutClusterConfigResponse, error) {
		return cli.PutClusterConfig(ctx, &pb.PutClusterConfigRequest{Header: c.header(), Config: cfg})
	})
	return err
}
