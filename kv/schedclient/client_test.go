package schedclient_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
	"google.golang.org/grpc"
)

// node is a scheduler that can be stopped and restarted on the same address and directory.
type node struct {
	t    *testing.T
	dir  string
	addr string
	s    *scheduler.Server
	g    *grpc.Server
}

func newNode(t *testing.T) *node {
	n := &node{t: t, dir: t.TempDir(), addr: "127.0.0.1:0"}
	n.start()
	t.Cleanup(n.stop)
	return n
}

func (n *node) start() {
	n.t.Helper()
	s, err := scheduler.Open(scheduler.Config{DataDir: n.dir})
	if err != nil {
		n.t.Fatal(err)
	}
	var lis net.Listener
	for i := 0; ; i++ { // the old port may linger briefly after a stop
		if lis, err = net.Listen("tcp", n.addr); err == nil || i == 100 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		n.t.Fatal(err)
	}
	n.s, n.g, n.addr = s, scheduler.NewGRPCServer(s, scheduler.GRPCConfig{}), lis.Addr().String()
	go func() { _ = n.g.Serve(lis) }()
}

func (n *node) stop() {
	if n.s == nil {
		return
	}
	n.s.StopStreams()
	n.g.GracefulStop()
	if err := n.s.Close(); err != nil {
		n.t.Error(err)
	}
	n.s = nil
}

func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func fast() schedclient.Option { return schedclient.WithBackoff(time.Millisecond, 50*time.Millisecond) }

// patient retries until the context ends.
func patient() schedclient.Option { return schedclient.WithMaxAttempts(1 << 20) }

func bootstrap(t *testing.T, c *schedclient.Client) {
	t.Helper()
	err := c.Bootstrap(testCtx(t, 10*time.Second), &metapb.Store{Id: 1, Address: "127.0.0.1:20160"},
		&metapb.Region{Id: 2, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 3, StoreId: 1}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNewWithoutServerFailsWithinContext(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	start := time.Now()
	if _, err := schedclient.New(testCtx(t, 300*time.Millisecond), []string{addr}, fast()); err == nil {
		t.Fatal("New succeeded without a server")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("New did not give up at the context's deadline")
	}
	if _, err := schedclient.New(testCtx(t, time.Second), nil); err == nil {
		t.Fatal("New accepted no address")
	}
}

// A dead first address is skipped.
func TestFailoverToSecondAddress(t *testing.T) {
	n := newNode(t)
	lis, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := lis.Addr().String()
	lis.Close()
	c, err := schedclient.New(testCtx(t, 10*time.Second), []string{dead, n.addr}, fast())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.AllocID(testCtx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if c.ClusterID() != n.s.ClusterID() {
		t.Fatalf("cluster id %d, want %d", c.ClusterID(), n.s.ClusterID())
	}
}

// The client survives a scheduler restart: unary calls retry until it is back, the TSO stream and
// the region heartbeat stream reopen, and timestamps keep increasing.
func TestReconnectAcrossRestart(t *testing.T) {
	n := newNode(t)
	var mu sync.Mutex
	var answers []*pb.RegionHeartbeatResponse
	c, err := schedclient.New(testCtx(t, 10*time.Second), []string{n.addr}, fast(), patient(),
		schedclient.WithRegionHeartbeatHandler(func(r *pb.RegionHeartbeatResponse) {
			mu.Lock()
			answers = append(answers, r)
			mu.Unlock()
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	bootstrap(t, c)
	ctx := testCtx(t, 30*time.Second)
	ts1, err := c.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stale := &pb.RegionHeartbeatRequest{Region: &metapb.Region{Id: 2, RegionEpoch: &metapb.RegionEpoch{}, Peers: []*metapb.Peer{{Id: 3, StoreId: 1}}},
		Leader: &metapb.Peer{Id: 3, StoreId: 1}}
	if err := c.ReportRegion(stale); err != nil {
		t.Fatal(err)
	}
	waitAnswers := func(want int) {
		deadline := time.Now().Add(15 * time.Second)
		for {
			mu.Lock()
			got := len(answers)
			mu.Unlock()
			if got >= want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d heartbeat answers, want %d", got, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitAnswers(1)

	n.stop()
	go func() {
		time.Sleep(300 * time.Millisecond)
		n.start()
	}()
	// Issued while the scheduler is down: retried until it is back.
	id, err := c.AllocID(ctx)
	if err != nil || id == 0 {
		t.Fatalf("AllocID across restart: %d, %v", id, err)
	}
	ts2, err := c.GetTS(ctx)
	if err != nil || ts2 <= ts1 {
		t.Fatalf("GetTS across restart: %d, %v (before %d)", ts2, err, ts1)
	}
	// The heartbeat stream reopens on its own: keep reporting until an answer arrives.
	deadline := time.Now().Add(15 * time.Second)
	for {
		_ = c.ReportRegion(stale)
		mu.Lock()
		got := len(answers)
		mu.Unlock()
		if got >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no heartbeat answer after the restart")
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if e := answers[len(answers)-1].GetHeader().GetError(); e.GetType() != pb.ErrorType_STALE_REGION {
		t.Fatalf("answer %v, want STALE_REGION", e)
	}
}

func TestErrorsAndContext(t *testing.T) {
	n := newNode(t)
	c, err := schedclient.New(testCtx(t, 10*time.Second), []string{n.addr}, fast())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t, 10*time.Second)
	if _, err := c.GetRegion(ctx, []byte("a")); !schedclient.IsType(err, pb.ErrorType_NOT_BOOTSTRAPPED) {
		t.Fatalf("before bootstrap: %v", err)
	}
	bootstrap(t, c)
	if _, err := c.GetRegionByID(ctx, 77); !errors.Is(err, schedclient.ErrRegionNotFound) {
		t.Fatalf("unknown region: %v", err)
	}
	r, err := c.GetRegion(ctx, []byte("a"))
	if err != nil || r.Meta.GetId() != 2 {
		t.Fatalf("GetRegion: %v %v", r, err)
	}
	if _, err := c.GetPrevRegion(ctx, []byte("a")); !errors.Is(err, schedclient.ErrRegionNotFound) {
		t.Fatalf("GetPrevRegion of the first region: %v", err)
	}
	rs, err := c.ScanRegions(ctx, nil, nil, 0)
	if err != nil || len(rs) != 1 {
		t.Fatalf("ScanRegions: %v %v", rs, err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetTS(done); !errors.Is(err, context.Canceled) {
		t.Fatalf("GetTS with a canceled context: %v", err)
	}
	c.Close()
	if _, err := c.AllocID(ctx); err == nil {
		t.Fatal("AllocID after Close succeeded")
	}
	if err := c.ReportRegion(&pb.RegionHeartbeatRequest{}); err == nil {
		t.Fatal("ReportRegion after Close succeeded")
	}
}
