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

// The timeouts of servers made by NewServer (and so by Run, Serve and
// RunTLS). A handler that streams (SSE, long downloads, slow uploads)
// lifts them for its own request with http.ResponseController:
//
//	rc := http.NewResponseController(c.Writer)
//	_ = rc.SetWriteDeadline(time.Time{}) // and SetReadDeadline for uploads
const (
	// DefaultReadHeaderTimeout bounds reading the request line and headers.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading the whole request, body included,
	// so a trickled body cannot hold a connection.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds the time from the end of the headers to
	// the end of the response.
	DefaultWriteTimeout = 30 * time.Second
	// DefaultIdleTimeout closes keep-alive connections idle this long.
	DefaultIdleTimeout = 30 * time.Second
)

// NewServer returns an http.Server for h with the default timeouts, for
// callers that want to change a field before ServeServer. An Engine with
// UseH2C also speaks HTTP/2 without TLS; with TLS, HTTP/2 is always on.
func NewServer(h http.Handler) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		ReadTimeout:       DefaultReadTimeout,
		WriteTimeout:      DefaultWriteTimeout,
		IdleTimeout:       DefaultIdleTimeout,
	}
	if e, ok := h.(*Engine); ok && e.UseH2C {
		srv.Protocols = new(http.Protocols)
		srv.Protocols.SetHTTP1(true)
		srv.Protocols.SetHTTP2(true)
		srv.Protocols.SetUnencryptedHTTP2(true)
	}
	return srv
}

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
	return ServeServer(ctx, NewServer(h), ln)
}

// RunTLS is Run over TLS with the certificate and key files; clients that
// offer HTTP/2 (ALPN "h2") get it.
func RunTLS(ctx context.Context, addr, certFile, keyFile string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return ServeTLS(ctx, ln, certFile, keyFile, h)
}

// ServeTLS is RunTLS on an existing listener, which it closes.
func ServeTLS(ctx context.Context, ln net.Listener, certFile, keyFile string, h http.Handler) error {
	srv := NewServer(h)
	return serveUntilDone(ctx, srv, func() error { return srv.ServeTLS(ln, certFile, keyFile) })
}

// ServeServer serves srv on ln with Run's graceful shutdown; srv keeps
// whatever timeouts the caller set.
func ServeServer(ctx context.Context, srv *http.Server, ln net.Listener) error {
	return serveUntilDone(ctx, srv, func() error { return srv.Serve(ln) })
}

func serveUntilDone(ctx context.Context, srv *http.Server, serve func() error) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
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
	return Run(context.Background(), runAddr(addr), e)
}

// RunTLS serves the engine over TLS (and HTTP/2) on addr, as Run does.
func (e *Engine) RunTLS(addr, certFile, keyFile string) error {
	return RunTLS(context.Background(), runAddr([]string{addr}), certFile, keyFile, e)
}

func runAddr(addr []string) string {
	if len(addr) > 0 && addr[0] != "" {
		return addr[0]
	}
	if p := os.Getenv("PORT"); p != "" {
		return ":" + p
	}
	return ":8080"
}
