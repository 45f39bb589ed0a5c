package registry

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/rpc/xclient"
)

// fakeClock lets expiry be tested without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func startRegistry(t *testing.T, r *Registry) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(DefaultPath, r)
	hs := &http.Server{Handler: mux}
	go hs.Serve(l)
	t.Cleanup(func() { hs.Close() })
	return "http://" + l.Addr().String() + DefaultPath
}

func addrs(s []xclient.Server) string {
	var out []string
	for _, x := range s {
		out = append(out, x.Addr)
	}
	return strings.Join(out, ",")
}

func TestExpiryAfterMissedHeartbeats(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	r := New(time.Second)
	r.now = clock.now
	url := startRegistry(t, r)
	ctx := context.Background()
	for _, a := range []string{"tcp@127.0.0.1:1", "tcp@127.0.0.1:2"} {
		if err := Register(ctx, url, xclient.Server{Addr: a, Weight: 2}); err != nil {
			t.Fatal(err)
		}
	}
	clock.advance(800 * time.Millisecond)
	if err := Register(ctx, url, xclient.Server{Addr: "tcp@127.0.0.1:1"}); err != nil { // heartbeat for :1 only
		t.Fatal(err)
	}
	if got := addrs(r.Alive()); got != "tcp@127.0.0.1:1,tcp@127.0.0.1:2" {
		t.Fatalf("before TTL: %s", got)
	}
	clock.advance(400 * time.Millisecond) // :2 missed its heartbeat
	d := NewDiscovery(url, time.Millisecond)
	servers, err := d.Servers(ctx)
	if err != nil || addrs(servers) != "tcp@127.0.0.1:1" {
		t.Fatalf("after TTL: %v %v", servers, err)
	}
	if err := Deregister(ctx, url, "tcp@127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	if got := r.Alive(); len(got) != 0 {
		t.Fatalf("after deregister: %v", got)
	}
}

func TestHeartbeatKeepsAliveAndDeregisters(t *testing.T) {
	r := New(200 * time.Millisecond)
	url := startRegistry(t, r)
	ctx, cancel := context.WithCancel(context.Background())
	done, err := Heartbeat(ctx, url, xclient.Server{Addr: "127.0.0.1:9"}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if got := addrs(r.Alive()); got != "127.0.0.1:9" {
		t.Fatalf("registered: %q", got)
	}
	cancel()
	<-done
	if got := r.Alive(); len(got) != 0 {
		t.Fatalf("still registered after heartbeat stopped: %v", got)
	}
}

func TestBadRequests(t *testing.T) {
	url := startRegistry(t, New(0))
	if err := Register(context.Background(), url, xclient.Server{Addr: ""}); err == nil || !strings.Contains(err.Error(), "invalid server address") {
		t.Fatalf("empty addr: %v", err)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader("{bad"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad JSON: %s", resp.Status)
	}
	if _, err := NewDiscovery("http://127.0.0.1:1/none", time.Second).Servers(context.Background()); err == nil {
		t.Fatal("discovery of an unreachable registry succeeded")
	}
	if _, err := Heartbeat(context.Background(), "http://127.0.0.1:1/none", xclient.Server{Addr: "x:1"}, time.Second); err == nil {
		t.Fatal("heartbeat to an unreachable registry succeeded")
	}
}
