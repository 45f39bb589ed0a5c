package httppool

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/cache"
)

var ctx = context.Background()

// node is one GeeCache process of a test cluster.
type node struct {
	addr  string
	pool  *Pool
	group *cache.Group
	srv   *http.Server
	loads sync.Map // key -> *atomic.Int32
	gate  atomic.Pointer[chan struct{}]
	// frozen, when set, holds every incoming peer request until closed;
	// each request's status then goes to answered.
	frozen   atomic.Pointer[chan struct{}]
	answered chan string
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (n *node) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := n.frozen.Load()
	if f == nil {
		n.pool.ServeHTTP(w, r)
		return
	}
	<-*f
	rec := &statusRecorder{w, http.StatusOK}
	n.pool.ServeHTTP(rec, r)
	n.answered <- fmt.Sprintf("%s %d", r.Method, rec.code)
}

func (n *node) loadCount(key string) int32 {
	v, ok := n.loads.Load(key)
	if !ok {
		return 0
	}
	return v.(*atomic.Int32).Load()
}

// version lets tests see reloads: the value is "<key>@<node>#<n-th load>".
func (n *node) get(_ context.Context, key string) ([]byte, time.Time, error) {
	v, _ := n.loads.LoadOrStore(key, new(atomic.Int32))
	c := v.(*atomic.Int32).Add(1)
	if g := n.gate.Load(); g != nil {
		<-*g
	}
	return []byte(fmt.Sprintf("%s@%s#%d", key, n.addr, c)), time.Time{}, nil
}

func startCluster(t *testing.T, size int, opts cache.Options) []*node {
	t.Helper()
	return startClusterWith(t, size, opts, Options{Timeout: 2 * time.Second})
}

func startClusterWith(t *testing.T, size int, opts cache.Options, popts Options) []*node {
	t.Helper()
	nodes := make([]*node, size)
	var addrs []string
	lns := make([]net.Listener, size)
	for i := range nodes {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns[i] = ln
		addrs = append(addrs, "http://"+ln.Addr().String())
	}
	for i := range nodes {
		n := &node{addr: addrs[i], answered: make(chan string, 16)}
		n.pool = New(n.addr, popts)
		n.pool.Set(addrs...)
		g, err := cache.NewGroupWithOptions("scores", 1<<20, cache.GetterFunc(n.get), opts)
		if err != nil {
			t.Fatal(err)
		}
		n.group = g
		n.pool.Register(g)
		n.srv = &http.Server{Handler: n, ReadHeaderTimeout: 5 * time.Second}
		go n.srv.Serve(lns[i])
		nodes[i] = n
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			n.srv.Shutdown(sctx)
		})
	}
	return nodes
}

func owner(nodes []*node, key string) *node {
	p, ok := nodes[0].pool.PickPeer(key)
	if !ok {
		return nodes[0]
	}
	for _, n := range nodes {
		if n.addr == p.Addr() {
			return n
		}
	}
	return nil
}

func TestClusterOwnerLoadsEachKeyOnce(t *testing.T) {
	nodes := startCluster(t, 3, cache.Options{})
	keys := []string{"alice", "bob", "a/b", "space key", "100%", "ключ", "x?y#z"}
	for i := 0; i < 30; i++ {
		keys = append(keys, fmt.Sprintf("k%d", i))
	}
	owners := map[string]int{}
	for _, k := range keys {
		o := owner(nodes, k)
		owners[o.addr]++
		for _, n := range nodes {
			v, err := n.group.Get(ctx, k)
			if err != nil {
				t.Fatalf("%s Get(%q): %v", n.addr, k, err)
			}
			if want := k + "@" + o.addr + "#1"; v.String() != want {
				t.Fatalf("%s Get(%q) = %q, want %q (loaded by owner)", n.addr, k, v.String(), want)
			}
		}
		for _, n := range nodes {
			if c := n.loadCount(k); (n == o) != (c == 1) || c > 1 {
				t.Fatalf("key %q: node %s loaded it %d times (owner %s)", k, n.addr, c, o.addr)
			}
		}
	}
	if len(owners) != 3 {
		t.Fatalf("keys spread over %d nodes: %v", len(owners), owners)
	}
}

func TestClusterSingleflightAcrossNodes(t *testing.T) {
	nodes := startCluster(t, 3, cache.Options{})
	gate := make(chan struct{})
	for _, n := range nodes {
		n.gate.Store(&gate)
	}
	const reqs = 1000
	var wg sync.WaitGroup
	var failed atomic.Int32
	sem := make(chan struct{}, 200) // bounded concurrency keeps the test light
	for i := 0; i < reqs; i++ {
		wg.Add(1)
		go func(n *node) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := n.group.Get(ctx, "cold"); err != nil {
				failed.Add(1)
			}
		}(nodes[i%3])
	}
	o := owner(nodes, "cold")
	for o.loadCount("cold") == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(gate)
	wg.Wait()
	total := int32(0)
	for _, n := range nodes {
		total += n.loadCount("cold")
	}
	if failed.Load() != 0 || total != 1 {
		t.Fatalf("failed=%d loads=%d; want 0 failures and exactly one load", failed.Load(), total)
	}
}

func TestClusterRemovePropagates(t *testing.T) {
	nodes := startCluster(t, 3, cache.Options{})
	const key = "user:7"
	o := owner(nodes, key)
	for r := 0; r < 3; r++ { // popular enough for hot copies on non-owners
		for _, n := range nodes {
			n.group.Get(ctx, key)
		}
	}
	for _, n := range nodes {
		if n != o && n.group.Stats().HotEntries != 1 {
			t.Fatalf("non-owner %s kept no hot copy: %+v", n.addr, n.group.Stats())
		}
	}
	var other *node
	for _, n := range nodes {
		if n != o {
			other = n
		}
	}
	if err := other.group.Remove(ctx, key); err != nil {
		t.Fatal(err)
	}
	want := key + "@" + o.addr + "#2"
	for _, n := range nodes {
		if v, _ := n.group.Get(ctx, key); v.String() != want {
			t.Fatalf("%s after Remove Get = %q, want fresh %q", n.addr, v.String(), want)
		}
	}
}

func TestClusterSetGoesToOwner(t *testing.T) {
	nodes := startCluster(t, 3, cache.Options{})
	const key = "greeting"
	o := owner(nodes, key)
	var other *node
	for _, n := range nodes {
		if n != o {
			other = n
		}
	}
	for _, n := range nodes {
		n.group.Get(ctx, key)
	}
	if err := other.group.Set(ctx, key, []byte("hello"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if v, _ := n.group.Get(ctx, key); v.String() != "hello" {
			t.Fatalf("%s Get after Set = %q", n.addr, v.String())
		}
	}
	if o.loadCount(key) != 1 {
		t.Fatalf("Set must not cause a reload; owner loads = %d", o.loadCount(key))
	}
}

func TestClusterNodeKilledThenMembershipChange(t *testing.T) {
	nodes := startCluster(t, 3, cache.Options{HotCacheBytes: -1})
	dead := nodes[2]
	var deadKeys []string
	for i := 0; len(deadKeys) < 5; i++ {
		if k := fmt.Sprintf("k%d", i); owner(nodes, k) == dead {
			deadKeys = append(deadKeys, k)
		}
	}
	dead.srv.Close()
	for _, n := range nodes[:2] {
		for _, k := range deadKeys {
			v, err := n.group.Get(ctx, k)
			if err != nil || !strings.HasPrefix(v.String(), k+"@"+n.addr) {
				t.Fatalf("%s Get(%q) with owner down = %q, %v; want local load", n.addr, k, v.String(), err)
			}
		}
		if n.group.Stats().PeerErrors == 0 {
			t.Fatalf("%s: peer errors not counted", n.addr)
		}
	}
	// Drop the dead node: its keys now have live owners and no peer errors.
	alive := []string{nodes[0].addr, nodes[1].addr}
	for _, n := range nodes[:2] {
		n.pool.Set(alive...)
	}
	before := nodes[0].group.Stats().PeerErrors + nodes[1].group.Stats().PeerErrors
	for i := 0; i < 50; i++ {
		k := fmt.Sprintf("fresh%d", i)
		for _, n := range nodes[:2] {
			if _, err := n.group.Get(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		if nodes[0].loadCount(k)+nodes[1].loadCount(k) != 1 {
			t.Fatalf("key %q loaded %d times after membership change", k, nodes[0].loadCount(k)+nodes[1].loadCount(k))
		}
	}
	after := nodes[0].group.Stats().PeerErrors + nodes[1].group.Stats().PeerErrors
	if after != before {
		t.Fatalf("peer errors rose from %d to %d after removing the dead node", before, after)
	}
}
