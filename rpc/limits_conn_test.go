package rpc

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/rpc/codec"
	"github.com/gee-project/gee/rpc/protocol"
)

// closedWithin reports whether the server closes c within d (reads drain
// whatever it sends first).
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func rawDial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func optionBytes() []byte {
	b, _ := protocol.AppendOption(nil, protocol.Option{Codec: "binary"})
	return b
}

func TestDefaultLimitsAreDocumented(t *testing.T) {
	s := NewServer()
	want := limits{handshake: 10 * time.Second, frame: 30 * time.Second, idle: 5 * time.Minute, write: 30 * time.Second,
		maxConns: 10000, maxCalls: 10000, perConn: 1000}
	if s.lim != want {
		t.Fatalf("defaults %+v, docs/rpc.md says %+v", s.lim, want)
	}
}

func TestHandshakeTimeout(t *testing.T) {
	_, _, addr := startServer(t, WithHandshakeTimeout(100*time.Millisecond))
	silent := rawDial(t, addr)
	partial := rawDial(t, addr)
	partial.Write([]byte("GEER\x01"))
	for name, c := range map[string]net.Conn{"silent": silent, "partial option": partial} {
		if !closedWithin(c, 5*time.Second) {
			t.Errorf("%s connection not closed after the handshake timeout", name)
		}
	}
	if !closedWithin(rawDial(t, addr), 5*time.Second) {
		t.Fatal("unreachable")
	}
}

func TestFrameTimeoutCutsOffTricklingFrames(t *testing.T) {
	_, _, addr := startServer(t, WithFrameTimeout(150*time.Millisecond), WithIdleTimeout(time.Minute))
	c := rawDial(t, addr)
	c.Write(append(optionBytes(), 0, 0)) // half a length prefix, then nothing
	if !closedWithin(c, 5*time.Second) {
		t.Fatal("a frame that never completes kept its connection")
	}
	// Silence between frames is idleness, not a slow frame.
	cl := dialT(t, addr)
	var sum int64
	for i := 0; i < 2; i++ {
		if err := cl.Call(ctxT(t), "Arith.Add", Args{A: 1, B: 2}, &sum); err != nil || sum != 3 {
			t.Fatalf("call %d: %v", i, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func TestIdleTimeout(t *testing.T) {
	s, _, addr := startServer(t, WithIdleTimeout(150*time.Millisecond))
	c := rawDial(t, addr)
	c.Write(optionBytes())
	if !closedWithin(c, 5*time.Second) {
		t.Fatal("idle connection not closed")
	}
	// A call longer than the idle timeout is not idleness.
	cl := dialT(t, addr)
	var ok bool
	if err := cl.Call(ctxT(t), "Arith.Sleep", 500*time.Millisecond, &ok); err != nil || !ok {
		t.Fatalf("long call on an otherwise silent connection: %v", err)
	}
	// Once the call is over and the client silent, the connection goes.
	start := time.Now()
	for s.mu.Lock(); len(s.conns) > 0; s.mu.Lock() {
		s.mu.Unlock()
		if time.Since(start) > 5*time.Second {
			t.Fatal("connection kept after its calls ended and it fell silent")
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.mu.Unlock()
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Fatalf("closed %v after the last call, before the idle timeout", waited)
	}
}

func TestMaxConns(t *testing.T) {
	s, _, addr := startServer(t, WithMaxConns(2))
	a, b := rawDial(t, addr), rawDial(t, addr)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections registered", n)
		}
	}
	if !closedWithin(rawDial(t, addr), 5*time.Second) {
		t.Fatal("third connection accepted over the limit of 2")
	}
	if closedWithin(a, 100*time.Millisecond) || closedWithin(b, 10*time.Millisecond) {
		t.Fatal("connections within the limit were closed")
	}
	a.Close()
	// The server frees the slot when its read on a fails; dialing before that is over the limit.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections registered 5s after one of two closed", n)
		}
	}
	cl := dialT(t, addr)
	var sum int64
	if err := cl.Call(ctxT(t), "Arith.Add", Args{A: 2}, &sum); err != nil {
		t.Fatalf("a freed slot was not reused: %v", err)
	}
}

func TestMaxCallsPerConnRefusesRetryably(t *testing.T) {
	_, a, addr := startServer(t, WithMaxCalls(0, 2))
	a.started = make(chan struct{}, 4)
	cl := dialT(t, addr)
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); var ok bool; cl.Call(ctx, "Arith.Block", 0, &ok) }()
		<-a.started
	}
	var sum int64
	err := cl.Call(ctxT(t), "Arith.Add", Args{A: 1}, &sum)
	if !errors.Is(err, ErrServerOverloaded) || !IsTransportError(err) {
		t.Fatalf("third call on a connection limited to 2: %v (want retryable ErrServerOverloaded)", err)
	}
	// Another connection has its own allowance.
	if err := dialT(t, addr).Call(ctxT(t), "Arith.Add", Args{A: 1}, &sum); err != nil {
		t.Fatalf("second connection: %v", err)
	}
	cancel()
	wg.Wait()
	// The handlers see the cancel frames shortly after; then there is room again.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		err := cl.Call(ctxT(t), "Arith.Add", Args{A: 1}, &sum)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrServerOverloaded) || time.Now().After(deadline) {
			t.Fatalf("after the slow calls ended: %v", err)
		}
	}
}

// Slow is a service that counts how many of its calls run at once.
type Slow struct{ running, peak atomic.Int64 }

func (s *Slow) Wait(ctx context.Context, d time.Duration, ok *bool) error {
	n := s.running.Add(1)
	defer s.running.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	select {
	case <-time.After(d):
		*ok = true
	case <-ctx.Done():
	}
	return nil
}

func TestTenThousandSlowCallsStayBounded(t *testing.T) {
	const limit, calls, conns = 200, 10000, 4
	s := NewServer(WithLogger(quietLogger()), WithMaxCalls(limit, 0))
	slow := &Slow{}
	if err := s.Register(slow); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	defer s.Close()
	clients := make([]*Client, conns)
	for i := range clients {
		clients[i] = dialT(t, l.Addr().String())
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	var ok, refused, other atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(c *Client) {
			defer wg.Done()
			var done bool
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // generous: a loaded machine under -race
			defer cancel()
			switch err := c.Call(ctx, "Slow.Wait", 300*time.Millisecond, &done); {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ErrServerOverloaded) && IsTransportError(err):
				refused.Add(1)
			default:
				other.Add(1)
				t.Log(err)
			}
		}(clients[i%conns])
	}
	time.Sleep(150 * time.Millisecond) // the admitted calls are running now
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	wg.Wait()

	if p := slow.peak.Load(); p > limit {
		t.Errorf("%d handlers ran at once, limit %d", p, limit)
	}
	if ok.Load()+refused.Load() != calls || other.Load() != 0 || refused.Load() == 0 || ok.Load() == 0 {
		t.Errorf("%d ok, %d refused as overloaded, %d other errors", ok.Load(), refused.Load(), other.Load())
	}
	// Server goroutines (and their stacks) are what unbounded admission grows.
	if grew := int64(during.StackInuse) - int64(before.StackInuse); grew > 64<<20 {
		t.Errorf("stacks grew by %d MiB during 10,000 slow calls", grew>>20)
	}
	t.Logf("%d ok, %d refused; peak %d handlers; stack +%d KiB, heap +%d KiB", ok.Load(), refused.Load(),
		slow.peak.Load(), (int64(during.StackInuse)-int64(before.StackInuse))>>10, (int64(during.HeapInuse)-int64(before.HeapInuse))>>10)
}

func TestDeclaredFramesDoNotPinMemory(t *testing.T) {
	_, _, addr := startServer(t)
	const n = 64
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		c := rawDial(t, addr)
		c.Write(append(optionBytes(), append([]byte{0, 0x40, 0, 0}, make([]byte, 27)...)...)) // declares 4 MiB, sends 27 bytes
	}
	time.Sleep(300 * time.Millisecond)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 32<<20 {
		t.Fatalf("%d connections that declared 4 MiB frames pinned %d MiB", n, grew>>20)
	}
}

// A client that sends requests and never reads replies must not make the
// server buffer replies without bound.
func TestUnreadRepliesAreBounded(t *testing.T) {
	s, _, addr := startServer(t)
	c := rawDial(t, addr)
	c.(*net.TCPConn).SetReadBuffer(4096)
	big := Args{S: string(make([]byte, 32<<10))}
	if _, err := c.Write(optionBytes()); err != nil {
		t.Fatal(err)
	}
	var req []byte
	go func() {
		for i := 0; i < 2000; i++ { // 64 MB of replies if all were kept
			h := protocol.Header{Kind: protocol.KindRequest, Seq: uint64(i + 1), Method: "Arith.Echo"}
			req, _ = appendFrame(req[:0], &h, codec.Binary{}, &big, false)
			if _, err := c.Write(req); err != nil {
				return
			}
		}
	}()
	peak := 0
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		s.mu.Lock()
		for sc := range s.conns {
			sc.fw.mu.Lock()
			peak = max(peak, len(sc.fw.buf))
			sc.fw.mu.Unlock()
		}
		s.mu.Unlock()
	}
	if peak > maxBuffered+64<<10 {
		t.Fatalf("server buffered %d bytes of unread replies", peak)
	}
	t.Logf("peak reply buffer %d KiB", peak>>10)
}

// A client that never reads loses its connection after the write timeout,
// releasing the handlers waiting to reply.
func TestWriteTimeoutReleasesAStalledConnection(t *testing.T) {
	s, _, addr := startServer(t, WithWriteTimeout(200*time.Millisecond))
	c := rawDial(t, addr)
	c.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := c.Write(optionBytes()); err != nil {
		t.Fatal(err)
	}
	big := Args{S: string(make([]byte, 64<<10))}
	var req []byte
	for i := 0; i < 200; i++ { // 12.8 MB of replies: far more than socket buffers hold
		h := protocol.Header{Kind: protocol.KindRequest, Seq: uint64(i + 1), Method: "Arith.Echo"}
		req, _ = appendFrame(req[:0], &h, codec.Binary{}, &big, false)
		c.SetWriteDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Write(req); err != nil {
			break // the server stopped reading (back-pressure) or closed
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 0 && s.active.Load() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections, %d calls still held by a client that never reads", n, s.active.Load())
		}
	}
}
