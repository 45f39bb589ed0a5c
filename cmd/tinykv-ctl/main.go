// Command tinykv-ctl administers a TinyKV cluster through its scheduler: list stores and
// regions, split regions at given keys, drain (offline) and remove stores, and put or get a key.
// Run it with -h for the commands and examples.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
