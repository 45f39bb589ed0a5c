package scheduler

import (
	"sync"
	"testing"
)

// 3C "IDs are unique and increasing under concurrency" (TestID): 10 goroutines x 300 AllocID calls
// over gRPC with a small window (60 persisted marks), each goroutine's ids increasing, all distinct.
func TestIDUniqueAndIncreasingUnderConcurrency(t *testing.T) {
	ts := startServer(t, Config{IDWindow: 50})
	const goroutines, each = 10, 300
	got := make([][]uint64, goroutines)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id, err := ts.cli.AllocID(ctx(t))
				if err != nil {
					t.Error(err)
					return
				}
				got[g] = append(got[g], id)
			}
		}(g)
	}
	wg.Wait()
	seen := map[uint64]bool{}
	for g, ids := range got {
		for i, id := range ids {
			if id == 0 || seen[id] {
				t.Fatalf("id %d zero or handed out twice", id)
			}
			seen[id] = true
			if i > 0 && id <= ids[i-1] {
				t.Fatalf("goroutine %d: id %d after %d", g, id, ids[i-1])
			}
		}
	}
}

// Ids stay unique across restarts: every id after a restart is above every id before it.
func TestIDUniqueAcrossRestart(t *testing.T) {
	ts := startServer(t, Config{IDWindow: 10})
	var maxBefore uint64
	for round := 0; round < 4; round++ {
		for i := 0; i < 25+round; i++ {
			id, err := ts.cli.AllocID(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			if id <= maxBefore {
				t.Fatalf("round %d: id %d not above %d", round, id, maxBefore)
			}
			maxBefore = id
		}
		ts.restart()
	}
}

// The high-water mark is durable before an id of its window is used: reopening storage
// that was never closed cleanly (only the synced mark counts) still starts above.
func TestIDAllocatorWindowIsPersistedFirst(t *testing.T) {
	st, err := openStorage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	a, err := newIDAllocator(st, 5)
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for i := 0; i < 12; i++ {
		if last, err = a.AllocID(); err != nil {
			t.Fatal(err)
		}
	}
	// A second allocator over the same storage is what a restart after a crash would build.
	b, err := newIDAllocator(st, 5)
	if err != nil {
		t.Fatal(err)
	}
	id, err := b.AllocID()
	if err != nil || id <= last {
		t.Fatalf("after reopen: %d, %v; want above %d", id, err, last)
	}
	if err := b.ensureAbove(1000); err != nil {
		t.Fatal(err)
	}
	if id, _ := b.AllocID(); id != 1001 {
		t.Fatalf("after ensureAbove(1000): %d", id)
	}
	if err := b.ensureAbove(1 << 63); err == nil {
		t.Fatal("ensureAbove accepted an id near overflow")
	}
}
