package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// ShutdownTimeout bounds how long Run waits for in-flight requests.
var ShutdownTimeout = 10 * time.Second

// Run serves h on addr until ctx is cancelled or the process gets SIGINT
// or SIGTERM, then shuts down gracefully, letting in-flight requests end.
func Run(ctx context.Context, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, h)
}

// Serve is Run on an existing listener, which it closes.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// Run serves the engine on addr (default ":8080", or ":$PORT") with
// graceful shutdown on SIGINT or SIGTERM.
func (e *Engine) Run(addr ...string) error {
	a := ":8080"
	if p := os.Getenv("PORT"); p != "" {
		a = ":" + p
	}
	if len(addr) > 0 {
		a = addr[0]
	}
	return Run(context.Background(), a, e)
}
