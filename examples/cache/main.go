// Command cache runs a three-node GeeCache cluster inside one process on
// 127.0.0.1, loads a few keys through different nodes, and prints which
// node loaded what and each node's stats. Run cache -h for more.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/gee-project/gee/cache"
)

const usage = `cache runs a three-node GeeCache cluster inside one process on 127.0.0.1
(random ports), gets a few keys through each node, removes one, and prints
the values and each node's stats to standard output. Each key is loaded
from the stand-in database once, by its owner; the log (log/slog, standard
error) shows which node loaded what. It takes no flags besides -h.

Example:
  go run ./examples/cache
`

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the demo and returns the exit status: 0, 1 when the demo
// fails, 2 for bad usage.
func cli(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cache", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once below
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "cache: %v (see cache -h)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cache: unexpected argument %q (see cache -h)\n", fs.Arg(0))
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := run(context.Background(), stdout, log); err != nil {
		log.Error("cache demo failed", "err", err)
		return 1
	}
	return 0
}

// run starts the three nodes, gets every key through every node twice,
// removes one key and prints what happened.
func run(ctx context.Context, w io.Writer, log *slog.Logger) error {
	var lns []net.Listener
	var addrs []string
	for i := 0; i < 3; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		lns = append(lns, ln)
		addrs = append(addrs, "http://"+ln.Addr().String())
	}
	groups := make([]*cache.Group, 3)
	for i, ln := range lns {
		g, stop := startNode(ln, addrs, log.With("node", i))
		defer stop()
		groups[i] = g
	}
	for round := 0; round < 2; round++ {
		for i, g := range groups {
			for _, k := range []string{"Tom", "Jack", "Sam", "Nobody"} {
				v, err := g.Get(ctx, k)
				if round == 0 {
					fmt.Fprintf(w, "node %d: Get(%s) = %q err=%v\n", i, k, v.String(), err)
				}
			}
		}
	}
	if err := groups[0].Remove(ctx, "Tom"); err != nil {
		return err
	}
	v, err := groups[1].Get(ctx, "Tom")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "after Remove, node 1: Get(Tom) = %q (reloaded by its owner)\n", v.String())
	for i, g := range groups {
		st := g.Stats()
		fmt.Fprintf(w, "node %d: gets=%d hits=%d loads=%d local=%d peer=%d served=%d hot=%d\n",
			i, st.Gets, st.Hits, st.Loads, st.LocalLoads, st.PeerLoads, st.ServerRequests, st.HotEntries)
	}
	return nil
}
