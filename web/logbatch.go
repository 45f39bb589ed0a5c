package web

import (
	"io"
	"sync"
)

// batchWriter is the default log output: group commit instead of one write
// syscall per request. An idle writer writes a line at once; lines that
// arrive while a write is in flight join the next batch, so under load a few
// syscalls carry many lines, and no line ever waits on a timer.
type batchWriter struct {
	w       io.Writer
	mu      sync.Mutex
	pending []byte // lines waiting for the next write
	spare   []byte // the buffer being written, reused for the batch after
	busy    bool   // a goroutine is draining; new lines only join pending
}

// handoffRounds bounds how many batches one request writes for others before
// a goroutine takes over the rest.
const handoffRounds = 4

// maxKeptBuffer caps the memory a burst may leave behind in the buffers.
const maxKeptBuffer = 1 << 20

func newBatchWriter(w io.Writer) *batchWriter { return &batchWriter{w: w} }

// Write queues p (one whole line, copied) and, unless a write is already in
// flight, writes everything queued. It never splits p, so lines never interleave.
func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.pending = append(b.pending, p...)
	if b.busy {
		b.mu.Unlock()
		return len(p), nil
	}
	b.busy = true
	b.mu.Unlock()
	return len(p), b.drain(handoffRounds)
}

// drain writes batches until none is pending; after rounds batches (when
// rounds >= 0) it hands what is left to a new goroutine.
func (b *batchWriter) drain(rounds int) error {
	var first error
	for i := 0; ; i++ {
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.busy = false
			b.mu.Unlock()
			return first
		}
		if i == rounds {
			b.mu.Unlock()
			go b.drain(-1)
			return first
		}
		batch := b.pending
		b.pending = b.spare[:0]
		b.mu.Unlock()
		if _, err := b.w.Write(batch); err != nil && first == nil {
			first = err
		}
		b.mu.Lock()
		if cap(batch) <= maxKeptBuffer {
			b.spare = batch[:0]
		} else {
			b.spare = nil
		}
		b.mu.Unlock()
	}
}
