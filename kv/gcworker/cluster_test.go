package gcworker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/gcworker"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
	"github.com/gee-project/gee/kv/txn"
)

type nullTransport struct{}

func (nullTransport) Send(*raftserverpb.RaftMessage) error { return nil }

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startSched serves a scheduler on 127.0.0.1, bootstrapped with store 1 and region 1.
func startSched(t *testing.T, region *metapb.Region) *schedclient.Client {
	t.Helper()
	srv, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := scheduler.NewGRPCServer(srv, scheduler.GRPCConfig{})
	go func() { _ = g.Serve(lis) }()
	cli, err := schedclient.New(ctxT(t), []string{lis.Addr().String()}, schedclient.WithBackoff(time.Millisecond, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close(); srv.StopStreams(); g.Stop(); _ = srv.Close() })
	if err := cli.Bootstrap(ctxT(t), &metapb.Store{Id: 1, Address: "127.0.0.1:1"}, region); err != nil {
		t.Fatal(err)
	}
	return cli
}

// startStore runs a one-store raftstore leading region (one peer) and returns it with its engine.
func startStore(t *testing.T, region *metapb.Region) (*raftstore.Store, *engine.Engine) {
	t.Helper()
	eng, err := engine.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	st, err := raftstore.NewStore(raftstore.Config{StoreID: 1, TickInterval: 10 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, eng, nullTransport{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Bootstrap(region); err != nil {
		t.Fatal(err)
	}
	if err := st.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop(); eng.Close() })
	deadline := time.Now().Add(10 * time.Second)
	for s, _ := st.RegionStatus(region.GetId()); !s.IsLeader; s, _ = st.RegionStatus(region.GetId()) {
		if time.Now().After(deadline) {
			t.Fatal("the store did not become leader")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return st, eng
}

func writeRecords(t *testing.T, eng *engine.Engine) int {
	t.Helper()
	snap := eng.Snapshot()
	defer snap.Close()
	it, err := snap.NewCFIterator(engine.CFWrite, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	n := 0
	for ; it.Valid(); it.Next() {
		n++
	}
	return n
}

// A store's worker collects the region it leads once the scheduler's safe point is raised:
// versions hidden below the safe point are gone from the engine, and every read at or after the
// safe point answers as before. Nothing is removed while the safe point is 0.
func TestWorkerCollectsAfterSafePointRaised(t *testing.T) {
	region := &metapb.Region{Id: 1, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1},
		Peers: []*metapb.Peer{{Id: 1, StoreId: 1}}}
	sched := startSched(t, region)
	store, eng := startStore(t, region)
	ex := txn.New(store.Storage())
	kvctx := &kvrpcpb.Context{RegionId: 1, RegionEpoch: region.GetRegionEpoch(), Peer: region.GetPeers()[0]}
	ctx := ctxT(t)
	for _, key := range []string{"a", "b"} {
		for i, ts := range []uint64{10, 20, 30} {
			pw, err := ex.Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Context: kvctx, PrimaryLock: []byte(key), StartVersion: ts,
				LockTtl: 60_000, Mutations: []*kvrpcpb.Mutation{{Op: kvrpcpb.Op_Put, Key: []byte(key), Value: []byte(fmt.Sprint(key, i))}}})
			if err != nil || len(pw.GetErrors()) != 0 {
				t.Fatalf("prewrite %s@%d: %v %v", key, ts, err, pw.GetErrors())
			}
			cm, err := ex.Commit(ctx, &kvrpcpb.KvCommitRequest{Context: kvctx, StartVersion: ts, CommitVersion: ts + 1, Keys: [][]byte{[]byte(key)}})
			if err != nil || cm.GetError() != nil {
				t.Fatalf("commit %s@%d: %v %v", key, ts, err, cm.GetError())
			}
		}
	}
	reads := func() string {
		var out []string
		for _, key := range []string{"a", "b"} {
			for _, v := range []uint64{25, 31, 100} {
				g, err := ex.Get(ctx, &kvrpcpb.KvGetRequest{Context: kvctx, Key: []byte(key), Version: v})
				if err != nil || g.GetError() != nil {
					t.Fatalf("get %s@%d: %v %v", key, v, err, g.GetError())
				}
				out = append(out, fmt.Sprintf("%s@%d=%s", key, v, g.GetValue()))
			}
		}
		return fmt.Sprint(out)
	}
	before := reads()
	w, err := gcworker.Start(gcworker.Config{SafePoints: sched, Collector: ex, Regions: gcworker.RaftstoreRegions(store),
		Interval: 10 * time.Millisecond, CallTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	waitFor(t, func() bool { return w.Stats().Rounds >= 3 })
	if n := writeRecords(t, eng); n != 6 || w.Stats().Collected != 0 {
		t.Fatalf("at safe point 0: %d write records (want 6), stats %+v", n, w.Stats())
	}
	if _, err := sched.UpdateGCSafePoint(ctx, 25); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return w.Stats().Collected >= 1 })
	if s := w.Stats(); s.SafePoint != 25 || s.Removed != 2 {
		t.Fatalf("stats after raising to 25: %+v, want 2 records removed (a@11, b@11)", s)
	}
	if n := writeRecords(t, eng); n != 4 {
		t.Fatalf("%d write records after GC at 25, want 4", n)
	}
	if after := reads(); after != before {
		t.Fatalf("reads at or after the safe point changed:\n%s\nbefore\n%s", after, before)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
