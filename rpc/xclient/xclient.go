package xclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gee-project/gee/rpc"
)

// XClient calls one of many servers found by a Discovery.
type XClient struct {
	d           Discovery
	selector    Selector
	failMode    FailMode
	retries     int
	backoff     time.Duration
	perTry      time.Duration
	hedge       time.Duration
	brThreshold int
	brCooldown  time.Duration
	dialOpts    []rpc.DialOption

	mu       sync.Mutex
	pruned   time.Time // last time connections to vanished servers were closed
	clients  map[string]*rpc.Client
	breakers map[string]*breaker
	closed   bool
}

// New returns an XClient over d.
func New(d Discovery, opts ...Option) *XClient {
	x := &XClient{d: d, selector: &RoundRobin{}, backoff: 10 * time.Millisecond, brCooldown: time.Second,
		clients: map[string]*rpc.Client{}, breakers: map[string]*breaker{}}
	for _, o := range opts {
		o(x)
	}
	return x
}

// Close closes every connection.
func (x *XClient) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.closed = true
	for addr, c := range x.clients {
		c.Close()
		delete(x.clients, addr)
	}
	return nil
}

// client returns the connection to addr, dialing outside the lock so a
// slow or black-holed server does not stall calls to the others.
func (x *XClient) client(ctx context.Context, addr string) (*rpc.Client, error) {
	x.mu.Lock()
	c, closed := x.clients[addr], x.closed
	x.mu.Unlock()
	if closed {
		return nil, rpc.ErrShutdown
	}
	if c != nil {
		return c, nil
	}
	network, a := splitAddr(addr)
	c, err := rpc.DialContext(ctx, network, a, x.dialOpts...)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		c.Close()
		return nil, rpc.ErrShutdown
	}
	if old := x.clients[addr]; old != nil { // another caller dialed first
		c.Close()
		return old, nil
	}
	x.clients[addr] = c
	return c, nil
}

func (x *XClient) breaker(addr string) *breaker {
	x.mu.Lock()
	defer x.mu.Unlock()
	b := x.breakers[addr]
	if b == nil {
		b = &breaker{threshold: x.brThreshold, cooldown: x.brCooldown}
		x.breakers[addr] = b
	}
	return b
}

// candidates returns discovered servers whose breakers let calls through,
// minus those in skip.
func (x *XClient) candidates(ctx context.Context, skip map[string]bool) ([]Server, error) {
	all, err := x.d.Servers(ctx)
	if err != nil {
		return nil, fmt.Errorf("xclient: discovery: %w", err)
	}
	if len(all) == 0 {
		return nil, ErrNoServers
	}
	now := time.Now()
	x.prune(all, now)
	out := all[:0]
	open := 0
	for _, s := range all {
		switch {
		case skip[s.Addr]:
		case !x.breaker(s.Addr).available(now):
			open++
		default:
			out = append(out, s)
		}
	}
	if len(out) == 0 && open > 0 {
		return nil, ErrBreakerOpen
	}
	if len(out) == 0 {
		return nil, ErrNoServers
	}
	return out, nil
}

// attempt makes one call to addr, feeding breaker and selector.
func (x *XClient) attempt(ctx context.Context, addr, method string, args, reply any) error {
	br := x.breaker(addr)
	if !br.begin(time.Now()) {
		return fmt.Errorf("%w: %s", ErrBreakerOpen, addr)
	}
	start := time.Now()
	err := x.try(ctx, addr, method, args, reply)
	if ctx.Err() != nil {
		br.release() // abandoned (hedge lost, caller gave up): says nothing about addr
		return err
	}
	failed := retryable(ctx, err)
	br.record(time.Now(), failed)
	if o, ok := x.selector.(Observer); ok {
		o.Observe(addr, time.Since(start), errIf(failed, err))
	}
	return err
}

func errIf(cond bool, err error) error {
	if cond {
		return err
	}
	return nil
}

func (x *XClient) try(ctx context.Context, addr, method string, args, reply any) error {
	if x.perTry > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, x.perTry)
		defer cancel()
	}
	c, err := x.client(ctx, addr)
	if err != nil {
		return err
	}
	return c.Call(ctx, method, args, reply)
}

// retryable: transport failures and per-try timeouts, while the caller's
// own context is still alive.
func retryable(parent context.Context, err error) bool {
	if err == nil || parent.Err() != nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true // only the per-try timeout can have expired
	}
	return rpc.IsTransportError(err)
}

// prune closes, at most once a second, connections to servers that
// discovery no longer lists, so a churning cluster does not leak them.
func (x *XClient) prune(all []Server, now time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if now.Sub(x.pruned) < time.Second {
		return
	}
	x.pruned = now
	live := make(map[string]bool, len(all))
	for _, s := range all {
		live[s.Addr] = true
	}
	for addr, c := range x.clients {
		if !live[addr] {
			c.Close()
			delete(x.clients, addr)
			delete(x.breakers, addr)
		}
	}
}
