package rpc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestGunzipRefusesBombs(t *testing.T) {
	small := gzipAppend(nil, bytes.Repeat([]byte{'a'}, 1<<20)) // 1 MiB of 'a' compresses to ~1 KiB
	if _, err := gunzip(small, 64<<10); err == nil || !strings.Contains(err.Error(), "inflates past") {
		t.Fatalf("want inflation limit error, got %v", err)
	}
	out, err := gunzip(small, 2<<20)
	if err != nil || len(out) != 1<<20 {
		t.Fatalf("within limit: %d bytes, %v", len(out), err)
	}
	if _, err := gunzip([]byte("not gzip"), 1024); err == nil {
		t.Fatal("garbage accepted as gzip")
	}
}

func TestOversizedReplyFailsClearly(t *testing.T) {
	_, _, addr := startServer(t)
	c := dialT(t, addr, WithClientMaxFrame(4096))
	var out Args
	err := c.Call(ctxT(t), "Arith.Echo", &Args{S: strings.Repeat("x", 10000)}, &out)
	if !errors.Is(err, ErrConnLost) || !strings.Contains(err.Error(), "exceeds maximum") {
		t.Fatalf("want a lost connection naming the frame limit, got %v", err)
	}
	// The client redials and small calls work again.
	if err := c.Call(ctxT(t), "Arith.Echo", &Args{S: "small"}, &out); err != nil || out.S != "small" {
		t.Fatalf("after oversized reply: %v", err)
	}
}

func TestOversizedRequestIsRefusedByServer(t *testing.T) {
	_, _, addr := startServer(t, WithMaxFrame(4096))
	c := dialT(t, addr)
	var out Args
	if err := c.Call(ctxT(t), "Arith.Echo", &Args{S: strings.Repeat("x", 10000)}, &out); !errors.Is(err, ErrConnLost) {
		t.Fatalf("oversized request: %v", err)
	}
	if err := c.Call(ctxT(t), "Arith.Echo", &Args{S: "ok"}, &out); err != nil || out.S != "ok" {
		t.Fatalf("after oversized request: %v", err)
	}
}

func TestRedialWaitersHonourTheirContext(t *testing.T) {
	s := NewServer(WithLogger(quietLogger()))
	if err := s.Register(&Arith{}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	conns := make(chan net.Conn, 4)
	go func() { // serve the first connection, hold later ones silently
		first := true
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns <- c
			if first {
				first = false
				go func() {
					br := bufio.NewReader(c)
					if _, err := http.ReadRequest(br); err != nil {
						c.Close()
						return
					}
					io.WriteString(c, "HTTP/1.0 200 Connected\r\n\r\n")
					s.ServeConn(&bufferedConn{Conn: c, r: br})
				}()
			}
		}
	}()
	defer s.Close()
	c, err := DialHTTP("tcp", l.Addr().String(), WithConnectTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{A: 1}, &sum); err != nil {
		t.Fatal(err)
	}
	first := <-conns
	first.Close() // break the connection from the server side
	c.mu.Lock()
	cc := c.conn
	c.mu.Unlock()
	for deadline := time.Now().Add(5 * time.Second); !cc.broken(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("client never noticed the broken connection")
		}
	}
	slow := make(chan error, 1)
	go func() { slow <- c.Call(ctxT(t), "Arith.Add", Args{}, &sum) }() // its redial hangs on a silent peer
	for deadline, dialing := time.Now().Add(5*time.Second), false; !dialing; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the redial never started")
		}
		c.mu.Lock()
		dialing = c.dialing != nil
		c.mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.Call(ctx, "Arith.Add", Args{}, &sum); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for connection") {
		t.Fatalf("waiter: %v", err)
	}
	select {
	case err := <-slow:
		t.Fatalf("the dialing call should still be stuck, returned %v", err)
	default:
	}
	(<-conns).Close() // release the silent peer: the stuck dial fails now
	if err := <-slow; err == nil {
		t.Fatal("a call through a failed redial succeeded")
	}
}
