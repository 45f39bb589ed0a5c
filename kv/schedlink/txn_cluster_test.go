package schedlink_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/cluster"
	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/gcworker"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/schedlink"
	"github.com/gee-project/gee/kv/server"
	"google.golang.org/grpc"
)

// txnCluster is a testCluster whose stores also serve kv/server's gRPC API (raw and
// transactional) on 127.0.0.1, registered with the scheduler under that address, so the
// real kv/client reaches them; raft messages still go through cluster.Network, where the
// tests drop and partition them. Only the test goroutine and the chaos goroutine (one at a
// time: the test waits for chaos to end) touch nodes and servers.
type txnCluster struct {
	*testCluster
	servers map[uint64]*txnServer
	// gcRemoved counts the versions the GC workers of stopped stores removed.
	gcRemoved uint64
}

// txnServer is one store's client-facing side; dir and addr survive a crash so the store
// restarts on its own data at its registered address.
type txnServer struct {
	dir, addr string
	g         *grpc.Server
	gc        *gcworker.Worker
	srv       *server.Server
	onePCs    uint64 // one-phase commits of the store's earlier runs
}

// onePhaseCommits returns how many one-phase commits the stores applied, restarts included
// (like gcRemovedSoFar, called once the chaos that restarts stores is over).
func (tc *txnCluster) onePhaseCommits() uint64 {
	var n uint64
	for _, s := range tc.servers {
		n += s.onePCs
		if s.srv != nil {
			n += s.srv.Txn().OnePhaseCommits()
		}
	}
	return n
}

// newTxnCluster starts a scheduler (long store down time, so a crashed store keeps its
// replicas) and stores 1..stores, waits for the first region to have 3 replicas, and splits
// it at splits.
func newTxnCluster(t *testing.T, stores int, seed int64, splits []string) *txnCluster {
	sched := startScheduler(t, time.Hour, []string{"balance-leader"})
	c := &testCluster{t: t, sched: sched, net: cluster.NewNetwork(seed), nodes: map[uint64]*node{}}
	tc := &txnCluster{testCluster: c, servers: map[uint64]*txnServer{}}
	t.Cleanup(func() {
		for id := range tc.servers {
			tc.crash(id)
		}
		c.net.Close()
	})
	for id := uint64(1); id <= uint64(stores); id++ {
		if err := tc.startStore(id); err != nil {
			t.Fatal(err)
		}
	}
	c.replicated("", 3, 20*time.Second)
	if len(splits) > 0 {
		keys := make([][]byte, len(splits))
		for i, s := range splits {
			keys[i] = []byte(s)
		}
		if _, err := c.liveClient().SplitRegions(ctxFor(t, 20*time.Second), keys); err != nil {
			t.Fatal(err)
		}
	}
	return tc
}

// startStore starts store id, on its previous data directory and address if it ran before.
func (tc *txnCluster) startStore(id uint64) error {
	s := tc.servers[id]
	if s == nil {
		s = &txnServer{dir: filepath.Join(tc.t.TempDir(), fmt.Sprint(id)), addr: "127.0.0.1:0"}
		tc.servers[id] = s
	}
	lis, err := listenRetry(s.addr)
	if err != nil {
		return err
	}
	s.addr = lis.Addr().String()
	n, err := tc.openStore(id, s.dir, s.addr)
	if err != nil {
		lis.Close()
		return fmt.Errorf("store %d: %w", id, err)
	}
	srv := server.New(n.st.Storage(), nil, server.Limits{}, nil)
	srv.Txn().SetClock(n.cli) // one-phase commit on, as tinykv-server runs it
	if s.srv != nil {
		s.onePCs += s.srv.Txn().OnePhaseCommits()
	}
	s.srv = srv
	s.g = server.NewGRPCServer(srv, server.GRPCConfig{},
		grpc.WaitForHandlers(true)) // crash: Stop cancels calls and waits for them before the engine closes
	go func() { _ = s.g.Serve(lis) }()
	// As tinykv-server runs it, checking often so collections happen during a short run.
	s.gc, err = gcworker.Start(gcworker.Config{SafePoints: n.cli, Collector: srv.Txn(),
		Regions: gcworker.RaftstoreRegions(n.st), Interval: 300 * time.Millisecond, CallTimeout: 5 * time.Second})
	return err
}

// listenRetry listens on addr, retrying briefly: a restarted store takes back its port.
func listenRetry(addr string) (net.Listener, error) {
	var err error
	for i := 0; i < 50; i++ {
		var lis net.Listener
		if lis, err = net.Listen("tcp", addr); err == nil {
			return lis, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil, err
}

// openStore is testCluster.startIn with the store registered under its gRPC address.
func (tc *txnCluster) openStore(id uint64, dir, addr string) (*node, error) {
	c, t := tc.testCluster, tc.t
	eng, err := engine.Open(dir, engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cli, err := schedclient.New(ctx, []string{c.sched.addr}, schedclient.WithBackoff(5*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		eng.Close()
		return nil, err
	}
	fail := func(err error) (*node, error) {
		cli.Close()
		eng.Close()
		return nil, err
	}
	link, err := schedlink.New(cli, schedlink.Config{StoreID: id, Address: addr, DataDir: dir,
		StoreHeartbeatInterval: 100 * time.Millisecond, CommandTimeout: 3 * time.Second, Logger: testLogger(t, id)})
	if err != nil {
		return fail(err)
	}
	c.net.Register(id)
	st, err := raftstore.NewStore(raftstore.Config{StoreID: id, TickInterval: 10 * time.Millisecond,
		ElectionTicks: 10, HeartbeatTicks: 2, IDAllocator: link, Reporter: link,
		ReportInterval: reportInterval, SplitCheckInterval: time.Hour, Logger: testLogger(t, id)}, eng, c.net.Transport(id))
	if err != nil {
		return fail(err)
	}
	c.net.Attach(id, st)
	if err := link.Start(ctx, st); err != nil {
		c.net.Detach(id)
		st.Stop()
		return fail(err)
	}
	n := &node{id: id, st: st, eng: eng, cli: cli, link: link}
	c.nodes[id] = n
	return n, nil
}

// crash stops store id abruptly: its gRPC server drops every connection, then the store
// stops (its engine is closed, its data directory kept).
func (tc *txnCluster) crash(id uint64) {
	if s := tc.servers[id]; s != nil && s.g != nil {
		s.gc.Stop()
		tc.gcRemoved += s.gc.Stats().Removed
		s.g.Stop()
		s.g, s.gc = nil, nil
	}
	tc.stop(id)
}

// up reports whether store id is running.
func (tc *txnCluster) up(id uint64) bool {
	n := tc.nodes[id]
	return n != nil && !n.down.Load()
}

// client returns a region-aware kv/client for the cluster, closed at the test's end.
func (tc *txnCluster) client() *client.Client {
	tc.t.Helper()
	cl, err := client.NewWithScheduler(ctxFor(tc.t, 10*time.Second), []string{tc.sched.addr},
		client.WithAttemptTimeout(2*time.Second), client.WithBackoff(5*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		tc.t.Fatal(err)
	}
	tc.t.Cleanup(func() { cl.Close() })
	return cl
}

// gcRemovedSoFar is how many versions every GC worker, running or stopped, removed.
func (tc *txnCluster) gcRemovedSoFar() uint64 {
	n := tc.gcRemoved
	for _, s := range tc.servers {
		if s.gc != nil {
			n += s.gc.Stats().Removed
		}
	}
	return n
}

// gcLag is how far the GC safe point trails the TSO during the workloads.
const gcLag = 8 * time.Second

// advanceGC raises the GC safe point to lag behind the TSO every 500 ms until ctx ends, the
// way a GC leader must: client.GC first resolves every lock at or below the new safe point,
// so no commit record a pending secondary still needs is collected (the stores' GC workers
// then collect below it). It returns the safe point reached.
func (tc *txnCluster) advanceGC(ctx context.Context, lag time.Duration) <-chan uint64 {
	out := make(chan uint64, 1)
	sched := tc.newRouter().sched
	cl := tc.client()
	go func() {
		var sp uint64
		for ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
			cctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			ts, err := sched.GetTS(cctx)
			if back := uint64(lag.Milliseconds()) << 18; err == nil && ts > back {
				if cl.GC(cctx, ts-back) == nil {
					if got, err := sched.GetGCSafePoint(cctx); err == nil {
						sp = got
					}
				}
			}
			cancel()
		}
		out <- sp
	}()
	return out
}
