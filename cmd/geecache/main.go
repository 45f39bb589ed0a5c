// Command geecache runs one GeeCache node: a client API GET/PUT/DELETE
// /api/<group>/<key>, a status page at /, counters at /stats, and the peer
// protocol on its own listener. Misses are loaded from files under
// -source/<group>/<key>. Run geecache -h for the flags and examples.
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
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/discovery"
	"github.com/gee-project/gee/cache/httppool"
	"github.com/gee-project/gee/cache/metrics"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintf(os.Stderr, "geecache: %v (see geecache -h)\n", err)
		os.Exit(2)
	}
}

// run parses args, binds every listener, and serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stdout, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	n, err := newNode(cfg, log)
	if err != nil {
		return err
	}
	return n.serve(ctx)
}

// node is a configured, bound geecache process.
type node struct {
	cfg     *config
	log     *slog.Logger
	api     *api
	pool    *httppool.Pool
	lns     []net.Listener
	servers []*http.Server
}

func newNode(cfg *config, log *slog.Logger) (*node, error) {
	self := cfg.self
	if self == "" {
		self = "http://" + cfg.addr
	}
	pool := httppool.New(self, httppool.Options{Timeout: cfg.peerTimeout, Secret: cfg.secret})
	members := cfg.peers
	if len(members) == 0 {
		members = []string{self}
	}
	pool.Set(members...)
	a := newAPI(self, log)
	var groups []*cache.Group
	for _, s := range cfg.groups {
		g, err := cache.NewGroupWithOptions(s.name, s.capacity, fileGetter(cfg.source, s.name, cfg.ttl, log),
			cache.Options{Policy: cfg.policy, FallbackTTL: cfg.fallbackTTL, Logger: log})
		if err != nil {
			return nil, err
		}
		pool.Register(g)
		a.add(g)
		groups = append(groups, g)
	}
	reg := prometheus.NewRegistry()
	if err := reg.Register(metrics.NewCollector(groups...)); err != nil {
		return nil, err
	}
	a.metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	n := &node{cfg: cfg, log: log, api: a, pool: pool}
	if err := n.listen("-addr", cfg.addr, a); err != nil {
		return nil, err
	}
	if cfg.peerAddr != "" {
		if err := n.listen("-peer-addr", cfg.peerAddr, pool); err != nil {
			n.close()
			return nil, err
		}
	}
	return n, nil
}

func (n *node) listen(flagName, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s %s: %w", flagName, addr, err)
	}
	n.lns = append(n.lns, ln)
	n.servers = append(n.servers, &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second})
	return nil
}

func (n *node) close() {
	for _, ln := range n.lns {
		ln.Close()
	}
}

// serve runs every server until ctx ends, then drains them gracefully.
// "listening" is logged only once every listener is bound.
func (n *node) serve(ctx context.Context) error {
	errc := make(chan error, len(n.servers))
	for i, srv := range n.servers {
		go func() { errc <- srv.Serve(n.lns[i]) }()
	}
	what := []string{"api", "peers"}
	for i, ln := range n.lns {
		n.log.Info("listening on "+ln.Addr().String(), "serves", what[i], "self", n.pool.Self())
	}
	if n.cfg.peersSRV != "" {
		wctx, stop := context.WithCancel(ctx)
		defer stop()
		go discovery.Watch(wctx, discovery.SRV{Name: n.cfg.peersSRV}, n.cfg.refresh, func(m []string) {
			n.log.Info("membership", "peers", m)
			n.pool.Set(m...)
		}, func(err error) { n.log.Warn("membership unchanged", "err", err) })
	}
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, srv := range n.servers {
		if serr := srv.Shutdown(sctx); serr != nil && err == nil {
			err = serr
		}
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
