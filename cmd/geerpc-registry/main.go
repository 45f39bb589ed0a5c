// Command geerpc-registry runs a GeeRPC service registry: servers POST
// heartbeats to it, XClients GET the live list (see rpc/registry).
package main

import (
	"context"
	"errors"
	"flag"
	"log"
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

	mux := http.NewServeMux()
	mux.Handle(registry.DefaultPath, registry.New(*ttl))
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Printf("geerpc-registry listening on http://%s%s (ttl %v)", *addr, registry.DefaultPath, *ttl)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
