package rpc

import (
	"context"
	"crypto/tls"
	"maps"
)

// Metadata is per-call key/value data that travels in the frame header,
// like gRPC metadata or rpcx's meta.
type Metadata map[string]string

type metaKey struct{}

// WithMetadata returns a context whose calls carry md (merged over any
// metadata already in ctx).
func WithMetadata(ctx context.Context, md Metadata) context.Context {
	if old := MetadataFrom(ctx); len(old) > 0 {
		merged := maps.Clone(old)
		maps.Copy(merged, md)
		md = merged
	}
	return context.WithValue(ctx, metaKey{}, md)
}

// MetadataFrom returns the metadata of ctx: on the server, what the client
// sent; on the client, what the call will send. Do not modify it.
func MetadataFrom(ctx context.Context) Metadata {
	md, _ := ctx.Value(metaKey{}).(Metadata)
	return md
}

type tlsKey struct{}

// ClientTLS returns, in a handler or server interceptor, the TLS state of a
// connection whose client presented a verified certificate (mutual TLS:
// serve with tls.Config.ClientAuth = tls.RequireAndVerifyClientCert), so
// an interceptor can authorise by certificate identity. ok is false for
// other connections.
func ClientTLS(ctx context.Context) (state *tls.ConnectionState, ok bool) {
	state, ok = ctx.Value(tlsKey{}).(*tls.ConnectionState)
	return state, ok
}

// Invoker performs a client call; it is the "next" step of a ClientInterceptor.
type Invoker func(ctx context.Context, method string, args, reply any) error

// ClientInterceptor wraps every client call (logging, auth, metrics...).
type ClientInterceptor func(ctx context.Context, method string, args, reply any, next Invoker) error

// Handler runs a server method; args and reply are pointers.
type Handler func(ctx context.Context, method string, args, reply any) error

// ServerInterceptor wraps every server call.
type ServerInterceptor func(ctx context.Context, method string, args, reply any, next Handler) error

func chainClient(ics []ClientInterceptor, last Invoker) Invoker {
	for i := len(ics) - 1; i >= 0; i-- {
		ic, next := ics[i], last
		last = func(ctx context.Context, method string, args, reply any) error {
			return ic(ctx, method, args, reply, next)
		}
	}
	return last
}

func chainServer(ics []ServerInterceptor, last Handler) Handler {
	for i := len(ics) - 1; i >= 0; i-- {
		ic, next := ics[i], last
		last = func(ctx context.Context, method string, args, reply any) error {
			return ic(ctx, method, args, reply, next)
		}
	}
	return last
}
