// Command rpc is the GeeRPC cluster demo: it starts a registry, two
// servers that heartbeat into it, and a client that discovers them and
// load-balances calls across them, all on 127.0.0.1.
//
//	go run ./examples/rpc
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gee-project/gee/rpc"
	"github.com/gee-project/gee/rpc/registry"
	"github.com/gee-project/gee/rpc/xclient"
)

// Args are two numbers to add.
type Args struct{ A, B int }

// Reply says which server did the work.
type Reply struct {
	Sum    int
	Server string
}

// Calc is the demo service.
type Calc struct{ name string }

// Add sums the arguments.
func (c *Calc) Add(ctx context.Context, args Args, reply *Reply) error {
	*reply = Reply{Sum: args.A + args.B, Server: c.name}
	return nil
}

func main() {
	if err := run(os.Stdout, 10); err != nil {
		log.Fatal(err)
	}
}

// run makes the given number of load-balanced calls, printing who served each.
func run(w io.Writer, calls int) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	regURL, stopReg, err := startRegistry()
	if err != nil {
		return err
	}
	defer stopReg()
	var beats []<-chan struct{}
	for _, name := range []string{"server-a", "server-b"} {
		done, stop, err := startServer(ctx, name, regURL)
		if err != nil {
			return err
		}
		defer stop()
		beats = append(beats, done)
	}
	xc := xclient.New(registry.NewDiscovery(regURL, time.Second),
		xclient.WithSelector(&xclient.RoundRobin{}), xclient.WithFailMode(xclient.Failover, 1))
	defer xc.Close()
	for i := 0; i < calls; i++ {
		var r Reply
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		err := xc.Call(cctx, "Calc.Add", Args{A: i, B: i * i}, &r)
		ccancel()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%d + %d = %d  (served by %s)\n", i, i*i, r.Sum, r.Server)
	}
	cancel() // stops heartbeats, which deregister
	for _, b := range beats {
		<-b
	}
	return nil
}

func startRegistry() (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(registry.DefaultPath, registry.New(5*time.Second))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(l)
	return "http://" + l.Addr().String() + registry.DefaultPath, func() { hs.Close() }, nil
}

// startServer serves a Calc and heartbeats it into the registry.
func startServer(ctx context.Context, name, regURL string) (<-chan struct{}, func(), error) {
	s := rpc.NewServer()
	if err := s.Register(&Calc{name: name}); err != nil {
		return nil, nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	go s.Serve(l)
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(sctx)
	}
	done, err := registry.Heartbeat(ctx, regURL, xclient.Server{Addr: "tcp@" + l.Addr().String(), Weight: 1}, time.Second)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return done, stop, nil
}
