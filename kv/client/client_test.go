package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/storage/standalone"
	"google.golang.org/grpc"
)

// listen serves srv on 127.0.0.1 and returns its address; it stops at cleanup.
func listen(t *testing.T, srv tinykvpb.TinyKvServer) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := grpc.NewServer()
	tinykvpb.RegisterTinyKvServer(g, srv)
	done := make(chan struct{})
	go func() { defer close(done); _ = g.Serve(lis) }()
	t.Cleanup(func() { g.Stop(); <-done })
	return lis.Addr().String()
}

// standaloneServer starts a real server on a fresh standalone storage.
func standaloneServer(t *testing.T) (*server.Server, string) {
	t.Helper()
	st, err := standalone.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop() })
	s := server.New(st, nil, server.Limits{}, nil)
	return s, listen(t, s)
}

func newClient(t *testing.T, addrs []string, opts ...Option) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := New(ctx, addrs, append([]Option{WithBackoff(time.Millisecond, 20*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func kvString(kvs []KV) string {
	var out []string
	for _, p := range kvs {
		out = append(out, fmt.Sprintf("%s=%s", p.Key, p.Value))
	}
	return fmt.Sprint(out)
}

func TestRawOperations(t *testing.T) {
	_, addr := standaloneServer(t)
	c := newClient(t, []string{addr})
	ctx := ctxT(t)

	if err := c.Put(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, []byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("Get(k) = %q, %v", v, err)
	}
	if _, err := c.Get(ctx, []byte("nope")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(nope) err = %v, want ErrNotFound", err)
	}
	if err := c.Delete(ctx, []byte("k")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, []byte("k")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete err = %v", err)
	}

	if err := c.BatchPut(ctx, []KV{{[]byte("b"), []byte("2")}, {[]byte("a"), []byte("1")}, {[]byte("c"), []byte("3")}}); err != nil {
		t.Fatal(err)
	}
	kvs, err := c.Scan(ctx, []byte("a"), nil, 2)
	if err != nil || kvString(kvs) != "[a=1 b=2]" {
		t.Fatalf("Scan(a, 2) = %s, %v", kvString(kvs), err)
	}
	kvs, err = c.BatchGet(ctx, [][]byte{[]byte("c"), []byte("x"), []byte("a")})
	if err != nil || kvString(kvs) != "[c=3 a=1]" {
		t.Fatalf("BatchGet = %s, %v", kvString(kvs), err)
	}

	// Column families.
	if err := c.Put(ctx, []byte("a"), []byte("locked"), WithCF("lock")); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Get(ctx, []byte("a"), WithCF("lock")); string(v) != "locked" {
		t.Fatalf("Get(a, lock) = %q", v)
	}
	if v, _ := c.Get(ctx, []byte("a")); string(v) != "1" {
		t.Fatalf("Get(a) in default = %q after a put in lock", v)
	}
	if kvs, _ := c.Scan(ctx, nil, nil, 10, WithCF("lock")); kvString(kvs) != "[a=locked]" {
		t.Fatalf("Scan(lock) = %s", kvString(kvs))
	}

	// A refused request is a ServerError, not retried.
	var se *ServerError
	if err := c.Put(ctx, []byte("a"), nil, WithCF("bogus")); !errors.As(err, &se) || !strings.Contains(se.Msg, "unknown column family") {
		t.Fatalf("Put with a bad cf: %v, want a ServerError", err)
	}
	if _, err := c.Scan(ctx, nil, nil, 0); err == nil {
		t.Fatal("Scan with limit 0 accepted")
	}
}

func TestConcurrentUse(t *testing.T) {
	_, addr := standaloneServer(t)
	c := newClient(t, []string{addr})
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				k := []byte(fmt.Sprintf("g%02d-%02d", g, i))
				if err := c.Put(ctx, k, k); err != nil {
					errs <- err
					return
				}
				if v, err := c.Get(ctx, k); err != nil || string(v) != string(k) {
					errs <- fmt.Errorf("Get(%s) = %q, %v", k, v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	kvs, err := c.Scan(ctx, []byte("g"), nil, 1000)
	if err != nil || len(kvs) != 16*25 {
		t.Fatalf("Scan found %d keys, %v; want %d", len(kvs), err, 16*25)
	}
}

// fake answers RawPut and RawGet with the region error script returns for the n-th call
// (1-based), or passes the call to next when script returns nil.
type fake struct {
	tinykvpb.UnimplementedTinyKvServer
	next   *server.Server
	script func(n int64) *errorpb.Error
	calls  atomic.Int64
}

func (f *fake) RawPut(ctx context.Context, req *kvrpcpb.RawPutRequest) (*kvrpcpb.RawPutResponse, error) {
	if e := f.script(f.calls.Add(1)); e != nil {
		return &kvrpcpb.RawPutResponse{RegionError: e}, nil
	}
	return f.next.RawPut(ctx, req)
}

func (f *fake) RawGet(ctx context.Context, req *kvrpcpb.RawGetRequest) (*kvrpcpb.RawGetResponse, error) {
	if e := f.script(f.calls.Add(1)); e != nil {
		return &kvrpcpb.RawGetResponse{RegionError: e}, nil
	}
	return f.next.RawGet(ctx, req)
}

func notLeader(addr string) *errorpb.Error {
	return &errorpb.Error{Message: "not leader", NotLeader: &errorpb.NotLeader{RegionId: 1, LeaderAddress: addr}}
}

func TestFollowsNotLeaderHint(t *testing.T) {
	real, leaderAddr := standaloneServer(t)
	follower := &fake{next: real, script: func(int64) *errorpb.Error { return notLeader(leaderAddr) }}
	followerAddr := listen(t, follower)
	c := newClient(t, []string{followerAddr})
	ctx := ctxT(t)

	if err := c.Put(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, []byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	// The first call met the follower once and then went to the leader; the second went
	// straight to the leader.
	if n := follower.calls.Load(); n != 1 {
		t.Fatalf("follower saw %d calls, want 1", n)
	}
}

func TestRetriesBusyStaleAndTimeout(t *testing.T) {
	real, _ := standaloneServer(t)
	errs := []*errorpb.Error{
		{Message: "busy", ServerIsBusy: &errorpb.ServerIsBusy{Reason: "too many proposals", BackoffMs: 1}},
		{Message: "stale", StaleCommand: &errorpb.StaleCommand{}},
		{Message: "timeout", Timeout: &errorpb.Timeout{}},
		notLeader(""), // no hint: try the next server, which is this one again
	}
	f := &fake{next: real, script: func(n int64) *errorpb.Error {
		if int(n) <= len(errs) {
			return errs[n-1]
		}
		return nil
	}}
	c := newClient(t, []string{listen(t, f)})
	if err := c.Put(ctxT(t), []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if n := f.calls.Load(); n != int64(len(errs))+1 {
		t.Fatalf("server saw %d calls, want %d", n, len(errs)+1)
	}
}

func TestGivesUp(t *testing.T) {
	real, _ := standaloneServer(t)
	busy := &fake{next: real, script: func(int64) *errorpb.Error {
		return &errorpb.Error{Message: "busy", ServerIsBusy: &errorpb.ServerIsBusy{}}
	}}
	addr := listen(t, busy)

	// Out of attempts.
	c := newClient(t, []string{addr}, WithMaxAttempts(4))
	var re *RegionError
	err := c.Put(ctxT(t), []byte("k"), []byte("v"))
	if !errors.As(err, &re) || re.Err.GetServerIsBusy() == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Fatalf("Put against a busy server: %v", err)
	}

	// Out of time: the caller's deadline ends the retries.
	c = newClient(t, []string{addr}, WithMaxAttempts(1<<30))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := c.Put(ctx, []byte("k"), []byte("v")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Put with a deadline: %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Put returned %v after its deadline", d)
	}

	// A region error a retry cannot fix comes back at once.
	nf := &fake{next: real, script: func(int64) *errorpb.Error {
		return &errorpb.Error{Message: "region 7 not found", RegionNotFound: &errorpb.RegionNotFound{RegionId: 7}}
	}}
	c = newClient(t, []string{listen(t, nf)})
	if err := c.Put(ctxT(t), []byte("k"), nil); !errors.As(err, &re) || re.Err.GetRegionNotFound() == nil || nf.calls.Load() != 1 {
		t.Fatalf("Put meeting RegionNotFound: %v after %d calls", err, nf.calls.Load())
	}
}

func TestSkipsUnreachableServer(t *testing.T) {
	_, good := standaloneServer(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := lis.Addr().String()
	lis.Close() // nothing listens there now
	c := newClient(t, []string{dead, good})
	c.leader.Store(&dead) // make the first attempt go to the dead address
	ctx := ctxT(t)
	if err := c.Put(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if got := c.target(); got != good {
		t.Fatalf("client now targets %s, want %s", got, good)
	}
}

func TestNewFailsWithNoServer(t *testing.T) {
	lis, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := lis.Addr().String()
	lis.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := New(ctx, []string{dead}); err == nil || !strings.Contains(err.Error(), "no server reachable") {
		t.Fatalf("New with no server: %v", err)
	}
	if _, err := New(context.Background(), nil); err == nil {
		t.Fatal("New with no addresses succeeded")
	}
	if _, err := New(context.Background(), []string{"no-port"}); err == nil {
		t.Fatal("New with a bad address succeeded")
	}
}
