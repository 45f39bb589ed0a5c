package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gee-project/gee/kv/schedulernode"
	"github.com/gee-project/gee/kv/storenode"
)

// stdio is the command's standard streams, replaced in tests.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

const usage = `tinykv runs TinyKV, a Raft-replicated transactional key-value store.

Usage:
  tinykv playground [-stores N] [-data DIR] [-store-down-time D] [-e 'CMD; CMD ...']
  tinykv server ARGS...      one store (the tinykv-server program; tinykv server -h)
  tinykv scheduler ARGS...   the scheduler (the tinykv-scheduler program; tinykv scheduler -h)

The playground starts a scheduler and N stores (default 3) as child processes on free
127.0.0.1 ports, prints their addresses and the dashboard's URL, and opens a shell with line
editing and history. Ctrl-C ends a running command, Ctrl-D leaves and stops the cluster. Without
-data the cluster lives in a temporary directory removed on exit; with -data DIR it survives
and the next playground on DIR starts where it stopped. tinykv playground -h lists its flags.

Examples:
  go run ./cmd/tinykv playground
  tinykv playground -e 'put hello world; get hello; scan a z'
  tinykv playground -stores 4 -data /tmp/kv -store-down-time 10s
  tinykv playground -e 'begin; put a 1; put b 2; commit; kill 1; get a; regions'
`

func run(ctx context.Context, args []string, std stdio) int {
	if len(args) == 0 {
		fmt.Fprint(std.err, usage)
		return 2
	}
	switch args[0] {
	case "playground":
		return playgroundMain(ctx, args[1:], std)
	case "server", "scheduler":
		// The child processes: they stop on SIGTERM (the playground's Close) and, being in their
		// own process group, never see the terminal's Ctrl-C.
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
		defer stop()
		if args[0] == "server" {
			return storenode.Run(ctx, args[1:], std.out, std.err)
		}
		return schedulernode.Run(ctx, args[1:], std.out, std.err)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(std.out, usage)
		return 0
	}
	fmt.Fprintf(std.err, "tinykv: unknown command %q\n\n%s", args[0], usage)
	return 2
}
