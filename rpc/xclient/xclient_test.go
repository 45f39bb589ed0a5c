package xclient

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/rpc"
)

// Node is a test service that says who it is, optionally slowly or failing.
type Node struct {
	name      string
	delay     time.Duration
	fail      bool
	calls     atomic.Int64
	cancelled atomic.Int64
}

func (n *Node) Who(ctx context.Context, _ int, reply *string) error {
	n.calls.Add(1)
	if n.delay > 0 {
		select {
		case <-time.After(n.delay):
		case <-ctx.Done():
			n.cancelled.Add(1)
			return ctx.Err()
		}
	}
	if n.fail {
		return errors.New("node " + n.name + " failed")
	}
	*reply = n.name
	return nil
}

func startNode(t *testing.T, n *Node) string {
	t.Helper()
	s := rpc.NewServer(rpc.WithLogger(slog.New(slog.DiscardHandler)))
	if err := s.RegisterName("Node", n); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().String()
}

// deadAddr is a 127.0.0.1 port nothing listens on.
func deadAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func ctx10(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newX(t *testing.T, d Discovery, opts ...Option) *XClient {
	opts = append([]Option{WithDialOptions(rpc.WithConnectTimeout(time.Second))}, opts...)
	x := New(d, opts...)
	t.Cleanup(func() { x.Close() })
	return x
}

func TestFailoverSkipsDeadServer(t *testing.T) {
	live := startNode(t, &Node{name: "live"})
	d := NewStatic(deadAddr(t), live)
	x := newX(t, d, WithFailMode(Failover, 2))
	for i := 0; i < 10; i++ {
		var who string
		if err := x.Call(ctx10(t), "Node.Who", 0, &who); err != nil || who != "live" {
			t.Fatalf("call %d: %q %v", i, who, err)
		}
	}
	ff := newX(t, d, WithFailMode(FailFast, 0))
	failures := 0
	for i := 0; i < 4; i++ {
		var who string
		if err := ff.Call(ctx10(t), "Node.Who", 0, &who); err != nil {
			failures++
		}
	}
	if failures != 2 { // round robin alternates dead, live
		t.Fatalf("fail-fast: %d of 4 calls failed, want 2", failures)
	}
}

func TestFailoverFromSlowServer(t *testing.T) {
	slow := &Node{name: "slow", delay: 5 * time.Second}
	d := NewStatic(startNode(t, slow), startNode(t, &Node{name: "fast"}))
	x := newX(t, d, WithFailMode(Failover, 1), WithPerTryTimeout(100*time.Millisecond))
	var who string
	if err := x.Call(ctx10(t), "Node.Who", 0, &who); err != nil || who != "fast" {
		t.Fatalf("got %q %v", who, err)
	}
	if slow.calls.Load() != 1 {
		t.Fatalf("slow server tried %d times, want 1", slow.calls.Load())
	}
}

func TestServerErrorsAreNotRetried(t *testing.T) {
	bad := &Node{name: "bad", fail: true}
	d := NewStatic(startNode(t, bad), startNode(t, &Node{name: "ok"}))
	x := newX(t, d, WithFailMode(Failover, 3))
	var who string
	var se rpc.ServerError
	if err := x.Call(ctx10(t), "Node.Who", 0, &who); !errors.As(err, &se) {
		t.Fatalf("want the method's error, got %v", err)
	}
	if bad.calls.Load() != 1 {
		t.Fatalf("a method error was retried (%d calls)", bad.calls.Load())
	}
}

func TestRetryWithBackoff(t *testing.T) {
	n := &Node{name: "only"}
	var attempts atomic.Int64
	flaky := func(ctx context.Context, method string, args, reply any, next rpc.Invoker) error {
		if attempts.Add(1) <= 2 {
			return errors.New("flaky transport")
		}
		return next(ctx, method, args, reply)
	}
	x := newX(t, NewStatic(startNode(t, n)), WithFailMode(Retry, 3), WithBackoff(time.Millisecond),
		WithDialOptions(rpc.WithClientInterceptors(flaky)))
	var who string
	if err := x.Call(ctx10(t), "Node.Who", 0, &who); err != nil || who != "only" {
		t.Fatalf("got %q %v", who, err)
	}
	if attempts.Load() != 3 || n.calls.Load() != 1 {
		t.Fatalf("attempts %d, server calls %d; want 3 and 1", attempts.Load(), n.calls.Load())
	}
	attempts.Store(-10)
	x2 := newX(t, NewStatic(startNode(t, n)), WithFailMode(Retry, 2), WithBackoff(time.Millisecond),
		WithDialOptions(rpc.WithClientInterceptors(flaky)))
	if err := x2.Call(ctx10(t), "Node.Who", 0, &who); err == nil {
		t.Fatal("retries beyond the limit")
	}
	if attempts.Load() != -7 {
		t.Fatalf("made %d attempts, want 3", attempts.Load()+10)
	}
}

func TestHedgedRequest(t *testing.T) {
	slow := &Node{name: "slow", delay: 5 * time.Second}
	d := NewStatic(startNode(t, slow), startNode(t, &Node{name: "fast"}))
	x := newX(t, d, WithHedge(30*time.Millisecond))
	var who string
	if err := x.Call(ctx10(t), "Node.Who", 0, &who); err != nil || who != "fast" {
		t.Fatalf("hedged call got %q %v", who, err)
	}
	for deadline := time.Now().Add(5 * time.Second); slow.cancelled.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("losing hedge was not cancelled on the server")
		}
	}
}

func TestBreakerSkipsFailingServer(t *testing.T) {
	dead := deadAddr(t)
	d := NewStatic(dead, startNode(t, &Node{name: "live"}))
	x := newX(t, d, WithFailMode(FailFast, 0), WithBreaker(1, time.Minute))
	fails := 0
	for i := 0; i < 10; i++ {
		var who string
		if err := x.Call(ctx10(t), "Node.Who", 0, &who); err != nil {
			fails++
		}
	}
	if fails != 1 {
		t.Fatalf("%d failures; the breaker should stop traffic to the dead server after 1", fails)
	}
	one := newX(t, NewStatic(dead), WithBreaker(1, time.Minute))
	var who string
	_ = one.Call(ctx10(t), "Node.Who", 0, &who)
	if err := one.Call(ctx10(t), "Node.Who", 0, &who); !errors.Is(err, ErrBreakerOpen) {
		t.Fatalf("want ErrBreakerOpen, got %v", err)
	}
}

func TestBroadcastAndFork(t *testing.T) {
	a, b, c := &Node{name: "a"}, &Node{name: "b"}, &Node{name: "c"}
	d := NewStatic(startNode(t, a), startNode(t, b), startNode(t, c))
	x := newX(t, d)
	var who string
	if err := x.Broadcast(ctx10(t), "Node.Who", 0, &who); err != nil || who == "" {
		t.Fatalf("broadcast: %q %v", who, err)
	}
	if a.calls.Load() != 1 || b.calls.Load() != 1 || c.calls.Load() != 1 {
		t.Fatal("broadcast did not reach every server")
	}
	bad := &Node{name: "bad", fail: true}
	d.Update(append(must(d.Servers(context.Background())), Server{Addr: startNode(t, bad)}))
	if err := x.Broadcast(ctx10(t), "Node.Who", 0, &who); err == nil || bad.calls.Load() != 1 {
		t.Fatalf("broadcast with a failing server: %v", err)
	}

	slow := &Node{name: "slow", delay: 5 * time.Second}
	fd := NewStatic(startNode(t, slow), startNode(t, &Node{name: "bad", fail: true}), startNode(t, &Node{name: "fast"}))
	fx := newX(t, fd)
	who = ""
	if err := fx.Fork(ctx10(t), "Node.Who", 0, &who); err != nil || who != "fast" {
		t.Fatalf("fork: %q %v", who, err)
	}
	allBad := newX(t, NewStatic(startNode(t, &Node{name: "x", fail: true}), deadAddr(t)))
	if err := allBad.Fork(ctx10(t), "Node.Who", 0, &who); err == nil {
		t.Fatal("fork with no success returned nil")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestNoServers(t *testing.T) {
	x := newX(t, NewStatic())
	var who string
	if err := x.Call(ctx10(t), "Node.Who", 0, &who); !errors.Is(err, ErrNoServers) {
		t.Fatalf("want ErrNoServers, got %v", err)
	}
}

func TestPruneClosesVanishedServers(t *testing.T) {
	a, b := startNode(t, &Node{name: "a"}), startNode(t, &Node{name: "b"})
	d := NewStatic(a, b)
	x := newX(t, d)
	var who string
	for i := 0; i < 2; i++ {
		if err := x.Call(ctx10(t), "Node.Who", 0, &who); err != nil {
			t.Fatal(err)
		}
	}
	d.Update([]Server{{Addr: b}})
	x.mu.Lock()
	x.pruned = time.Time{} // do not wait a second for the next prune
	x.mu.Unlock()
	if err := x.Call(ctx10(t), "Node.Who", 0, &who); err != nil || who != "b" {
		t.Fatalf("after removal: %q %v", who, err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.clients[a]; ok || len(x.clients) != 1 {
		t.Fatalf("connection to removed server kept: %v", x.clients)
	}
}
