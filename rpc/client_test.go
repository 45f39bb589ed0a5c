package rpc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCallEveryCodec(t *testing.T) {
	_, _, addr := startServer(t)
	for _, tc := range []struct {
		name string
		opts []DialOption
	}{
		{"binary", nil}, {"gob", []DialOption{WithCodec("gob")}}, {"json", []DialOption{WithCodec("json")}},
		{"binary+gzip", []DialOption{WithGzip()}}, {"json+gzip", []DialOption{WithCodec("json"), WithGzip()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialT(t, addr, tc.opts...)
			var sum int64
			if err := c.Call(ctxT(t), "Arith.Add", Args{A: 2, B: 40}, &sum); err != nil || sum != 42 {
				t.Fatalf("Add = %d, %v", sum, err)
			}
			in := &Args{A: -1, B: 1 << 50, S: strings.Repeat("x", 5000)}
			var out Args
			if err := c.Call(ctxT(t), "Arith.Echo", in, &out); err != nil || out != *in {
				t.Fatalf("Echo = %+v, %v", out.A, err)
			}
		})
	}
}

func TestCallErrors(t *testing.T) {
	_, _, addr := startServer(t)
	c := dialT(t, addr)
	var n int
	err := c.Call(ctxT(t), "Arith.Fail", "bad thing", &n)
	var se ServerError
	if !errors.As(err, &se) || se.Error() != "bad thing" {
		t.Fatalf("Fail: %v", err)
	}
	if err := c.Call(ctxT(t), "Arith.Panic", "oops", &n); err == nil || !strings.Contains(err.Error(), "panic in Arith.Panic: oops") {
		t.Fatalf("Panic: %v", err)
	}
	if err := c.Call(ctxT(t), "Arith.Nope", 1, &n); err == nil || !strings.Contains(err.Error(), `can't find method "Arith.Nope"`) {
		t.Fatalf("unknown method: %v", err)
	}
	if err := c.Call(ctxT(t), "Arith.Add", "not args", &n); err == nil || !strings.Contains(err.Error(), "decoding arguments of Arith.Add") {
		t.Fatalf("bad args: %v", err)
	}
	// The connection survives all of the above.
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{A: 1, B: 1}, &sum); err != nil || sum != 2 {
		t.Fatalf("after errors: %d %v", sum, err)
	}
}

func TestConcurrentCallsAndGo(t *testing.T) {
	_, _, addr := startServer(t)
	c := dialT(t, addr)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				in := Args{A: int64(g), B: int64(i), S: fmt.Sprint(g, "/", i)}
				var out Args
				if err := c.Call(ctxT(t), "Arith.Echo", &in, &out); err != nil || out != in {
					errs <- fmt.Errorf("goroutine %d call %d: %+v %v", g, i, out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var replies [10]int64
	calls := make([]*AsyncCall, 10)
	for i := range calls {
		calls[i] = c.Go(ctxT(t), "Arith.Add", Args{A: int64(i), B: 1}, &replies[i], nil)
	}
	for i, call := range calls {
		<-call.Done
		if call.Error != nil || replies[i] != int64(i+1) {
			t.Fatalf("Go %d: %d %v", i, replies[i], call.Error)
		}
	}
}

func TestInterceptorsAndMetadata(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	_, _, addr := startServer(t, WithServerInterceptors(func(ctx context.Context, method string, args, reply any, next Handler) error {
		mu.Lock()
		seen = append(seen, method+":"+MetadataFrom(ctx)["who"])
		mu.Unlock()
		return next(ctx, method, args, reply)
	}))
	c := dialT(t, addr, WithClientInterceptors(func(ctx context.Context, method string, args, reply any, next Invoker) error {
		return next(WithMetadata(ctx, Metadata{"who": "interceptor"}), method, args, reply)
	}))
	var got string
	ctx := WithMetadata(ctxT(t), Metadata{"trace": "t-1"})
	if err := c.Call(ctx, "Arith.Meta", "trace", &got); err != nil || got != "t-1" {
		t.Fatalf("metadata trace = %q, %v", got, err)
	}
	if err := c.Call(ctx, "Arith.Meta", "who", &got); err != nil || got != "interceptor" {
		t.Fatalf("metadata who = %q, %v", got, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != "Arith.Meta:interceptor" {
		t.Fatalf("server interceptor saw %v", seen)
	}
}

func TestRegisterReportsInvalidMethods(t *testing.T) {
	s := NewServer()
	err := s.RegisterName("Bad", &badService{})
	if err == nil || !strings.Contains(err.Error(), "Bad.NoReplyPtr") || !strings.Contains(err.Error(), "Bad.NoError") {
		t.Fatalf("want both bad methods named, got %v", err)
	}
	if err := s.RegisterName("lower", &Arith{}); err == nil {
		t.Fatal("unexported service name accepted")
	}
	if err := s.Register(&Arith{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Register(&Arith{}); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Fatalf("duplicate: %v", err)
	}
}

type badService struct{}

func (badService) NoReplyPtr(a int, r int) error { return nil }
func (badService) NoError(a int, r *int)         {}

func TestDeadlineTravelsToServer(t *testing.T) {
	_, _, addr := startServer(t)
	c := dialT(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var left time.Duration
	if err := c.Call(ctx, "Arith.Deadline", 0, &left); err != nil || left <= 0 || left > 5*time.Second {
		t.Fatalf("server saw deadline in %v, %v", left, err)
	}
	if err := c.Call(ctxT(t), "Arith.Deadline", 0, &left); err != nil {
		t.Fatalf("ctxT has a deadline too: %v", err)
	}
	if err := c.Call(context.Background(), "Arith.Deadline", 0, &left); err == nil {
		t.Fatal("no deadline should reach the server as none")
	}
}
