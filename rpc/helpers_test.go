package rpc

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

type Args struct {
	A, B int64
	S    string
}

// Arith is the test service; observed reports handler-side cancellations.
type Arith struct {
	observed chan error
	started  chan struct{}
}

func (a *Arith) Add(ctx context.Context, args Args, reply *int64) error {
	*reply = args.A + args.B
	return nil
}

func (a *Arith) Echo(args *Args, reply *Args) error { // context-free net/rpc form
	*reply = *args
	return nil
}

func (a *Arith) Fail(ctx context.Context, msg string, reply *int) error { return errors.New(msg) }

func (a *Arith) Panic(ctx context.Context, msg string, reply *int) error { panic(msg) }

// Sleep returns after d unless cancelled first.
func (a *Arith) Sleep(ctx context.Context, d time.Duration, reply *bool) error {
	select {
	case <-time.After(d):
		*reply = true
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Block waits for cancellation and reports it on observed.
func (a *Arith) Block(ctx context.Context, _ int, reply *bool) error {
	if a.started != nil {
		a.started <- struct{}{}
	}
	select {
	case <-ctx.Done():
		if a.observed != nil {
			a.observed <- ctx.Err()
		}
		return ctx.Err()
	case <-time.After(10 * time.Second):
		return errors.New("never cancelled")
	}
}

func (a *Arith) Deadline(ctx context.Context, _ int, left *time.Duration) error {
	dl, ok := ctx.Deadline()
	if !ok {
		return errors.New("no deadline")
	}
	*left = time.Until(dl)
	return nil
}

func (a *Arith) Meta(ctx context.Context, key string, reply *string) error {
	*reply = MetadataFrom(ctx)[key]
	return nil
}

// syncBuf is a goroutine-safe log sink.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// startServer serves a new Arith on 127.0.0.1 and closes it at cleanup.
func startServer(t *testing.T, opts ...ServerOption) (*Server, *Arith, string) {
	t.Helper()
	s := NewServer(append([]ServerOption{WithLogger(quietLogger())}, opts...)...)
	a := &Arith{observed: make(chan error, 4)}
	if err := s.Register(a); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return s, a, l.Addr().String()
}

func dialT(t *testing.T, addr string, opts ...DialOption) *Client {
	t.Helper()
	c, err := Dial("tcp", addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func log0(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func startServerB(b *testing.B, s *Server) (*Server, *Arith, string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go s.Serve(l)
	b.Cleanup(func() { s.Close() })
	return s, nil, l.Addr().String()
}
