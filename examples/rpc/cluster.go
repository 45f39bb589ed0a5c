package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gee-project/gee/rpc"
	"github.com/gee-project/gee/rpc/registry"
	"github.com/gee-project/gee/rpc/xclient"
)

// startRegistry serves a registry on a random port and returns its URL.
func startRegistry(log *slog.Logger) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(registry.DefaultPath, registry.New(5*time.Second))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(l)
	url := "http://" + l.Addr().String() + registry.DefaultPath
	log.Info("registry listening on "+l.Addr().String(), "url", url)
	return url, func() { hs.Close() }, nil
}

// server is one running Calc server.
type server struct {
	addr string
	beat <-chan struct{} // closed when the heartbeat has deregistered
	stop func()
}

// startServer serves a Calc and heartbeats it into the registry.
func startServer(ctx context.Context, name, regURL string, log *slog.Logger) (*server, error) {
	s := rpc.NewServer(rpc.WithLogger(log.With("server", name)))
	if err := s.Register(&Calc{name: name}); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go s.Serve(l)
	log.Info(name+" listening on "+l.Addr().String(), "server", name)
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(sctx)
	}
	beat, err := registry.Heartbeat(ctx, regURL, xclient.Server{Addr: "tcp@" + l.Addr().String(), Weight: 1}, time.Second)
	if err != nil {
		stop()
		return nil, err
	}
	return &server{addr: l.Addr().String(), beat: beat, stop: stop}, nil
}
