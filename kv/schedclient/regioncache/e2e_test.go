package regioncache_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
	"github.com/gee-project/gee/kv/scheduler"
)

// Against a real scheduler on 127.0.0.1: the cache follows a split reported by heartbeats.
func TestWithScheduler(t *testing.T) {
	s, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := scheduler.NewGRPCServer(s, scheduler.GRPCConfig{})
	go func() { _ = g.Serve(lis) }()
	defer func() { s.StopStreams(); g.GracefulStop(); _ = s.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cli, err := schedclient.New(ctx, []string{lis.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	p := func(id, store uint64) *metapb.Peer { return &metapb.Peer{Id: id, StoreId: store} }
	reg := func(id uint64, start, end string, v uint64, peer *metapb.Peer) *metapb.Region {
		return &metapb.Region{Id: id, StartKey: []byte(start), EndKey: []byte(end),
			RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: v}, Peers: []*metapb.Peer{peer}}
	}
	if err := cli.Bootstrap(ctx, &metapb.Store{Id: 1, Address: "127.0.0.1:20160"}, reg(2, "", "", 1, p(3, 1))); err != nil {
		t.Fatal(err)
	}
	c := regioncache.New(cli)
	r, err := c.Locate(ctx, []byte("x"))
	if err != nil || r.ID() != 2 {
		t.Fatalf("Locate: %v %v", r, err)
	}
	if addr, err := c.StoreAddr(ctx, 1); err != nil || addr != "127.0.0.1:20160" {
		t.Fatalf("StoreAddr: %q %v", addr, err)
	}
	for _, hb := range []*pb.RegionHeartbeatRequest{
		{Region: reg(2, "", "m", 2, p(3, 1)), Leader: p(3, 1)},
		{Region: reg(4, "m", "", 2, p(5, 1)), Leader: p(5, 1)},
	} {
		if resp := s.HandleRegionHeartbeat(hb); resp != nil {
			t.Fatal(resp)
		}
	}
	// A store answered KeyNotInRegion for "x" on region 2: the cache drops it and reloads.
	c.OnRegionError(2, &errorpb.Error{KeyNotInRegion: &errorpb.KeyNotInRegion{Key: []byte("x"), RegionId: 2}})
	r, err = c.Locate(ctx, []byte("x"))
	if err != nil || r.ID() != 4 || r.Leader.GetId() != 5 {
		t.Fatalf("after the split: %v %v", r, err)
	}
	fresh := regioncache.New(cli)
	if n, err := fresh.Warm(ctx, nil, nil, 0); err != nil || n != 2 {
		t.Fatalf("Warm: %d %v", n, err)
	}
}
