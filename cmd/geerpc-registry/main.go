// Command geerpc-registry runs a GeeRPC service registry: servers POST
// heartbeats to it, XClients GET the live list (see rpc/registry). Run
// geerpc-registry -h for the flags and examples.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gee-project/gee/rpc/registry"
)

const usageText = `geerpc-registry runs a GeeRPC service registry over HTTP: GeeRPC servers
announce themselves with heartbeats (POST), XClients discover the live
servers (GET), and a server not heard from for -ttl is dropped. It serves
until SIGINT or SIGTERM, then shuts down gracefully. Requests have 10s to
arrive and be answered, bodies are limited to 64 KiB, idle connections
close after a minute.

Examples:
  geerpc-registry                                   # http://127.0.0.1:9999/_geerpc_/registry
  geerpc-registry -addr 0.0.0.0:9999 -ttl 30s

Flags:
`

// config is a validated command line.
type config struct {
	addr string
	ttl  time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintf(os.Stderr, "geerpc-registry: %v (see geerpc-registry -h)\n", err)
		os.Exit(2)
	}
}

// run parses args, binds the listener and serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("-addr %s: %w", cfg.addr, err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	log.Info("listening on "+l.Addr().String(), "url", "http://"+l.Addr().String()+registry.DefaultPath, "ttl", cfg.ttl)
	return serve(ctx, l, cfg.ttl)
}

// parseFlags reads and checks the command line; every error names its
// flag. -h prints the help to stdout and returns flag.ErrHelp.
func parseFlags(args []string, stdout io.Writer) (*config, error) {
	fs := flag.NewFlagSet("geerpc-registry", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned and printed once by main
	c := &config{}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:9999", "listen `address` (host:port)")
	fs.DurationVar(&c.ttl, "ttl", registry.DefaultTTL, "drop servers not heard from for this `long`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (all settings are flags)", fs.Arg(0))
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return nil, fmt.Errorf("-addr %q: want host:port, like 127.0.0.1:9999", c.addr)
	}
	if c.ttl <= 0 {
		return nil, fmt.Errorf("-ttl %v: want a positive duration like 10s", c.ttl)
	}
	return c, nil
}

// serve runs the registry on l until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, l net.Listener, ttl time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the shutdown goroutine if Serve fails first
	mux := http.NewServeMux()
	mux.Handle(registry.DefaultPath, registry.New(ttl))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
