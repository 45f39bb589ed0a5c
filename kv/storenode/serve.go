package storenode

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/gcworker"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/storage"
	"github.com/gee-project/gee/kv/storage/standalone"
	"github.com/gee-project/gee/kv/transport"
	"github.com/gee-project/gee/kv/txn"
	"google.golang.org/grpc"
)

// Run is main without the process: it returns the exit code (0 also for -h, 2 for a
// bad command line, 1 for a failure while serving) and serves until ctx ends.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "tinykv-server: %v\n(run tinykv-server -h for usage)\n", err)
		return 2
	}
	if err := serve(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "tinykv-server: %v\n", err)
		return 1
	}
	return 0
}

// backend is the storage the service runs on and what closes it.
type backend struct {
	st   storage.Storage
	raft server.RaftHandler // nil in standalone mode
	stop func()
	// gone, if set, yields an error when the cluster no longer accepts this store
	// (a tombstone): the server then shuts down and exits non-zero.
	gone <-chan error
	// startGC, if set, starts the store's MVCC GC worker over the server's executor and returns
	// what stops it (-scheduler mode with -gc-interval > 0).
	startGC func(c gcworker.Collector) (stop func())
	// clock, if set, is the cluster's TSO: the executor then runs one-phase commits.
	clock txn.Clock
	// served, if set, is given the server once it exists (its counters feed store heartbeats).
	served func(*server.Server)
}

func serve(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	debug.SetGCPercent(cfg.gcPercent)
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.logLevel))
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	if cfg.pprof != "" {
		addr, stop, err := startPprof(cfg.pprof, stderr)
		if err != nil {
			return err
		}
		defer stop()
		fmt.Fprintf(stdout, "pprof on %s\n", addr)
	}
	eng, err := engine.Open(cfg.dataDir, engine.Options{})
	if err != nil {
		return err
	}
	defer eng.Close()
	be, err := openBackend(cfg, eng, log)
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		be.stop()
		return fmt.Errorf("-addr %s: %w", cfg.addr, err)
	}
	if err := be.st.Start(); err != nil {
		lis.Close()
		be.stop()
		return err
	}
	logf := func(format string, args ...any) { log.Info(fmt.Sprintf(format, args...)) }
	srv := server.New(be.st, be.raft, cfg.limits, logf)
	if be.clock != nil {
		srv.Txn().SetClock(be.clock)
	}
	if be.served != nil {
		be.served(srv)
	}
	stopGC := func() {}
	if be.startGC != nil {
		stopGC = be.startGC(srv.Txn())
	}
	g := server.NewGRPCServer(srv, cfg.grpc, serverTuning...)
	served := make(chan error, 1)
	go func() { served <- g.Serve(lis) }()
	fmt.Fprintf(stdout, "listening on %s\n", lis.Addr())

	var serveErr error
	select {
	case <-ctx.Done():
		log.Warn("shutting down", "grace", cfg.shutdownTimeout)
	case serveErr = <-served:
	case serveErr = <-be.gone:
		log.Error("shutting down: this store is no longer part of the cluster", "err", serveErr)
	}
	stopGC()
	shutdown(g, srv, cfg)
	be.stop()
	return serveErr
}

// serverTuning is what the binary adds to kv/server's gRPC options.
//   - Fixed flow-control windows (1 MiB per stream, 8 MiB per connection) instead of gRPC's
//     bandwidth probing, which sends a window update and a ping, and costs the peer a ping
//     ack, for nearly every message received: as many socket writes again as the payload.
//   - A pool of stream workers: by default gRPC starts a goroutine per call, and growing
//     its stack to the handler's depth (copying it twice or three times) showed up as the
//     largest runtime cost in a CPU profile of 64 concurrent gets. Calls beyond the pool
//     still get a goroutine of their own.
var serverTuning = []grpc.ServerOption{
	grpc.InitialWindowSize(1 << 20), grpc.InitialConnWindowSize(8 << 20),
	grpc.NumStreamWorkers(256),
}

// shutdown stops accepting, lets client calls in flight finish (raft keeps running, so
// their proposals can commit), then ends the peers' streams; whatever is left when the
// grace period ends is cut off.
func shutdown(g *grpc.Server, srv *server.Server, cfg *config) {
	grace, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		g.GracefulStop()
		close(stopped)
	}()
	_ = srv.DrainUnary(grace)
	srv.StopPeerStreams()
	select {
	case <-stopped:
	case <-grace.Done():
		g.Stop()
		<-stopped
	}
}

func openBackend(cfg *config, eng *engine.Engine, log *slog.Logger) (*backend, error) {
	if cfg.standalone {
		st := standalone.New(eng)
		return &backend{st: st, stop: func() { _ = st.Stop() }}, nil
	}
	if len(cfg.scheduler) > 0 {
		return openLinked(cfg, eng, log)
	}
	resolve := transport.StaticResolver(cfg.peers)
	trans, err := transport.New(transport.Config{Resolver: resolve,
		Logf: func(format string, args ...any) { log.Debug(fmt.Sprintf(format, args...)) }})
	if err != nil {
		return nil, err
	}
	sc := cfg.store
	sc.StoreID, sc.Resolver, sc.Logger = cfg.storeID, resolve, log
	store, err := raftstore.NewStore(sc, eng, trans)
	if err != nil {
		trans.Close()
		return nil, err
	}
	trans.SetReporter(store)
	if err := staticIdentity(cfg, store, log); err != nil {
		store.Stop()
		trans.Close()
		return nil, err
	}
	return &backend{st: store.Storage(), raft: store, stop: func() {
		store.Stop()
		trans.Close()
	}}, nil
}

// firstRegion is region 1 of a new static cluster: every key, one peer per store with
// peer id = store id, epoch {1, 1}.
func firstRegion(peers map[uint64]string) *metapb.Region {
	r := &metapb.Region{Id: 1, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}}
	for _, id := range sortedIDs(peers) {
		r.Peers = append(r.Peers, &metapb.Peer{Id: id, StoreId: id})
	}
	return r
}

// staticIdentity checks that the data directory belongs to -store-id (recording it on first
// use) and bootstraps region 1 on an empty one unless -bootstrap=false: a store that lost its
// data then waits, empty, for region 1's leader to send it a snapshot.
func staticIdentity(cfg *config, store *raftstore.Store, log *slog.Logger) error {
	ident, used, err := store.Ident()
	if err != nil {
		return err
	}
	if ident != nil && ident.GetStoreId() != cfg.storeID {
		return fmt.Errorf("-data %s belongs to store %d, not -store-id %d", cfg.dataDir, ident.GetStoreId(), cfg.storeID)
	}
	if ident == nil {
		if err := store.SetIdent(&raftserverpb.StoreIdent{StoreId: cfg.storeID}); err != nil {
			return err
		}
	}
	if used {
		return nil // restarted on its data
	}
	if !cfg.bootstrap {
		log.Warn("empty data directory and -bootstrap=false: not bootstrapping; waiting for region 1's leader to replicate it here",
			"store", cfg.storeID)
		return nil
	}
	return store.Bootstrap(firstRegion(cfg.peers))
}
