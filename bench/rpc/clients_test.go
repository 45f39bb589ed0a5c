package rpc

import (
	"context"
	netrpc "net/rpc"
	"net/rpc/jsonrpc"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	geerpc "github.com/gee-project/gee/rpc"
)

// caller makes one echo call with a reused request and reply.
type caller func(ctx context.Context, req, reply *Req) error

// impl dials one implementation; close releases the connection.
type impl struct {
	name string
	dial func(tb testing.TB) (call caller, close func())
}

func geeImpl(name, codecName string) impl {
	return impl{name, func(tb testing.TB) (caller, func()) {
		c, err := geerpc.Dial("tcp", serverAddr(tb, "gee"), geerpc.WithCodec(codecName))
		if err != nil {
			tb.Fatal(err)
		}
		return func(ctx context.Context, req, reply *Req) error {
			return c.Call(ctx, "Echo.Echo", req, reply)
		}, func() { c.Close() }
	}}
}

func netrpcImpl(name, kind string) impl {
	return impl{name, func(tb testing.TB) (caller, func()) {
		var c *netrpc.Client
		var err error
		if kind == "netrpc-json" {
			c, err = jsonrpc.Dial("tcp", serverAddr(tb, kind))
		} else {
			c, err = netrpc.Dial("tcp", serverAddr(tb, kind))
		}
		if err != nil {
			tb.Fatal(err)
		}
		return func(_ context.Context, req, reply *Req) error {
			return c.Call("Echo.Echo", req, reply)
		}, func() { c.Close() }
	}}
}

var grpcImpl = impl{"grpc", func(tb testing.TB) (caller, func()) {
	conn, err := grpc.NewClient("passthrough:///"+serverAddr(tb, "grpc"),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.CallContentSubtype("geebench")))
	if err != nil {
		tb.Fatal(err)
	}
	return func(ctx context.Context, req, reply *Req) error {
		return conn.Invoke(ctx, "/bench.Echo/Echo", req, reply)
	}, func() { conn.Close() }
}}

// binaryImpls compete on the fastest codec each has; jsonImpls on JSON.
var (
	binaryImpls = []impl{geeImpl("gee", "binary"), netrpcImpl("netrpc-gob", "netrpc-gob"), grpcImpl}
	jsonImpls   = []impl{geeImpl("gee", "json"), netrpcImpl("netrpc-jsonrpc", "netrpc-json")}
)
