package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/gee-project/gee/rpc"
)

type Greeter struct{}

func (Greeter) Hello(ctx context.Context, name string, reply *string) error {
	*reply = "hello, " + name
	return nil
}

// A token travels in the call's metadata: a client interceptor adds it to
// every call, a server interceptor checks it before any handler runs.
func Example_authInterceptor() {
	const token = "Bearer s3cret"
	checkToken := func(ctx context.Context, method string, args, reply any, next rpc.Handler) error {
		if rpc.MetadataFrom(ctx)["authorization"] != token {
			return errors.New("unauthenticated")
		}
		return next(ctx, method, args, reply)
	}
	s := rpc.NewServer(rpc.WithServerInterceptors(checkToken))
	if err := s.Register(Greeter{}); err != nil {
		panic(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go s.Serve(l)
	defer s.Close()

	addToken := func(ctx context.Context, method string, args, reply any, next rpc.Invoker) error {
		return next(rpc.WithMetadata(ctx, rpc.Metadata{"authorization": token}), method, args, reply)
	}
	withToken, _ := rpc.Dial("tcp", l.Addr().String(), rpc.WithClientInterceptors(addToken))
	defer withToken.Close()
	without, _ := rpc.Dial("tcp", l.Addr().String())
	defer without.Close()

	var reply string
	err := withToken.Call(context.Background(), "Greeter.Hello", "gee", &reply)
	fmt.Println(reply, err)
	err = without.Call(context.Background(), "Greeter.Hello", "gee", &reply)
	fmt.Println(err)
	// Output:
	// hello, gee <nil>
	// unauthenticated
}
