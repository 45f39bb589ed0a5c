package latches

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/storage"
)

func keys(ks ...string) [][]byte {
	out := make([][]byte, len(ks))
	for i, k := range ks {
		out[i] = []byte(k)
	}
	return out
}

func acquire(t *testing.T, l *Latches, ks ...string) *Guard {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	g, err := l.Acquire(ctx, keys(ks...))
	if err != nil {
		t.Fatalf("Acquire(%q): %v", ks, err)
	}
	return g
}

// tryAcquire gives Acquire(ks) 50ms.
func tryAcquire(l *Latches, ks ...string) (*Guard, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	return l.Acquire(ctx, keys(ks...))
}

func TestAcquireLatches(t *testing.T) {
	l := New()
	g := acquire(t, l, "b", "a", "a")
	if !g.Holds([]byte("a")) || !g.Holds([]byte("b")) || g.Holds([]byte("c")) {
		t.Fatalf("guard keys = %q", g.Keys())
	}
	if _, err := tryAcquire(l, "c", "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire of a latched key: err = %v, want to wait until the deadline", err)
	}
	other := acquire(t, l, "c") // untouched by the failed attempt, which released it
	other.Release()
	g.Release()
	g.Release() // a second release changes nothing
	g2 := acquire(t, l, "a", "c")
	if _, err := tryAcquire(l, "a"); err == nil {
		t.Fatal("latch taken twice after a double release")
	}
	g2.Release()
	if len(l.held) != 0 {
		t.Fatalf("latches left held: %d", len(l.held))
	}
}

func TestWaiterWokenOnRelease(t *testing.T) {
	l := New()
	g := acquire(t, l, "k")
	got := make(chan *Guard)
	go func() { got <- acquire(t, l, "k") }()
	select {
	case <-got:
		t.Fatal("second Acquire returned while the key was latched")
	case <-time.After(30 * time.Millisecond):
	}
	g.Release()
	select {
	case g2 := <-got:
		g2.Release()
	case <-time.After(5 * time.Second):
		t.Fatal("waiter not woken by Release")
	}
}

func TestWaitersServedInArrivalOrder(t *testing.T) {
	l := New()
	g := acquire(t, l, "k")
	order := make(chan int, 5)
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			w := acquire(t, l, "k")
			order <- i
			w.Release()
		}(i)
		waitQueued(t, l, "k", i+1) // waiter i is queued before i+1 starts
	}
	g.Release()
	wg.Wait()
	close(order)
	want := 0
	for i := range order {
		if i != want {
			t.Fatalf("waiter %d served at position %d", i, want)
		}
		want++
	}
}

func waitQueued(t *testing.T, l *Latches, key string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		q := len(l.held[key].waiters)
		l.mu.Unlock()
		if q == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("never saw %d waiters on %q", n, key)
}

func TestCancelledWaiterLeavesQueue(t *testing.T) {
	l := New()
	g := acquire(t, l, "a", "b")
	if _, err := tryAcquire(l, "a"); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("err = %v, want a deadline error naming key a", err)
	}
	if n := len(l.held["a"].waiters); n != 0 {
		t.Fatalf("%d waiters left after cancel", n)
	}
	g.Release()
	acquire(t, l, "a", "b").Release()
}

func TestOppositeOrdersNeverDeadlock(t *testing.T) {
	l := New()
	counter := map[string]int{}
	var wg sync.WaitGroup
	sets := [][]string{{"a", "b", "c"}, {"c", "b", "a"}, {"b", "a"}, {"c", "a"}}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				ks := sets[(w+i)%len(sets)]
				g := acquire(t, l, ks...)
				for _, k := range ks {
					counter[k]++ // data race unless the latches exclude
				}
				g.Release()
			}
		}(w)
	}
	wg.Wait()
	total := 0
	for _, n := range counter {
		total += n
	}
	if total != 8*200*10/4 {
		t.Fatalf("counted %d key updates, want %d", total, 8*200*10/4)
	}
}

func TestCheckWrites(t *testing.T) {
	l := New()
	g := acquire(t, l, "a", "b")
	defer g.Release()
	ident := func(_ string, k []byte) ([]byte, error) { return k, nil }
	ok := []storage.Modify{storage.Put("default", []byte("a"), nil), storage.Delete("lock", []byte("b"))}
	if err := g.CheckWrites(ok, ident); err != nil {
		t.Fatalf("latched writes refused: %v", err)
	}
	bad := append(ok, storage.Put("write", []byte("c"), nil))
	if err := g.CheckWrites(bad, ident); err == nil || !strings.Contains(err.Error(), `"c"`) {
		t.Fatalf("unlatched write: err = %v, want one naming key c", err)
	}
	fail := func(string, []byte) ([]byte, error) { return nil, errors.New("undecodable") }
	if err := g.CheckWrites(ok, fail); err == nil {
		t.Fatal("undecodable key accepted")
	}
}
