package scheduler

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
	"google.golang.org/grpc"
)

// testServer is a scheduler served over gRPC on 127.0.0.1 with a client connected to it.
type testServer struct {
	t    testing.TB
	cfg  Config
	s    *Server
	g    *grpc.Server
	addr string
	cli  *schedclient.Client
}

func startServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	ts := &testServer{t: t, cfg: cfg}
	ts.start()
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) start() {
	ts.t.Helper()
	s, err := Open(ts.cfg)
	if err != nil {
		ts.t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.s, ts.g, ts.addr = s, NewGRPCServer(s, GRPCConfig{}), lis.Addr().String()
	go func() { _ = ts.g.Serve(lis) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if ts.cli, err = schedclient.New(ctx, []string{ts.addr}, schedclient.WithBackoff(time.Millisecond, 50*time.Millisecond)); err != nil {
		ts.t.Fatal(err)
	}
}

// stop shuts down in the documented order; safe to call twice.
func (ts *testServer) stop() {
	if ts.s == nil {
		return
	}
	ts.cli.Close()
	ts.s.StopStreams()
	ts.g.GracefulStop()
	if err := ts.s.Close(); err != nil {
		ts.t.Errorf("Close: %v", err)
	}
	ts.s = nil
}

func (ts *testServer) restart() {
	ts.t.Helper()
	ts.stop()
	ts.start()
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func region(id uint64, start, end string, confVer, version uint64, peers ...*metapb.Peer) *metapb.Region {
	return &metapb.Region{Id: id, StartKey: []byte(start), EndKey: []byte(end),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: confVer, Version: version}, Peers: peers}
}

func peer(id, store uint64) *metapb.Peer { return &metapb.Peer{Id: id, StoreId: store} }

// bootstrap makes a cluster of one store (id 1) and one region (id 2, all keys, peer 3).
func (ts *testServer) bootstrap() {
	ts.t.Helper()
	err := ts.cli.Bootstrap(ctx(ts.t), &metapb.Store{Id: 1, Address: "127.0.0.1:20161"}, region(2, "", "", 1, 1, peer(3, 1)))
	if err != nil {
		ts.t.Fatal(err)
	}
}

func wantType(t testing.TB, err error, typ pb.ErrorType) {
	t.Helper()
	if !schedclient.IsType(err, typ) {
		t.Fatalf("error %v, want %v", err, typ)
	}
}

// heartbeat applies one region heartbeat directly (no stream) and fails on an error response.
func (ts *testServer) heartbeat(r *metapb.Region, leader *metapb.Peer, size uint64) *pb.RegionHeartbeatResponse {
	ts.t.Helper()
	resp := ts.s.HandleRegionHeartbeat(&pb.RegionHeartbeatRequest{Region: r, Leader: leader, ApproximateSize: size})
	if e := resp.GetHeader().GetError(); e != nil {
		ts.t.Fatalf("heartbeat %v: %v", r, e)
	}
	return resp
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
