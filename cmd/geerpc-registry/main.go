// Command geerpc-registry runs a GeeRPC service registry: servers POST
// heartbeats to it, XClients GET the live list (see rpc/registry).
//
//	geerpc-registry -addr 127.0.0.1:9999 -ttl 10s
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gee-project/gee/rpc/registry"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9999", "listen address")
	ttl := flag.Duration("ttl", registry.DefaultTTL, "drop servers not heard from for this long")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("geerpc-registry listening on http://%s%s (ttl %v)", l.Addr(), registry.DefaultPath, *ttl)
	if err := serve(ctx, l, *ttl); err != nil {
		log.Fatal(err)
	}
}

// serve runs the registry on l until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, l net.Listener, ttl time.Duration) error {
	mux := http.NewServeMux()
	mux.Handle(registry.DefaultPath, registry.New(ttl))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
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
