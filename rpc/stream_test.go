package rpc

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/rpc/codec"
	"github.com/gee-project/gee/rpc/protocol"
)

// Streamer is the streaming test service.
type Streamer struct {
	sent     atomic.Int64 // messages Flood managed to send
	observed chan error   // how Flood and Hold ended
	started  chan struct{}
}

// report tells the test a handler started (nil) or how it ended, never
// blocking (the fuzz target runs these handlers with nobody listening).
func (s *Streamer) report(err error) {
	ch := s.observed
	if err == nil {
		ch = nil
		if s.started != nil {
			select {
			case s.started <- struct{}{}:
			default:
			}
		}
		return
	}
	select {
	case ch <- err:
	default:
	}
}

// Count receives n and sends 0..n-1 (server streaming).
func (s *Streamer) Count(ctx context.Context, st *Stream) error {
	var n int
	if err := st.Recv(&n); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := st.Send(i); err != nil {
			return err
		}
	}
	return nil
}

// Sum adds every number received and sends the total (client streaming).
func (s *Streamer) Sum(ctx context.Context, st *Stream) error {
	total := 0
	for {
		var x int
		err := st.Recv(&x)
		if err == io.EOF {
			return st.Send(total)
		}
		if err != nil {
			return err
		}
		total += x
	}
}

// Echo sends back every message (bidirectional).
func (s *Streamer) Echo(ctx context.Context, st *Stream) error {
	for {
		var msg string
		err := st.Recv(&msg)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := st.Send(msg); err != nil {
			return err
		}
	}
}

// Fail receives one message and fails.
func (s *Streamer) Fail(ctx context.Context, st *Stream) error {
	var msg string
	st.Recv(&msg)
	return errors.New("refused: " + msg)
}

// Flood sends 1 KiB messages until Send fails.
func (s *Streamer) Flood(ctx context.Context, st *Stream) error {
	msg := strings.Repeat("f", 1024)
	s.report(nil)
	for {
		if err := st.Send(msg); err != nil {
			s.report(err)
			return err
		}
		s.sent.Add(1)
	}
}

// Hold waits for cancellation, reading nothing.
func (s *Streamer) Hold(ctx context.Context, st *Stream) error {
	s.report(nil)
	<-ctx.Done()
	s.report(ctx.Err())
	return ctx.Err()
}

// Deadline reports the stream context's remaining time.
func (s *Streamer) Deadline(ctx context.Context, st *Stream) error {
	dl, ok := ctx.Deadline()
	if !ok {
		return errors.New("no deadline")
	}
	return st.Send(time.Until(dl))
}

func startStreamServer(t *testing.T, opts ...ServerOption) (*Server, *Streamer, string) {
	s, _, addr := startServer(t, opts...)
	sv := &Streamer{observed: make(chan error, 4), started: make(chan struct{}, 4)}
	if err := s.Register(sv); err != nil {
		t.Fatal(err)
	}
	return s, sv, addr
}

func TestStreamingKinds(t *testing.T) {
	_, _, addr := startStreamServer(t)
	c := dialT(t, addr)
	ctx := ctxT(t)

	st, err := c.NewStream(ctx, "Streamer.Count") // server streaming
	if err != nil {
		t.Fatal(err)
	}
	st.Send(5000)
	st.CloseSend()
	for want := 0; ; want++ {
		var got int
		err := st.Recv(&got)
		if err == io.EOF && want == 5000 {
			break
		}
		if err != nil || got != want {
			t.Fatalf("message %d: got %d, %v", want, got, err)
		}
	}

	st, _ = c.NewStream(ctx, "Streamer.Sum") // client streaming
	for i := 1; i <= 1000; i++ {
		if err := st.Send(i); err != nil {
			t.Fatal(err)
		}
	}
	st.CloseSend()
	var total int
	if err := st.Recv(&total); err != nil || total != 500500 {
		t.Fatalf("sum %d, %v", total, err)
	}
	if err := st.Recv(&total); err != io.EOF {
		t.Fatalf("after the result: %v", err)
	}

	st, _ = c.NewStream(ctx, "Streamer.Echo") // bidirectional, 4 MiB through a 256 KiB window
	big := strings.Repeat("e", 1024)
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 4096; i++ {
			if err := st.Send(big); err != nil {
				done <- err
				return
			}
		}
		done <- st.CloseSend()
	}()
	n := 0
	for {
		var msg string
		err := st.Recv(&msg)
		if err == io.EOF {
			break
		}
		if err != nil || msg != big {
			t.Fatalf("echo %d: %v", n, err)
		}
		n++
	}
	if err := <-done; err != nil || n != 4096 {
		t.Fatalf("echoed %d of 4096: %v", n, err)
	}
}

// A stream whose reader stalls stops its sender at the window, and the
// connection's other calls and streams go on.
func TestStreamSlowReaderBlocksOnlyItsStream(t *testing.T) {
	_, sv, addr := startStreamServer(t)
	c := dialT(t, addr)
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	flood, err := c.NewStream(ctx, "Streamer.Flood")
	if err != nil {
		t.Fatal(err)
	}
	<-sv.started
	var last int64 = -1
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		n := sv.sent.Load()
		if n == last {
			break // the sender is blocked
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server kept sending to a reader that reads nothing: %d messages", n)
		}
		last = n
	}
	if max := int64(DefaultStreamWindow/1024) + 2; last > max {
		t.Fatalf("sender got %d messages ahead of a stalled reader, window allows %d", last, max)
	}
	// Unary calls and another stream still work on the same connection.
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{A: 1, B: 2}, &sum); err != nil || sum != 3 {
		t.Fatalf("unary call next to a stalled stream: %v", err)
	}
	echo, _ := c.NewStream(ctxT(t), "Streamer.Echo")
	echo.Send("hi")
	var got string
	if err := echo.Recv(&got); err != nil || got != "hi" {
		t.Fatalf("second stream next to a stalled one: %q %v", got, err)
	}
	echo.CloseSend()
	// Reading resumes the flow.
	for i := 0; i < 1000; i++ {
		var msg string
		if err := flood.Recv(&msg); err != nil {
			t.Fatalf("resumed read %d: %v", i, err)
		}
	}
	if sv.sent.Load() <= last {
		t.Fatal("the sender did not resume after the reader did")
	}
	cancel()
	select {
	case err := <-sv.observed:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("server saw %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server's sender never noticed the client cancelled")
	}
}

// The client's Send blocks at the window while the server does not read.
func TestStreamBackPressureOnClient(t *testing.T) {
	_, sv, addr := startStreamServer(t)
	c := dialT(t, addr)
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	st, _ := c.NewStream(ctx, "Streamer.Hold")
	<-sv.started
	var sent atomic.Int64
	blocked := make(chan error, 1)
	go func() {
		msg := strings.Repeat("c", 1024)
		for {
			if err := st.Send(msg); err != nil {
				blocked <- err
				return
			}
			sent.Add(1)
		}
	}()
	time.Sleep(300 * time.Millisecond)
	if n := sent.Load(); n > int64(DefaultStreamWindow/1024)+2 || n == 0 {
		t.Fatalf("client sent %d messages to a server reading none", n)
	}
	cancel()
	select {
	case err := <-blocked:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("blocked Send ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not unblock Send")
	}
	if err := <-sv.observed; !errors.Is(err, context.Canceled) {
		t.Fatalf("server handler saw %v", err)
	}
}

func TestStreamServerEndsEarly(t *testing.T) {
	_, _, addr := startStreamServer(t)
	c := dialT(t, addr)
	st, _ := c.NewStream(ctxT(t), "Streamer.Fail")
	st.Send("x")
	var s string
	err := st.Recv(&s)
	var se ServerError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "refused: x") {
		t.Fatalf("Recv after the server failed: %v", err)
	}
	// Sending into the ended stream fails instead of blocking, even past the window.
	msg := strings.Repeat("x", 64<<10)
	for i := 0; ; i++ {
		if err := st.Send(msg); err == io.EOF {
			break
		} else if err != nil || i > 100 {
			t.Fatalf("Send after the server ended: %v (attempt %d)", err, i)
		}
	}
}

func TestStreamCancelledByClientReachesHandler(t *testing.T) {
	_, sv, addr := startStreamServer(t)
	c := dialT(t, addr)
	ctx, cancel := context.WithCancel(ctxT(t))
	st, _ := c.NewStream(ctx, "Streamer.Hold")
	<-sv.started
	cancel()
	if err := <-sv.observed; !errors.Is(err, context.Canceled) {
		t.Fatalf("handler saw %v", err)
	}
	var x int
	if err := st.Recv(&x); !errors.Is(err, context.Canceled) {
		t.Fatalf("client Recv after cancel: %v", err)
	}
}

func TestStreamDeadlineAndErrors(t *testing.T) {
	s, _, addr := startStreamServer(t)
	c := dialT(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, _ := c.NewStream(ctx, "Streamer.Deadline")
	var left time.Duration
	if err := st.Recv(&left); err != nil || left <= 0 || left > 5*time.Second {
		t.Fatalf("deadline at the server: %v, %v", left, err)
	}
	if err := c.Call(ctxT(t), "Streamer.Echo", "x", new(string)); err == nil || !strings.Contains(err.Error(), "streaming method") {
		t.Fatalf("unary call to a streaming method: %v", err)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"jsonrpc":"2.0","method":"Streamer.Echo","params":["x"],"id":1}`)))
	if !strings.Contains(w.Body.String(), `"code":-32601`) {
		t.Fatalf("JSON-RPC call to a streaming method: %s", w.Body.String())
	}
	st, _ = c.NewStream(ctxT(t), "Arith.Add")
	if err := st.Recv(new(int)); err == nil || !strings.Contains(err.Error(), "not a streaming method") {
		t.Fatalf("stream to a unary method: %v", err)
	}
	st, _ = c.NewStream(ctxT(t), "Streamer.Hold")
	s.Close()
	if err := st.Recv(new(int)); !errors.Is(err, ErrConnLost) {
		t.Fatalf("Recv when the server closes: %v", err)
	}
}

// A peer that ignores the window is cut off rather than buffered.
func TestStreamWindowOverrunClosesConnection(t *testing.T) {
	_, sv, addr := startStreamServer(t)
	c := rawDial(t, addr)
	b := optionBytes()
	h := protocol.Header{Kind: protocol.KindRequest, Flags: protocol.FlagStream, Seq: 1, Method: "Streamer.Hold"}
	b, _ = appendFrame(b, &h, nil, nil, false)
	c.Write(b)
	<-sv.started
	msg := strings.Repeat("o", 32<<10)
	for i := 0; i < (DefaultStreamWindow+protocol.DefaultMaxFrame)/len(msg)+4; i++ {
		h := protocol.Header{Kind: protocol.KindStreamMsg, Seq: 1}
		b, _ = appendFrame(b[:0], &h, codec.Binary{}, &msg, false)
		if _, err := c.Write(b); err != nil {
			break
		}
	}
	if !closedWithin(c, 5*time.Second) {
		t.Fatal("a peer overrunning its window kept its connection")
	}
	if err := <-sv.observed; !errors.Is(err, context.Canceled) {
		t.Fatalf("handler saw %v", err)
	}
}

// The client's stream context is cancelled when the server's end arrives;
// a Recv waiting at that moment must still get the messages and the end
// that came first, not the cancellation.
func TestStreamRecvPrefersDeliveredMessagesOverCancel(t *testing.T) {
	body, _ := codec.Binary{}.Marshal(nil, 7)
	for i := 0; i < 200; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		st := newStream(ctx, 1, "T.M", &frameWriter{w: io.Discard}, codec.Binary{}, false, 1<<20)
		got := make(chan error, 1)
		go func() {
			var x int
			err := st.Recv(&x)
			if err == nil && x != 7 {
				err = errors.New("wrong message")
			}
			got <- err
		}()
		time.Sleep(100 * time.Microsecond) // let Recv start waiting
		st.push(&protocol.Frame{Kind: protocol.KindStreamMsg, Seq: 1, Body: body}, len(body)+4)
		st.end(io.EOF, true, io.EOF)
		cancel()
		if err := <-got; err != nil {
			t.Fatalf("iteration %d: Recv = %v, want the delivered message", i, err)
		}
		if err := st.Recv(new(int)); err != io.EOF {
			t.Fatalf("iteration %d: after the message: %v, want io.EOF", i, err)
		}
	}
}
