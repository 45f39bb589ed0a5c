// Command tinykv-server runs one TinyKV store: the raw key-value gRPC API over either a
// replicated raftstore (a static cluster named by -peers) or, with -standalone, a single
// local engine without Raft. Run it with -h for every flag and examples.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/gee-project/gee/kv/storenode"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	os.Exit(storenode.Run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
