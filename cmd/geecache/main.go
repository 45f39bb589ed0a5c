// Command geecache runs one GeeCache node: the peer protocol under
// /_groupcache/, a client API GET/PUT/DELETE /api/<group>/<key>, and
// /stats. Misses are loaded from files under -source/<group>/<key>.
//
//	geecache -addr 127.0.0.1:8001 -peers http://127.0.0.1:8001,http://127.0.0.1:8002 \
//	         -groups scores:64MB,users:16MB -source ./data
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/eviction"
	"github.com/gee-project/gee/cache/httppool"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "geecache:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("geecache", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8001", "listen address")
	self := fs.String("self", "", "this node's base URL as peers know it (default http://<addr>)")
	peers := fs.String("peers", "", "comma-separated base URLs of all nodes, this one included")
	groups := fs.String("groups", "default:64MB", "comma-separated name:capacity (capacity like 512KB, 64MB, 1GB)")
	source := fs.String("source", "", "directory loaded on misses as <source>/<group>/<key>")
	policy := fs.String("policy", "tinylfu", "eviction policy: tinylfu or lru")
	timeout := fs.Duration("peer-timeout", time.Second, "timeout of one peer request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *self == "" {
		*self = "http://" + *addr
	}
	specs, err := parseGroups(*groups)
	if err != nil {
		return err
	}
	pool := httppool.New(*self, httppool.Options{Timeout: *timeout})
	members := splitList(*peers)
	if len(members) == 0 {
		members = []string{*self}
	}
	pool.Set(members...)
	api := newAPI(pool)
	for _, s := range specs {
		g, err := cache.NewGroupWithOptions(s.name, s.capacity, fileGetter(*source, s.name), cache.Options{Policy: eviction.Kind(*policy)})
		if err != nil {
			return err
		}
		pool.Register(g)
		api.add(g)
	}
	srv := &http.Server{Addr: *addr, Handler: api, ReadHeaderTimeout: 10 * time.Second}
	return serve(srv)
}

// serve runs srv until SIGINT/SIGTERM, then drains it gracefully.
func serve(srv *http.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Printf("geecache listening on %s", srv.Addr)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case err := <-errc:
		return err
	case <-sig:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
