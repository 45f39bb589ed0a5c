package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
)

// database stands in for a slow backing store; it logs every lookup, so
// the demo shows which node loaded what.
type database struct {
	rows map[string]string
	log  *slog.Logger
}

// Lookup returns key's value, or an error wrapping cache.ErrNotFound.
func (d database) Lookup(_ context.Context, key string) ([]byte, error) {
	v, ok := d.rows[key]
	if !ok {
		d.log.Info("not in the db", "key", key)
		return nil, fmt.Errorf("%s not in db: %w", key, cache.ErrNotFound)
	}
	d.log.Info("loaded from the db", "key", key)
	return []byte(v), nil
}

var rows = map[string]string{"Tom": "630", "Jack": "589", "Sam": "567"}

// startNode serves one node's peer protocol on ln; addrs are all nodes'
// base URLs, this one's included.
func startNode(ln net.Listener, addrs []string, log *slog.Logger) (*cache.Group, func()) {
	self := "http://" + ln.Addr().String()
	db := database{rows: rows, log: log}
	g := cache.NewGroup("scores", 64<<20, cache.GetterFunc(func(ctx context.Context, key string) ([]byte, time.Time, error) {
		v, err := db.Lookup(ctx, key)
		return v, time.Time{}, err // zero time: no expiry
	}))
	pool := httppool.New(self, httppool.Options{})
	pool.Set(addrs...)
	pool.Register(g)
	srv := &http.Server{Handler: pool, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	log.Info("listening on "+ln.Addr().String(), "self", self)
	return g, func() { srv.Close() }
}
