// Command tinykv is TinyKV in one binary. "tinykv playground" runs a whole cluster on this
// machine (a scheduler with its dashboard and three stores) and opens a shell on it; "tinykv
// server" and "tinykv scheduler" are the tinykv-server and tinykv-scheduler programs, which the
// playground starts as its child processes. Run it with -h for examples.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGINT is not here: the playground shell handles Ctrl-C itself (it cancels the running
	// command); server and scheduler install their own.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
}
