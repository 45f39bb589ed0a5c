package rpc

import (
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/gee-project/gee/rpc/codec"
	"github.com/gee-project/gee/rpc/protocol"
)

// frameWriter coalesces frames from many goroutines into few syscalls:
// frames are encoded into a shared buffer, and whichever goroutine finds no
// write in progress becomes the writer and drains the buffer, including
// frames that others append while its syscall runs.
type frameWriter struct {
	w io.Writer
	// timeout, when set and w has write deadlines, bounds each write: a
	// peer that stops reading for that long breaks the connection.
	timeout time.Duration
	until   time.Time // current write deadline; only the writing goroutine touches it

	mu      sync.Mutex
	drained sync.Cond // signalled after each write, for puts waiting on a full buffer
	buf     []byte
	spare   []byte
	writing bool
	err     error
}

// encodeError is an encoding failure: the frame was dropped, the
// connection is still fine.
type encodeError struct{ err error }

func (e encodeError) Error() string { return e.err.Error() }
func (e encodeError) Unwrap() error { return e.err }

// put encodes one frame (header only when v is nil) and makes sure it is
// written. busy hints that other calls are in flight on the connection, so
// waiting a moment for their frames is worth it. A non-encodeError error
// means the connection is broken.
func (fw *frameWriter) put(h *protocol.Header, c codec.Codec, v any, gz, busy bool) error {
	if err := fw.begin(); err != nil {
		return err
	}
	start := len(fw.buf)
	var err error
	fw.buf, err = appendFrame(fw.buf, h, c, v, gz)
	if err != nil {
		fw.buf = fw.buf[:start]
		fw.mu.Unlock()
		return encodeError{err}
	}
	if fw.writing {
		fw.mu.Unlock()
		return nil
	}
	fw.writing = true
	if busy {
		// Let goroutines that are about to send run first, so one syscall
		// carries their frames too. Alone, we write at once: no added latency.
		fw.mu.Unlock()
		runtime.Gosched()
		fw.mu.Lock()
	}
	return fw.drainLocked()
}

// begin locks fw for appending a frame. A peer that stops reading must
// not make us buffer without bound: past maxBuffered, senders wait for the
// write in progress (TCP back-pressure reaches them instead of memory
// growth). On error fw is unlocked.
func (fw *frameWriter) begin() error {
	fw.mu.Lock()
	if fw.drained.L == nil {
		fw.drained.L = &fw.mu
	}
	for fw.writing && len(fw.buf) >= maxBuffered && fw.err == nil {
		fw.drained.Wait()
	}
	if fw.err != nil {
		err := fw.err
		fw.mu.Unlock()
		return err
	}
	return nil
}

// putAsync appends a frame and leaves the write to a background goroutine,
// so a goroutine sending many frames (a stream) batches them into few
// syscalls instead of waiting on each. It returns the frame's size after
// the length prefix.
func (fw *frameWriter) putAsync(h *protocol.Header, c codec.Codec, v any, gz bool) (int, error) {
	if err := fw.begin(); err != nil {
		return 0, err
	}
	start := len(fw.buf)
	var err error
	fw.buf, err = appendFrame(fw.buf, h, c, v, gz)
	if err != nil {
		fw.buf = fw.buf[:start]
		fw.mu.Unlock()
		return 0, encodeError{err}
	}
	n := len(fw.buf) - start - 4
	fw.kickLocked()
	return n, nil
}

// putRaw appends a frame whose body is already encoded and writes it in
// the background.
func (fw *frameWriter) putRaw(h *protocol.Header, body []byte) error {
	if err := fw.begin(); err != nil {
		return err
	}
	var start int
	fw.buf, start = protocol.StartFrame(fw.buf, h)
	fw.buf = protocol.FinishFrame(append(fw.buf, body...), start)
	fw.kickLocked()
	return nil
}

// kickLocked starts a background writer unless one runs; it unlocks mu.
func (fw *frameWriter) kickLocked() {
	if !fw.writing {
		fw.writing = true
		go fw.drainRest()
	}
	fw.mu.Unlock()
}

// drainLocked writes the buffer once; called with mu held, returns with it
// released. Frames that arrived meanwhile go to a fresh goroutine, so a
// caller that happened to become the writer is not held hostage by other
// callers' traffic (that would show up as tail latency).
func (fw *frameWriter) drainLocked() error {
	err := fw.writeOnceLocked()
	if err == nil && len(fw.buf) > 0 {
		go fw.drainRest()
		fw.mu.Unlock()
		return nil
	}
	fw.writing = false
	fw.mu.Unlock()
	return err
}

func (fw *frameWriter) drainRest() {
	fw.mu.Lock()
	for len(fw.buf) > 0 && fw.writeOnceLocked() == nil {
	}
	fw.writing = false
	fw.mu.Unlock()
}

// writeOnceLocked writes what is buffered, releasing mu during the
// syscall. A write error is sticky: every later put fails with it.
func (fw *frameWriter) writeOnceLocked() error {
	out := fw.buf
	fw.buf = fw.spare[:0]
	fw.mu.Unlock()
	if fw.timeout > 0 {
		fw.armWrite()
	}
	_, err := fw.w.Write(out)
	fw.mu.Lock()
	fw.spare = nil
	if cap(out) <= 1<<20 {
		fw.spare = out[:0]
	}
	if err != nil {
		fw.err, fw.buf = err, nil
	}
	if fw.drained.L != nil {
		fw.drained.Broadcast()
	}
	return err
}

type writeDeadliner interface{ SetWriteDeadline(time.Time) error }

// armWrite makes sure at least half the timeout remains for the coming
// write. Re-arming only then saves a timer update per write, so a blocked
// write fails after between half and all of the timeout.
func (fw *frameWriter) armWrite() {
	wd, ok := fw.w.(writeDeadliner)
	if now := time.Now(); ok && now.Add(fw.timeout/2).After(fw.until) {
		fw.until = now.Add(fw.timeout)
		_ = wd.SetWriteDeadline(fw.until)
	}
}

// maxBuffered is how many encoded bytes may wait behind a write in progress
// before senders block.
const maxBuffered = 1 << 20

// appendFrame appends a whole frame with header h and body v to dst.
func appendFrame(dst []byte, h *protocol.Header, c codec.Codec, v any, gz bool) ([]byte, error) {
	if v == nil {
		dst, start := protocol.StartFrame(dst, h)
		return protocol.FinishFrame(dst, start), nil
	}
	if gz {
		raw, err := c.Marshal(nil, v)
		if err != nil {
			return dst, err
		}
		h.Flags |= protocol.FlagGzip
		dst, start := protocol.StartFrame(dst, h)
		return protocol.FinishFrame(gzipAppend(dst, raw), start), nil
	}
	dst, start := protocol.StartFrame(dst, h)
	dst, err := c.Marshal(dst, v)
	if err != nil {
		return dst, err
	}
	return protocol.FinishFrame(dst, start), nil
}
