// Command tinykv-scheduler runs the TinyKV scheduler (placement driver): cluster bootstrap, id
// and timestamp allocation, the region and store cache fed by heartbeats, and the scheduling
// policies that balance regions and leaders and keep every region at max-replicas. Run it with
// -h for every flag and examples.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/gee-project/gee/kv/schedulernode"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	os.Exit(schedulernode.Run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
