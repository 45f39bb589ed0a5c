package rpc_test

import (
	"context"
	"fmt"
	"net"

	"github.com/gee-project/gee/rpc"
)

// Args are Arith.Add's arguments.
type Args struct{ A, B int }

// Arith is the README example's service.
type Arith struct{}

// Add sets *sum to a.A + a.B.
func (Arith) Add(ctx context.Context, a Args, sum *int) error {
	*sum = a.A + a.B
	return nil
}

// Example is the README's RPC snippet: register a service, serve, call.
func Example() {
	s := rpc.NewServer()
	if err := s.Register(Arith{}); err != nil {
		panic(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go s.Serve(l)
	defer s.Close()

	c, err := rpc.Dial("tcp", l.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	var sum int
	err = c.Call(context.Background(), "Arith.Add", Args{A: 1, B: 2}, &sum)
	fmt.Println(sum, err)
	// Output:
	// 3 <nil>
}
