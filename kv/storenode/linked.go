package storenode

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/gcworker"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/schedlink"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/transport"
)

// openLinked opens a store that registers with the scheduler (-scheduler): the scheduler
// bootstraps the cluster, resolves peer addresses, hands out split ids and places replicas.
func openLinked(cfg *config, eng *engine.Engine, log *slog.Logger) (*backend, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // startup: bootstrap, registration
	defer cancel()
	cli, err := schedclient.New(ctx, cfg.scheduler)
	if err != nil {
		return nil, fmt.Errorf("-scheduler: %w", err)
	}
	counted := &countedServer{}
	link, err := schedlink.New(cli, schedlink.Config{StoreID: cfg.storeID, Address: cfg.addr,
		DataDir: cfg.dataDir, StoreHeartbeatInterval: cfg.storeHeartbeat, Logger: log, Counters: counted.counters})
	if err != nil {
		cli.Close()
		return nil, err
	}
	trans, err := transport.New(transport.Config{Resolver: link.Resolve,
		Logf: func(format string, args ...any) { log.Debug(fmt.Sprintf(format, args...)) }})
	if err != nil {
		cli.Close()
		return nil, err
	}
	sc := cfg.store
	sc.StoreID, sc.Resolver, sc.Logger = cfg.storeID, link.Resolve, log
	sc.IDAllocator, sc.Reporter = link, link
	store, err := raftstore.NewStore(sc, eng, trans)
	if err != nil {
		trans.Close()
		cli.Close()
		return nil, err
	}
	trans.SetReporter(store)
	stop := func() {
		link.Close()
		store.Stop()
		trans.Close()
		cli.Close()
	}
	if err := link.Start(ctx, store); err != nil {
		stop()
		return nil, err
	}
	be := &backend{st: store.Storage(), raft: store, stop: stop, gone: tombstoned(link, cfg.storeID), clock: cli,
		served: counted.set}
	if cfg.gcInterval > 0 {
		be.startGC = func(c gcworker.Collector) func() {
			w, err := gcworker.Start(gcworker.Config{SafePoints: cli, Collector: c, Regions: gcworker.RaftstoreRegions(store),
				Interval: cfg.gcInterval, Logger: log})
			if err != nil { // only a config without its parts fails, and this one has them all
				log.Error("gc worker not started", "err", err)
				return func() {}
			}
			return w.Stop
		}
	}
	return be, nil
}

// tombstoned yields an error once the scheduler refuses the store as a tombstone
// (tinykv-ctl store-offline drained it, or store-remove removed it).
func tombstoned(link *schedlink.Link, id uint64) <-chan error {
	out := make(chan error, 1)
	go func() {
		<-link.Tombstoned() // never closed otherwise: the goroutine lives as long as the process
		out <- fmt.Errorf("store %d is a tombstone: the scheduler drained or removed it and refuses its "+
			"heartbeats; its data is no longer needed (start a new store with a new -store-id and an empty -data)", id)
	}()
	return out
}

// countedServer hands the server's request and commit counters to the store heartbeats; the
// link starts before the server exists, so it reports 0 until set is called.
type countedServer struct{ srv atomic.Pointer[server.Server] }

func (c *countedServer) set(s *server.Server) { c.srv.Store(s) }

func (c *countedServer) counters() (kvRequests, kvCommits uint64) {
	s := c.srv.Load()
	if s == nil {
		return 0, 0
	}
	st := s.Stats()
	return st.KVRequests, st.TxnCommits
}
