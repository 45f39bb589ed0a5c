package rpc

import (
	"bufio"
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

func TestCallTimeoutCancelsHandler(t *testing.T) {
	_, a, addr := startServer(t)
	c := dialT(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var ok bool
	err := c.Call(ctx, "Arith.Block", 0, &ok)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want DeadlineExceeded, got %v", err)
	}
	select {
	case herr := <-a.observed:
		if !errors.Is(herr, context.DeadlineExceeded) && !errors.Is(herr, context.Canceled) {
			t.Fatalf("handler saw %v", herr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("handler never observed the deadline")
	}
}

func TestCancelReachesHandler(t *testing.T) {
	_, a, addr := startServer(t)
	a.started = make(chan struct{}, 1)
	c := dialT(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		var ok bool
		done <- c.Call(ctx, "Arith.Block", 0, &ok)
	}()
	<-a.started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("caller got %v", err)
	}
	select {
	case herr := <-a.observed:
		if !errors.Is(herr, context.Canceled) {
			t.Fatalf("handler saw %v", herr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancellation never reached the handler")
	}
	// An already cancelled context fails before sending.
	var ok bool
	if err := c.Call(ctx, "Arith.Add", Args{}, &ok); !errors.Is(err, context.Canceled) {
		t.Fatalf("pre-cancelled call: %v", err)
	}
}

func TestConnectTimeout(t *testing.T) {
	// A listener that accepts but never answers the HTTP CONNECT.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	_, err = DialHTTP("tcp", l.Addr().String(), WithConnectTimeout(100*time.Millisecond))
	var ne net.Error
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a timeout error, got %v", err)
	}
	if _, err := Dial("tcp", "127.0.0.1:1", WithConnectTimeout(time.Second)); err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
}

func TestKilledServerFailsPendingAndReconnects(t *testing.T) {
	s, a, addr := startServer(t)
	a.started = make(chan struct{}, 1)
	c := dialT(t, addr)
	done := make(chan error, 1)
	go func() {
		var ok bool
		done <- c.Call(ctxT(t), "Arith.Block", 0, &ok)
	}()
	<-a.started
	s.Close() // the server dies mid-call
	select {
	case err := <-done:
		if !errors.Is(err, ErrConnLost) {
			t.Fatalf("want ErrConnLost, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pending call hung after the server died")
	}
	// A new server on the same address: the next call redials.
	s2 := NewServer(WithLogger(quietLogger()))
	if err := s2.Register(&Arith{}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot rebind %s: %v", addr, err)
	}
	go s2.Serve(l)
	defer s2.Close()
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{A: 3, B: 4}, &sum); err != nil || sum != 7 {
		t.Fatalf("after reconnect: %d %v", sum, err)
	}
}

func TestGarbledFramesCloseConnection(t *testing.T) {
	logs := &syncBuf{}
	s := NewServer(WithLogger(log0(logs)), WithMaxFrame(1024))
	if err := s.Register(&Arith{}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	defer s.Close()
	for name, payload := range map[string]string{
		"bad magic":  "HTTP/1.1 GET\r\n\r\n",
		"oversized":  "GEER\x01\x00\x06binary\x7f\xff\xff\xff",
		"garbled":    "GEER\x01\x00\x06binary\x00\x00\x00\x03\x09\x00\x00",
		"truncated":  "GEER\x01\x00\x06binary\x00\x00\x00\x40\x00",
		"bad codec":  "GEER\x01\x00\x03xml",
		"bad header": "GEER\x01\x00\x06binary\x00\x00\x00\x04\x00\x00\x01\x09",
	} {
		conn, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conn.Write([]byte(payload))
		if name == "truncated" {
			conn.(*net.TCPConn).CloseWrite()
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := bufio.NewReader(conn).ReadByte(); err == nil || isTimeout(err) {
			t.Errorf("%s: connection not closed by server (%v)", name, err)
		}
		conn.Close()
	}
	c := dialT(t, l.Addr().String())
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{A: 1, B: 2}, &sum); err != nil || sum != 3 {
		t.Fatalf("server unusable after garbage: %v", err)
	}
	if out := logs.String(); !contains(out, "bad magic", "exceeds maximum", "unknown frame kind", "truncated frame", "unknown codec") {
		t.Fatalf("errors not logged:\n%s", out)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestKilledServerProcessMidCall(t *testing.T) {
	cmd, addr := startServerProcess(t)
	c := dialT(t, addr)
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{A: 1, B: 1}, &sum); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() {
			var ok bool
			done <- c.Call(ctxT(t), "Arith.Sleep", 30*time.Second, &ok)
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); pendingCalls(c) < 3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("calls never became pending")
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		select {
		case err := <-done:
			if !errors.Is(err, ErrConnLost) {
				t.Fatalf("pending call %d: want ErrConnLost, got %v", i, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("pending call hung after the server process was killed")
		}
	}
	if err := c.Call(ctxT(t), "Arith.Add", Args{}, &sum); !IsTransportError(err) {
		t.Fatalf("call to a dead server: %v", err)
	}
}

func pendingCalls(c *Client) int {
	c.mu.Lock()
	cc := c.conn
	c.mu.Unlock()
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return len(cc.pending)
}
