package middleware

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gee-project/gee/web"
)

// ErrTimedOut is returned by writes after the Timeout middleware answered.
var ErrTimedOut = errors.New("middleware: handler timed out")

// Timeout gives the rest of the chain d to finish. Its request context
// gets the deadline; output is buffered, and if d passes first the client
// gets 503 {"error":"timeout"} at once. The middleware still waits for the
// handler to return before releasing the pooled Context (unlike gin's
// timeout, which lets a late handler scribble on a recycled context), so
// handlers should watch c.Done(). A panic in the handler is re-raised here,
// so Recovery placed before Timeout still catches it.
func Timeout(d time.Duration) web.HandlerFunc {
	return func(c *web.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), d)
		defer cancel()
		orig, req := c.Writer, c.Request
		tw := &timeoutWriter{h: orig.Header().Clone(), status: http.StatusOK}
		c.Writer, c.Request = tw, req.WithContext(ctx)
		done := make(chan any, 1)
		go func() {
			defer func() { done <- recover() }()
			c.Next()
		}()
		select {
		case p := <-done:
			c.Writer, c.Request = orig, req
			if p != nil {
				panic(p)
			}
			tw.copyTo(orig)
		case <-ctx.Done():
			tw.expire()
			// Answer through orig, not c.Writer: the handler goroutine still reads c's fields.
			orig.Header().Set("Content-Type", "application/json; charset=utf-8")
			orig.WriteHeader(http.StatusServiceUnavailable)
			_, _ = orig.WriteString(`{"error":"timeout"}`)
			orig.Flush()
			<-done
			c.Writer, c.Request = orig, req
			c.Abort()
		}
	}
}

// timeoutWriter buffers the handler's response until it is known to have
// finished in time.
type timeoutWriter struct {
	mu       sync.Mutex
	h        http.Header
	buf      bytes.Buffer
	status   int
	wrote    bool
	timedOut bool
}

func (t *timeoutWriter) expire() {
	t.mu.Lock()
	t.timedOut = true
	t.mu.Unlock()
}

func (t *timeoutWriter) copyTo(w web.ResponseWriter) {
	t.mu.Lock()
	defer t.mu.Unlock()
	dst := w.Header()
	for k := range dst {
		if _, ok := t.h[k]; !ok {
			delete(dst, k)
		}
	}
	for k, v := range t.h {
		dst[k] = v
	}
	w.WriteHeader(t.status)
	w.WriteHeaderNow()
	_, _ = w.Write(t.buf.Bytes())
}

func (t *timeoutWriter) Header() http.Header { return t.h }

func (t *timeoutWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timedOut {
		return 0, ErrTimedOut
	}
	t.wrote = true
	return t.buf.Write(b)
}

func (t *timeoutWriter) WriteString(s string) (int, error) { return t.Write([]byte(s)) }

func (t *timeoutWriter) WriteHeader(code int) {
	t.mu.Lock()
	if !t.wrote && code > 0 {
		t.status = code
	}
	t.mu.Unlock()
}

func (t *timeoutWriter) WriteHeaderNow() {
	t.mu.Lock()
	t.wrote = true
	t.mu.Unlock()
}

func (t *timeoutWriter) Status() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status
}

func (t *timeoutWriter) Size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.wrote {
		return -1
	}
	return t.buf.Len()
}

func (t *timeoutWriter) Written() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.wrote
}

func (t *timeoutWriter) Flush()                      {}
func (t *timeoutWriter) Unwrap() http.ResponseWriter { return nil }
func (t *timeoutWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("middleware: cannot hijack under Timeout")
}
