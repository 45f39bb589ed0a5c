package schedulernode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gee-project/gee/kv/dashboard"
	"github.com/gee-project/gee/kv/scheduler"
)

// startHTTP serves the dashboard on addr and returns what stops it. Every request has timeouts,
// so a slow or idle client cannot hold a connection open.
func startHTTP(addr string, srv *scheduler.Server, stdout io.Writer) (stop func(), err error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-http %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	h := dashboard.New(dashboard.FromScheduler(srv), dashboard.Options{})
	mux.Handle("/dashboard", h)
	mux.Handle("/dashboard/", h)
	mux.Handle("/{$}", http.RedirectHandler("/dashboard", http.StatusFound))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	go func() {
		if err := hs.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stdout, "dashboard stopped: %v\n", err)
		}
	}()
	fmt.Fprintf(stdout, "dashboard on http://%s/dashboard\n", lis.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}, nil
}
