// Command web is a small notes app on Gee web: HTML pages, a JSON API under
// /api and embedded static assets. Run web -h for the flags.
//
//	go run ./examples/web -addr 127.0.0.1:8080
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

	"github.com/gee-project/gee/web"
)

const usage = `web runs a small notes app on Gee web: HTML pages at / and /notes/{id},
a JSON API at /api/notes (GET, POST; GET and DELETE /api/notes/{id}) and
embedded static files, with request IDs, request logs (log/slog, to
standard error), panic recovery and gzip. It serves until SIGINT or
SIGTERM, then lets in-flight requests finish.

Examples:
  go run ./examples/web
  go run ./examples/web -addr 127.0.0.1:8081
  curl -d '{"title":"hello","body":"first note"}' http://127.0.0.1:8080/api/notes

Flags:
`

func main() {
	os.Exit(cli(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the app until ctx ends or a signal arrives and returns the exit
// status: 0, 1 when serving fails, 2 for bad usage or an address that
// cannot be bound.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once below
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (host:port)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "web: %v (see web -h)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "web: unexpected argument %q (see web -h)\n", fs.Arg(0))
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	app, err := newApp(log)
	if err != nil {
		log.Error("build app", "err", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "web: -addr %s: %v\n", *addr, err)
		return 2
	}
	log.Info("listening on " + ln.Addr().String())
	if err := web.Serve(ctx, ln, app); err != nil {
		log.Error("serve", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}
