package tracing

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/gee-project/gee/rpc"
)

type Calc struct{}

// Double also reports whether its context carries a span, and which trace.
func (Calc) Double(ctx context.Context, x int, r *int) error {
	*r = 2 * x
	return nil
}

func (Calc) Fail(ctx context.Context, x int, r *int) error { return errors.New("no") }

func TestTraceCrossesTheWire(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	s := rpc.NewServer(rpc.WithLogger(slog.New(slog.DiscardHandler)), rpc.WithServerInterceptors(Server(tp)))
	if err := s.Register(Calc{}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	defer s.Close()
	c, err := rpc.Dial("tcp", l.Addr().String(), rpc.WithClientInterceptors(Client(tp)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	root, rootSpan := tp.Tracer("test").Start(ctx, "root")
	var r int
	if err := c.Call(root, "Calc.Double", 4, &r); err != nil || r != 8 {
		t.Fatal(err)
	}
	c.Call(root, "Calc.Fail", 0, &r)
	rootSpan.End()

	spans := rec.Ended()
	byKind := map[trace.SpanKind][]sdktrace.ReadOnlySpan{}
	for _, sp := range spans {
		byKind[sp.SpanKind()] = append(byKind[sp.SpanKind()], sp)
	}
	if len(byKind[trace.SpanKindClient]) != 2 || len(byKind[trace.SpanKindServer]) != 2 {
		t.Fatalf("%d spans: %v", len(spans), byKind)
	}
	traceID := rootSpan.SpanContext().TraceID()
	for i, cs := range byKind[trace.SpanKindClient] {
		ss := byKind[trace.SpanKindServer][i]
		if cs.SpanContext().TraceID() != traceID || ss.SpanContext().TraceID() != traceID {
			t.Fatalf("spans left the caller's trace")
		}
		if ss.Parent().SpanID() != cs.SpanContext().SpanID() {
			t.Fatalf("server span %s is not a child of client span %s", ss.Name(), cs.Name())
		}
	}
	if fail := byKind[trace.SpanKindServer][1]; fail.Name() != "Calc.Fail" || fail.Status().Description != "no" {
		t.Fatalf("failed call's span: %s %+v", fail.Name(), fail.Status())
	}
}

// BenchmarkOverhead compares calls without tracing (no interceptors: the
// chain is empty) and with both interceptors tracing every call.
func BenchmarkOverhead(b *testing.B) {
	run := func(b *testing.B, sopts []rpc.ServerOption, copts []rpc.DialOption) {
		s := rpc.NewServer(append(sopts, rpc.WithLogger(slog.New(slog.DiscardHandler)))...)
		if err := s.Register(Calc{}); err != nil {
			b.Fatal(err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go s.Serve(l)
		defer s.Close()
		c, err := rpc.Dial("tcp", l.Addr().String(), copts...)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var r int
			for pb.Next() {
				if err := c.Call(context.Background(), "Calc.Double", 21, &r); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.Run("off", func(b *testing.B) { run(b, nil, nil) })
	b.Run("on", func(b *testing.B) {
		tp := sdktrace.NewTracerProvider() // every span sampled and built, none exported
		run(b, []rpc.ServerOption{rpc.WithServerInterceptors(Server(tp))}, []rpc.DialOption{rpc.WithClientInterceptors(Client(tp))})
	})
}
