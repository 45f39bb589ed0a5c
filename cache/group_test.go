package cache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var ctx = context.Background()

// countingGetter returns "v:"+key and counts calls per key.
type countingGetter struct {
	mu    sync.Mutex
	calls map[string]int
	gate  chan struct{} // if set, loads block until it is closed
}

func (c *countingGetter) Get(_ context.Context, key string) ([]byte, time.Time, error) {
	c.mu.Lock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[key]++
	c.mu.Unlock()
	if c.gate != nil {
		<-c.gate
	}
	return []byte("v:" + key), time.Time{}, nil
}

func (c *countingGetter) n(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[key]
}

func TestGetLoadsOnceThenHits(t *testing.T) {
	cg := &countingGetter{}
	g := NewGroup("g", 1<<20, cg)
	for i := 0; i < 3; i++ {
		v, err := g.Get(ctx, "a")
		if err != nil || v.String() != "v:a" {
			t.Fatalf("Get = %q, %v", v.String(), err)
		}
	}
	if cg.n("a") != 1 {
		t.Fatalf("getter called %d times", cg.n("a"))
	}
	st := g.Stats()
	if st.Gets != 3 || st.Hits != 2 || st.Loads != 1 || st.LocalLoads != 1 || st.MainEntries != 1 || st.MainBytes != int64(len("a")+len("v:a")) {
		t.Fatalf("stats = %+v", st)
	}
}

func TestByteViewIsImmutable(t *testing.T) {
	src := []byte("abc")
	g := NewGroup("g", 1<<20, GetterFunc(func(context.Context, string) ([]byte, time.Time, error) { return src, time.Time{}, nil }))
	v, _ := g.Get(ctx, "k")
	src[0] = 'X'
	b := v.ByteSlice()
	b[1] = 'Y'
	if v2, _ := g.Get(ctx, "k"); v2.String() != "abc" || v.At(0) != 'a' || v.Len() != 3 {
		t.Fatalf("cached value changed: %q", v2.String())
	}
}

func TestConcurrentColdGetLoadsOnce(t *testing.T) {
	cg := &countingGetter{gate: make(chan struct{})}
	g := NewGroup("g", 1<<20, cg)
	const n = 200
	var wg sync.WaitGroup
	var bad atomic.Int32
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := g.Get(ctx, "cold"); err != nil || v.String() != "v:cold" {
				bad.Add(1)
			}
		}()
	}
	for cg.n("cold") == 0 {
		time.Sleep(time.Millisecond)
	}
	close(cg.gate)
	wg.Wait()
	if bad.Load() != 0 || cg.n("cold") != 1 {
		t.Fatalf("bad=%d loads=%d, want 0 and 1", bad.Load(), cg.n("cold"))
	}
}

func TestGetterErrorReachesEveryWaiterAndIsNotCached(t *testing.T) {
	var calls atomic.Int32
	gate := make(chan struct{})
	boom := errors.New("db down")
	g := NewGroup("g", 1<<20, GetterFunc(func(context.Context, string) ([]byte, time.Time, error) {
		if calls.Add(1) == 1 {
			<-gate
			return nil, time.Time{}, boom
		}
		return []byte("ok"), time.Time{}, nil
	}))
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = g.Get(ctx, "k") }()
	}
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others join the flight
	close(gate)
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			if !errors.Is(err, boom) || !strings.Contains(err.Error(), `key "k"`) {
				t.Fatalf("error %v does not wrap the getter's and name the key", err)
			}
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("no waiter saw the getter error")
	}
	if st := g.Stats(); st.MainEntries != 0 && calls.Load() == 1 {
		t.Fatalf("failed load cached something: %+v", st)
	}
	if v, err := g.Get(ctx, "k"); err != nil || v.String() != "ok" {
		t.Fatalf("retry after error = %q, %v", v.String(), err)
	}
}

func TestTTLFromGetter(t *testing.T) {
	var calls atomic.Int32
	expire := time.Now().Add(-time.Second) // already expired: every Get reloads
	g := NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string) ([]byte, time.Time, error) {
		calls.Add(1)
		if key == "long" {
			return []byte("x"), time.Now().Add(time.Hour), nil
		}
		return []byte("x"), expire, nil
	}))
	g.Get(ctx, "short")
	g.Get(ctx, "short")
	g.Get(ctx, "long")
	g.Get(ctx, "long")
	if calls.Load() != 3 {
		t.Fatalf("getter calls = %d, want 3 (expired key reloads, live one does not)", calls.Load())
	}
}

func TestRemoveDropsValueAndInFlightLoad(t *testing.T) {
	cg := &countingGetter{}
	g := NewGroup("g", 1<<20, cg)
	g.Get(ctx, "k")
	if err := g.Remove(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	g.Get(ctx, "k")
	if cg.n("k") != 2 {
		t.Fatalf("after Remove the key must reload; loads = %d", cg.n("k"))
	}

	// A load that started before Remove must not store its stale value.
	gate := make(chan struct{})
	started := make(chan struct{})
	g2 := NewGroup("g2", 1<<20, GetterFunc(func(context.Context, string) ([]byte, time.Time, error) {
		close(started)
		<-gate
		return []byte("stale"), time.Time{}, nil
	}))
	done := make(chan struct{})
	go func() { g2.Get(ctx, "k"); close(done) }()
	<-started
	g2.RemoveLocal("k")
	close(gate)
	<-done
	if st := g2.Stats(); st.MainEntries != 0 {
		t.Fatalf("stale in-flight value was cached after Remove: %+v", st)
	}
}

func TestSetLocalWithoutPeers(t *testing.T) {
	g := NewGroup("g", 1<<20, &countingGetter{})
	if err := g.Set(ctx, "k", []byte("set"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if v, _ := g.Get(ctx, "k"); v.String() != "set" {
		t.Fatalf("Get after Set = %q", v.String())
	}
}

func TestCapacityIsBytes(t *testing.T) {
	g, err := NewGroupWithOptions("g", 1000, GetterFunc(func(_ context.Context, k string) ([]byte, time.Time, error) {
		return make([]byte, 90), time.Time{}, nil
	}), Options{HotCacheBytes: -1, Policy: "lru"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		g.Get(ctx, fmt.Sprintf("key%03d", i)) // 6 + 90 bytes each
	}
	st := g.Stats()
	if st.MainBytes > 1000 || st.MainEntries != 10 || st.Evictions != 90 {
		t.Fatalf("stats = %+v, want 10 entries within 1000 bytes", st)
	}
}

func TestBadOptions(t *testing.T) {
	if _, err := NewGroupWithOptions("g", 10, &countingGetter{}, Options{Policy: "fifo"}); err == nil || !strings.Contains(err.Error(), "fifo") {
		t.Fatalf("unknown policy: err = %v", err)
	}
	if _, err := NewGroupWithOptions("g", 10, nil, Options{}); err == nil {
		t.Fatal("nil getter accepted")
	}
}

func TestWarmGetDoesNotAllocate(t *testing.T) {
	g := NewGroup("g", 1<<20, &countingGetter{})
	g.Get(ctx, "k")
	if n := testing.AllocsPerRun(1000, func() { g.Get(ctx, "k") }); n != 0 {
		t.Fatalf("warm Get allocates %.1f times", n)
	}
}

func TestCancelledWaiterReturnsWhileLoadContinues(t *testing.T) {
	cg := &countingGetter{gate: make(chan struct{})}
	g := NewGroup("g", 1<<20, cg)
	first := make(chan error)
	go func() { _, err := g.Get(ctx, "k"); first <- err }()
	for cg.n("k") == 0 {
		time.Sleep(time.Millisecond)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.Get(cctx, "k"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: err = %v", err)
	}
	close(cg.gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if v, err := g.Get(ctx, "k"); err != nil || v.String() != "v:k" || cg.n("k") != 1 {
		t.Fatalf("value %q err %v loads %d", v.String(), err, cg.n("k"))
	}
}
