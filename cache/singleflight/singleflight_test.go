package singleflight

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestDoDeduplicatesConcurrentCalls(t *testing.T) {
	var g Group[int]
	var calls atomic.Int32
	release := make(chan struct{})
	const n = 50
	var started, wg sync.WaitGroup
	started.Add(n)
	results := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			started.Done()
			v, err, _ := g.Do("k", func() (int, error) {
				calls.Add(1)
				<-release
				return 42, nil
			})
			if err != nil {
				t.Errorf("Do: %v", err)
			}
			results[i] = v
		}(i)
	}
	started.Wait()
	// Wait until the first call is registered and every other caller is
	// waiting on it, without timing assumptions: poll the dup count.
	for {
		g.mu.Lock()
		c := g.m["k"]
		d := 0
		if c != nil {
			d = c.dups
		}
		g.mu.Unlock()
		if c != nil && d == n-1 {
			break
		}
		runtimeGosched()
	}
	close(release)
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Fatalf("fn ran %d times, want 1", got)
	}
	for i, v := range results {
		if v != 42 {
			t.Fatalf("caller %d got %d", i, v)
		}
	}
}

func TestDoErrorGoesToEveryWaiterAndIsNotKept(t *testing.T) {
	var g Group[string]
	boom := errors.New("boom")
	_, err, _ := g.Do("k", func() (string, error) { return "", boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	v, err, _ := g.Do("k", func() (string, error) { return "ok", nil })
	if err != nil || v != "ok" {
		t.Fatalf("second Do = %q, %v; the failed call must not be remembered", v, err)
	}
}

func TestDoPanicBecomesError(t *testing.T) {
	var g Group[int]
	_, err, _ := g.Do("k", func() (int, error) { panic("bad") })
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("err = %v, want panic error", err)
	}
	if v, err, _ := g.Do("k", func() (int, error) { return 1, nil }); err != nil || v != 1 {
		t.Fatalf("after panic Do = %d, %v", v, err)
	}
}

func TestForgetStartsNewCall(t *testing.T) {
	var g Group[int]
	release := make(chan struct{})
	done := make(chan int)
	go func() {
		v, _, _ := g.Do("k", func() (int, error) { <-release; return 1, nil })
		done <- v
	}()
	for {
		g.mu.Lock()
		_, ok := g.m["k"]
		g.mu.Unlock()
		if ok {
			break
		}
		runtimeGosched()
	}
	g.Forget("k")
	v, _, shared := g.Do("k", func() (int, error) { return 2, nil })
	if v != 2 || shared {
		t.Fatalf("after Forget Do = %d shared=%v, want fresh 2", v, shared)
	}
	close(release)
	if v := <-done; v != 1 {
		t.Fatalf("original caller got %d, want 1", v)
	}
}

func TestDoContextWaiterCanGiveUp(t *testing.T) {
	var g Group[int]
	release := make(chan struct{})
	first := make(chan int)
	go func() {
		v, _, _ := g.Do("k", func() (int, error) { <-release; return 7, nil })
		first <- v
	}()
	for {
		g.mu.Lock()
		_, ok := g.m["k"]
		g.mu.Unlock()
		if ok {
			break
		}
		runtimeGosched()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err, _ := g.DoContext(ctx, "k", func() (int, error) { return 0, nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter got %v", err)
	}
	close(release)
	if v := <-first; v != 7 {
		t.Fatalf("the call itself must finish for its starter: %d", v)
	}
}
