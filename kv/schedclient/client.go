// Package schedclient is the Go client of the TinyKV scheduler (kv/scheduler): unary calls with
// retries and backoff within the caller's context, a batched TSO over one stream, and one region
// heartbeat stream whose responses (scheduling commands) go to a callback. Stores and kv/client use it.
package schedclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// Option configures New.
type Option func(*config)

type config struct {
	backoffBase, backoffMax time.Duration
	attemptTimeout          time.Duration
	maxAttempts             int
	maxTSOBatch             int
	heartbeatQueue          int
	onHeartbeat             func(*pb.RegionHeartbeatResponse)
	dialOpts                []grpc.DialOption
}

// WithBackoff sets the retry backoff: base doubles up to max, with jitter (default 10 ms to 1 s).
func WithBackoff(base, max time.Duration) Option {
	return func(c *config) { c.backoffBase, c.backoffMax = base, max }
}

// WithAttemptTimeout bounds one attempt of a unary call (default 5 s).
func WithAttemptTimeout(d time.Duration) Option { return func(c *config) { c.attemptTimeout = d } }

// WithMaxAttempts bounds the attempts of one unary call (default 30); the context bounds it too.
func WithMaxAttempts(n int) Option { return func(c *config) { c.maxAttempts = n } }

// WithRegionHeartbeatHandler sets the callback for region heartbeat responses (commands and
// per-region errors). It runs on the stream's receiving goroutine: keep it short.
func WithRegionHeartbeatHandler(fn func(*pb.RegionHeartbeatResponse)) Option {
	return func(c *config) { c.onHeartbeat = fn }
}

// WithDialOptions adds gRPC dial options.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(c *config) { c.dialOpts = append(c.dialOpts, opts...) }
}

// Client talks to the scheduler. It is safe for concurrent use; Close it when done.
type Client struct {
	cfg       config
	addrs     []string
	clusterID atomic.Uint64

	mu    sync.Mutex
	cur   int
	conns map[string]*grpc.ClientConn

	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	tsoOnce sync.Once
	tsoReqs chan *tsoWaiter
	hbOnce  sync.Once
	hbReqs  chan *pb.RegionHeartbeatRequest
	hbFn    atomic.Pointer[func(*pb.RegionHeartbeatResponse)]
}

// New connects to the scheduler at one of addrs (tried in order, then round robin on failure) and
// waits until one answers, so a wrong address list fails within ctx.
func New(ctx context.Context, addrs []string, opts ...Option) (*Client, error) {
	if len(addrs) == 0 {
		return nil, errors.New("schedclient: no scheduler address")
	}
	cfg := config{backoffBase: 10 * time.Millisecond, backoffMax: time.Second, attemptTimeout: 5 * time.Second,
		maxAttempts: 30, maxTSOBatch: 10_000, heartbeatQueue: 4096}
	for _, o := range opts {
		o(&cfg)
	}
	c := &Client{cfg: cfg, addrs: append([]string(nil), addrs...), conns: map[string]*grpc.ClientConn{}}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if cfg.onHeartbeat != nil {
		c.hbFn.Store(&cfg.onHeartbeat)
	}
	if _, err := c.IsBootstrapped(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Close stops the streams and closes the connections.
func (c *Client) Close() {
	c.cancel()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cc := range c.conns {
		_ = cc.Close()
	}
	c.conns = map[string]*grpc.ClientConn{}
}

// ClusterID returns the cluster id learned from the scheduler (0 before the first answer).
func (c *Client) ClusterID() uint64 { return c.clusterID.Load() }

func (c *Client) header() *pb.RequestHeader { return &pb.RequestHeader{ClusterId: c.clusterID.Load()} }

// client returns a stub for the current address.
func (c *Client) client() (pb.SchedulerClient, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx.Err() != nil {
		return nil, "", errors.New("schedclient: closed")
	}
	addr := c.addrs[c.cur%len(c.addrs)]
	cc := c.conns[addr]
	if cc == nil {
		opts := append([]grpc.DialOption{
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20), grpc.MaxCallSendMsgSize(4<<20)),
			grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 10 * time.Second, Timeout: 3 * time.Second, PermitWithoutStream: true}),
			// gRPC's own reconnect backoff (1 s base by default) follows ours, so a restarted
			// scheduler is found as soon as our retries look.
			grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: c.cfg.attemptTimeout, Backoff: backoff.Config{
				BaseDelay: c.cfg.backoffBase, Multiplier: 1.6, Jitter: 0.2, MaxDelay: c.cfg.backoffMax}}),
		}, c.cfg.dialOpts...)
		var err error
		if cc, err = grpc.NewClient(addr, opts...); err != nil {
			return nil, addr, fmt.Errorf("schedclient: %s: %w", addr, err)
		}
		c.conns[addr] = cc
	}
	return pb.NewSchedulerClient(cc), addr, nil
}

// failed moves on to the next address after a transport failure on addr.
func (c *Client) failed(addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.addrs[c.cur%len(c.addrs)] == addr {
		c.cur++
	}
}

// backoff sleeps for the attempt's delay (with jitter) and returns the next delay, or ctx's error.
func (c *Client) backoff(ctx context.Context, delay time.Duration) (time.Duration, error) {
	d := delay/2 + rand.N(delay/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return min(delay*2, c.cfg.backoffMax), nil
	case <-ctx.Done():
		return delay, ctx.Err()
	case <-c.ctx.Done():
		return delay, errors.New("schedclient: closed")
	}
}

func retryableCode(code codes.Code) bool {
	return code == codes.Unavailable || code == codes.DeadlineExceeded || code == codes.ResourceExhausted ||
		code == codes.Aborted
}
