package web

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowSink records every Write and takes a while for each, like a terminal.
type slowSink struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
	delay  time.Duration
	err    error
}

func (s *slowSink) Write(p []byte) (int, error) {
	time.Sleep(s.delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	s.buf.Write(p)
	return len(p), s.err
}

func (s *slowSink) snapshot() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String(), s.writes
}

func TestBatchWriterIdleLineIsWrittenAtOnce(t *testing.T) {
	sink := &slowSink{}
	w := newBatchWriter(sink)
	for i := 0; i < 3; i++ {
		line := fmt.Sprintf("line %d\n", i)
		if n, err := w.Write([]byte(line)); n != len(line) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		got, writes := sink.snapshot()
		if !strings.HasSuffix(got, line) || writes != i+1 {
			t.Fatalf("after Write %d the sink has %q in %d writes", i, got, writes)
		}
	}
}

func TestBatchWriterConcurrentLinesArriveWholeAndBatched(t *testing.T) {
	sink := &slowSink{delay: time.Millisecond}
	w := newBatchWriter(sink)
	const goroutines, perG = 32, 50
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				fmt.Fprintf(w, "g=%d i=%d end\n", g, i)
			}
		}(g)
	}
	wg.Wait()
	deadline := time.Now().Add(5 * time.Second) // a handed-off drain may still be writing
	var got string
	var writes int
	for {
		got, writes = w.sinkState(sink)
		if strings.Count(got, "\n") == goroutines*perG || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	seen := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		var g, i int
		if _, err := fmt.Sscanf(l, "g=%d i=%d end", &g, &i); err != nil {
			t.Fatalf("torn or interleaved line %q: %v", l, err)
		}
		seen[l] = true
	}
	if len(seen) != goroutines*perG {
		t.Fatalf("got %d distinct lines, want %d", len(seen), goroutines*perG)
	}
	if writes >= goroutines*perG {
		t.Fatalf("%d lines took %d writes: nothing was batched", goroutines*perG, writes)
	}
}

// sinkState waits for the writer to be idle, then reads the sink.
func (b *batchWriter) sinkState(s *slowSink) (string, int) {
	b.mu.Lock()
	idle := !b.busy && len(b.pending) == 0
	b.mu.Unlock()
	if !idle {
		return "", 0
	}
	return s.snapshot()
}

func TestBatchWriterReportsWriteError(t *testing.T) {
	boom := errors.New("disk full")
	w := newBatchWriter(&slowSink{err: boom})
	if _, err := w.Write([]byte("x\n")); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	// the writer is usable again afterwards
	if _, err := w.Write([]byte("y\n")); !errors.Is(err, boom) {
		t.Fatalf("second err = %v, want %v", err, boom)
	}
}
