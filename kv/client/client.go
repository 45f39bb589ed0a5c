// Package client is the Go client of TinyKV's raw key-value API.
//
// A Client talks to one server at a time: the last one that answered, or the leader a
// NotLeader error named. It retries what a retry can fix (the leader moved, the server is
// busy or was unreachable, a proposal timed out or lost its term) with exponential
// backoff, within the caller's context and a bounded number of attempts. Connections are
// reused across calls, and a Client is safe for concurrent use.
//
// NewWithScheduler returns a region-aware Client instead: it asks the scheduler which
// region holds each key and sends each request to that region's leader (docs/kv-client.md).
package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/schedclient"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// KV is one key-value pair.
type KV struct {
	Key, Value []byte
}

// ErrNotFound is returned by Get when the key is absent.
var ErrNotFound = errors.New("client: key not found")

// ServerError is a request the server refused (bad input, storage failure); retrying
// the same request will not help.
type ServerError struct {
	Addr string // server that answered
	Msg  string
}

func (e *ServerError) Error() string { return fmt.Sprintf("client: server %s: %s", e.Addr, e.Msg) }

// RegionError is a routing or leadership error the client could not resolve by retrying
// (or that it still met when it ran out of attempts).
type RegionError struct {
	Err *errorpb.Error
}

func (e *RegionError) Error() string { return "client: region error: " + e.Err.GetMessage() }

type config struct {
	backoffBase, backoffMax time.Duration
	attemptTimeout          time.Duration
	maxAttempts             int
	maxMsgSize              int
	dialOpts                []grpc.DialOption
	schedOpts               []schedclient.Option // NewWithScheduler only
}

// Option configures New.
type Option func(*config)

// WithBackoff sets the first retry delay and its cap; defaults 10 ms and 1 s. Each retry
// doubles the delay, with jitter.
func WithBackoff(base, max time.Duration) Option {
	return func(c *config) { c.backoffBase, c.backoffMax = base, max }
}

// WithAttemptTimeout bounds one attempt, so a server that stopped answering is left for
// another; default 5 s. The caller's context bounds the whole call.
func WithAttemptTimeout(d time.Duration) Option { return func(c *config) { c.attemptTimeout = d } }

// WithMaxAttempts bounds the attempts per call (first try included); default 30.
func WithMaxAttempts(n int) Option { return func(c *config) { c.maxAttempts = n } }

// WithMaxMessageSize bounds a request or response message; default 64 MiB (the server's
// limits are lower).
func WithMaxMessageSize(n int) Option { return func(c *config) { c.maxMsgSize = n } }

// WithDialOptions adds gRPC dial options (after the client's own).
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(c *config) { c.dialOpts = append(c.dialOpts, opts...) }
}

// maxKnownAddrs bounds the addresses a client learns from NotLeader hints.
const maxKnownAddrs = 64

// Client is a connection to a TinyKV cluster. It is safe for concurrent use.
type Client struct {
	cfg config

	leader atomic.Pointer[string] // address that last answered; nil before the first answer

	mu     sync.RWMutex
	addrs  []string // seeds, then addresses learned from hints
	conns  map[string]*grpc.ClientConn
	closed bool

	route *router // region routing; nil in static mode

	txnStatus statusCache // finished transactions met through their locks (txnstatus.go)
}

// New returns a client for the servers at addrs (host:port). It waits, within ctx, until
// one of them accepts a connection, so a wrong address list fails here with a clear error.
func New(ctx context.Context, addrs []string, opts ...Option) (*Client, error) {
	if len(addrs) == 0 {
		return nil, errors.New("client: no server addresses")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, conns: map[string]*grpc.ClientConn{}}
	for _, a := range addrs {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return nil, fmt.Errorf("client: address %q: %v", a, err)
		}
		if !c.known(a) {
			c.addrs = append(c.addrs, a)
		}
	}
	if err := c.waitReady(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func newConfig(opts []Option) (config, error) {
	cfg := config{backoffBase: 10 * time.Millisecond, backoffMax: time.Second,
		attemptTimeout: 5 * time.Second, maxAttempts: 30, maxMsgSize: 64 << 20}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.backoffBase <= 0 || cfg.backoffMax < cfg.backoffBase || cfg.attemptTimeout <= 0 || cfg.maxAttempts < 1 {
		return cfg, errors.New("client: backoff, attempt timeout and max attempts must be positive (and backoff max >= base)")
	}
	return cfg, nil
}

func (c *Client) known(addr string) bool {
	for _, a := range c.addrs {
		if a == addr {
			return true
		}
	}
	return false
}

// waitReady connects to every seed and returns once one connection is ready.
func (c *Client) waitReady(ctx context.Context) error {
	ready := make(chan string, len(c.addrs))
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, a := range c.addrs {
		cc, err := c.conn(a)
		if err != nil {
			return err
		}
		cc.Connect()
		go func() {
			for s := cc.GetState(); s != connectivity.Ready; s = cc.GetState() {
				if !cc.WaitForStateChange(wctx, s) {
					return
				}
			}
			ready <- a
		}()
	}
	select {
	case a := <-ready:
		c.leader.Store(&a)
		return nil
	case <-ctx.Done():
		return fmt.Errorf("client: no server reachable at %v: %w", c.addrs, ctx.Err())
	}
}

// conn returns the cached connection to addr, creating it on first use.
func (c *Client) conn(addr string) (*grpc.ClientConn, error) {
	c.mu.RLock()
	cc, closed := c.conns[addr], c.closed
	c.mu.RUnlock()
	if cc != nil && !closed {
		return cc, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("client: closed")
	}
	if cc := c.conns[addr]; cc != nil {
		return cc, nil
	}
	opts := append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(c.cfg.maxMsgSize), grpc.MaxCallSendMsgSize(c.cfg.maxMsgSize)),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 10 * time.Second, Timeout: 3 * time.Second}),
		// Fixed flow-control windows turn off gRPC's bandwidth probing, which costs a
		// window update and a ping (and the server's ping ack) per response received.
		grpc.WithInitialWindowSize(1 << 20),
		grpc.WithInitialConnWindowSize(8 << 20),
		// gRPC's reconnect backoff grows to 120 s by default; a restarted server (or a
		// leader hint naming it) must be usable again within about a second.
		grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: c.cfg.attemptTimeout,
			Backoff: backoff.Config{BaseDelay: 50 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second}}),
	}, c.cfg.dialOpts...)
	cc, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("client: dial %s: %w", addr, err)
	}
	c.conns[addr] = cc
	return cc, nil
}

// Close closes every connection. Calls in flight fail.
func (c *Client) Close() error {
	c.route.close()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var first error
	for a, cc := range c.conns {
		if err := cc.Close(); err != nil && first == nil {
			first = err
		}
		delete(c.conns, a)
	}
	return first
}

// target is the address to try first.
func (c *Client) target() string {
	if a := c.leader.Load(); a != nil {
		return *a
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.addrs[0]
}

// after returns the address following addr in the list (round robin).
func (c *Client) after(addr string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for i, a := range c.addrs {
		if a == addr {
			return c.addrs[(i+1)%len(c.addrs)]
		}
	}
	return c.addrs[0]
}

// follow records a leader hint (learning its address) and returns it.
func (c *Client) follow(addr string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.known(addr) && len(c.addrs) < maxKnownAddrs {
		c.addrs = append(c.addrs, addr)
	}
	c.leader.Store(&addr)
	return addr
}

// answered records that addr served a call, so the next call starts there.
func (c *Client) answered(addr string) {
	if a := c.leader.Load(); a == nil || *a != addr {
		c.leader.Store(&addr)
	}
}
