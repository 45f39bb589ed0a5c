package httppool

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/cache"
)

// ownerServer runs a GeeCache owner whose loads block until gate closes,
// counting the HTTP requests it receives by method.
func ownerServer(t *testing.T, gate chan struct{}) (*httptest.Server, *sync.Map) {
	t.Helper()
	var counts sync.Map
	srv := httptest.NewUnstartedServer(nil)
	self := "http://" + srv.Listener.Addr().String()
	pool := New(self, Options{})
	pool.Set(self)
	pool.Register(cache.NewGroup("g", 1<<20, cache.GetterFunc(func(_ context.Context, k string) ([]byte, time.Time, error) {
		<-gate
		return []byte("owner:" + k), time.Time{}, nil
	})))
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := counts.LoadOrStore(r.Method, new(atomic.Int32))
		c.(*atomic.Int32).Add(1)
		pool.ServeHTTP(w, r)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &counts
}

func count(m *sync.Map, method string) int32 {
	c, ok := m.Load(method)
	if !ok {
		return 0
	}
	return c.(*atomic.Int32).Load()
}

func TestConcurrentGetsAreBatched(t *testing.T) {
	gate := make(chan struct{})
	owner, counts := ownerServer(t, gate)
	p := New("http://self.invalid", Options{Timeout: 10 * time.Second})
	p.Set(owner.URL)
	g := cache.NewGroup("g", 1<<20, cache.GetterFunc(func(_ context.Context, k string) ([]byte, time.Time, error) {
		return []byte("local:" + k), time.Time{}, nil
	}))
	p.Register(g)
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := fmt.Sprintf("key%d", i)
			if v, err := g.Get(ctx, k); err != nil || v.String() != "owner:"+k {
				errs <- fmt.Errorf("Get(%s) = %q, %v", k, v.String(), err)
			}
		}()
	}
	// Wait until every get is on the wire or queued behind the blocked ones.
	b := &p.ring.Load().peers[owner.URL].batcher
	for {
		b.mu.Lock()
		queued, inflight := len(b.queue), b.inflight
		b.mu.Unlock()
		if inflight == maxInflight && queued == n-maxInflight {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// 4 requests were on the wire; the 96 queued keys need at most
	// one more request per slot.
	if total := count(counts, "GET") + count(counts, "POST"); total > 2*maxInflight {
		t.Fatalf("%d HTTP requests for %d keys; want them batched", total, n)
	}
}

func TestBatchFallsBackForPeersWithoutBatches(t *testing.T) {
	var gets, posts atomic.Int32
	gate := make(chan struct{})
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			http.Error(w, "bad request", http.StatusBadRequest) // what groupcache says
			return
		}
		gets.Add(1)
		<-gate
		key := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		w.Write((&getResp{value: "stub:" + key}).bytes())
	}))
	defer stub.Close()
	p := New("http://self.invalid", Options{Timeout: 10 * time.Second})
	p.Set(stub.URL)
	peer, _ := p.PickPeer("x")
	var wg sync.WaitGroup
	results := make([]string, 10)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _, _, err := peer.Get(ctx, "g", fmt.Sprint(i))
			if err != nil {
				results[i] = err.Error()
				return
			}
			results[i] = string(v)
		}()
	}
	b := &p.ring.Load().peers[stub.URL].batcher
	for {
		b.mu.Lock()
		queued := len(b.queue)
		b.mu.Unlock()
		if gets.Load() == maxInflight && queued == len(results)-maxInflight {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	for i, r := range results {
		if r != fmt.Sprintf("stub:%d", i) {
			t.Fatalf("result %d = %q", i, r)
		}
	}
	if posts.Load() > 1 {
		t.Fatalf("%d batch attempts; the first refusal must disable batching", posts.Load())
	}
}
