// Command rpc is the GeeRPC cluster demo: it starts a registry, two
// servers that heartbeat into it, and a client that discovers them and
// load-balances calls across them, all on 127.0.0.1. Run rpc -h for the
// flags.
//
//	go run ./examples/rpc
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/gee-project/gee/rpc"
	"github.com/gee-project/gee/rpc/registry"
	"github.com/gee-project/gee/rpc/xclient"
)

const usage = `rpc runs a GeeRPC cluster inside one process on 127.0.0.1 (random ports):
a registry, two servers of a Calc service that heartbeat into it, one call
straight to a server with rpc.Dial, then -calls calls from an XClient that
discovers both servers through the registry and alternates between them
(round robin, one failover retry). Results go to standard output, the
cluster's log (log/slog) to standard error.

Examples:
  go run ./examples/rpc
  go run ./examples/rpc -calls 100 -q

Flags:
`

// maxCalls bounds -calls so a typo cannot keep the demo running for hours.
const maxCalls = 100000

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
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the demo and returns the exit status: 0, 1 when the demo
// fails, 2 for bad usage.
func cli(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rpc", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once below
	calls := fs.Int("calls", 10, fmt.Sprintf("load-balanced calls to make (1 to %d)", maxCalls))
	quiet := fs.Bool("q", false, "log only warnings and errors")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "rpc: %v (see rpc -h)\n", err)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "rpc: unexpected argument %q (see rpc -h)\n", fs.Arg(0))
		return 2
	case *calls < 1 || *calls > maxCalls:
		fmt.Fprintf(stderr, "rpc: -calls %d: want 1 to %d\n", *calls, maxCalls)
		return 2
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := run(context.Background(), stdout, *calls, log); err != nil {
		log.Error("rpc demo failed", "err", err)
		return 1
	}
	return 0
}

// run starts the cluster, makes one direct call and the given number of
// load-balanced calls, printing who served each, then stops everything.
func run(ctx context.Context, w io.Writer, calls int, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	regURL, stopReg, err := startRegistry(log)
	if err != nil {
		return err
	}
	defer stopReg()
	var addrs []string
	var beats []<-chan struct{}
	for _, name := range []string{"server-a", "server-b"} {
		srv, err := startServer(ctx, name, regURL, log)
		if err != nil {
			return err
		}
		defer srv.stop()
		addrs, beats = append(addrs, srv.addr), append(beats, srv.beat)
	}
	if err := callDirect(ctx, w, addrs[0]); err != nil {
		return err
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

// callDirect makes one call straight to the server at addr, without the
// registry.
func callDirect(ctx context.Context, w io.Writer, addr string) error {
	c, err := rpc.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	var r Reply
	err = c.Call(ctx, "Calc.Add", Args{A: 1, B: 2}, &r)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "direct: 1 + 2 = %d  (served by %s)\n", r.Sum, r.Server)
	return nil
}
