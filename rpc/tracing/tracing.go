// Package tracing traces GeeRPC calls with OpenTelemetry through
// interceptors: the client starts a span and sends its trace context (W3C
// traceparent/tracestate) in the call's metadata; the server continues the
// trace in a span around the handler. It is optional: without its
// interceptors nothing is traced and nothing is paid.
package tracing

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/gee-project/gee/rpc"
)

const instrumentation = "github.com/gee-project/gee/rpc/tracing"

// propagator carries the W3C trace context in metadata.
var propagator = propagation.TraceContext{}

// carrier adapts rpc.Metadata to OpenTelemetry's propagation.
type carrier rpc.Metadata

func (c carrier) Get(key string) string { return c[key] }
func (c carrier) Set(key, value string) { c[key] = value }
func (c carrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// Client returns the interceptor that traces calls made by a client with
// tracers from tp.
func Client(tp trace.TracerProvider) rpc.ClientInterceptor {
	tracer := tp.Tracer(instrumentation)
	return func(ctx context.Context, method string, args, reply any, next rpc.Invoker) error {
		ctx, span := tracer.Start(ctx, method, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("rpc.system", "geerpc"), attribute.String("rpc.method", method)))
		defer span.End()
		md := carrier{}
		propagator.Inject(ctx, md)
		err := next(rpc.WithMetadata(ctx, rpc.Metadata(md)), method, args, reply)
		record(span, err)
		return err
	}
}

// Server returns the interceptor that continues the caller's trace (from the
// call's metadata) in a server span around the handler.
func Server(tp trace.TracerProvider) rpc.ServerInterceptor {
	tracer := tp.Tracer(instrumentation)
	return func(ctx context.Context, method string, args, reply any, next rpc.Handler) error {
		ctx = propagator.Extract(ctx, carrier(rpc.MetadataFrom(ctx)))
		ctx, span := tracer.Start(ctx, method, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("rpc.system", "geerpc"), attribute.String("rpc.method", method)))
		defer span.End()
		err := next(ctx, method, args, reply)
		record(span, err)
		return err
	}
}

func record(span trace.Span, err error) {
	if err == nil {
		return
	}
	span.RecordError(err)
	code := "error"
	var se rpc.ServerError
	if !errors.As(err, &se) && rpc.IsTransportError(err) {
		code = "transport"
	}
	span.SetAttributes(attribute.String("rpc.geerpc.error", code))
	span.SetStatus(codes.Error, err.Error())
}
