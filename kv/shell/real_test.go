package shell

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/storage/standalone"
	"google.golang.org/grpc"
)

// realCluster starts, on 127.0.0.1, a real scheduler and one real kv/server over standalone
// storage holding the cluster's only region (store 1), and returns the scheduler's address.
// The server takes its timestamps from the scheduler, as tinykv-server does.
func realCluster(t *testing.T) string {
	t.Helper()
	sched, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	slis := listen(t)
	g := scheduler.NewGRPCServer(sched, scheduler.GRPCConfig{})
	go func() { _ = g.Serve(slis) }()
	t.Cleanup(func() { sched.StopStreams(); g.Stop(); _ = sched.Close() })

	st, err := standalone.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop() })
	srv := server.New(st, nil, server.Limits{}, nil)
	klis := listen(t)
	kg := grpc.NewServer()
	tinykvpb.RegisterTinyKvServer(kg, srv)
	go func() { _ = kg.Serve(klis) }()
	t.Cleanup(kg.Stop)

	ctx := testCtx(t)
	sc, err := schedclient.New(ctx, []string{slis.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close() })
	err = sc.Bootstrap(ctx, &metapb.Store{Id: 1, Address: klis.Addr().String()}, &metapb.Region{Id: 2,
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 3, StoreId: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Txn().SetClock(sc)
	return slis.Addr().String()
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// realShell is a Shell over real kv/client and schedclient clients of the cluster at addr.
func realShell(t *testing.T, addr string, jsonMode bool) (*Shell, *bytes.Buffer) {
	t.Helper()
	ctx := testCtx(t)
	kv, err := client.NewWithScheduler(ctx, []string{addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close() })
	sc, err := schedclient.New(ctx, []string{addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close() })
	var out bytes.Buffer
	return New(Config{KV: kv, Admin: sc, JSON: jsonMode, Out: &out}), &out
}

// script runs lines (split at ;) and returns the output, failing on an error.
func script(t *testing.T, sh *Shell, out *bytes.Buffer, s string) string {
	t.Helper()
	out.Reset()
	for _, line := range SplitCommands(s) {
		if err := sh.Exec(testCtx(t), line); err != nil {
			t.Fatalf("%s: %v\noutput so far:\n%s", line, err, out)
		}
	}
	return out.String()
}

// The shell against a real scheduler and store: raw writes and scans with binary keys, a
// transaction that commits, one that rolls back, and the scheduler's view of the cluster.
func TestRealCluster(t *testing.T) {
	addr := realCluster(t)
	sh, out := realShell(t, addr, false)
	script(t, sh, out, `raw put a 1; raw put "b b" 2; raw put "\x00bin" "\xff"; raw delete a`)
	if got := lines(script(t, sh, out, "raw scan")); strings.Join(got, "|") != `KEY VALUE|"\x00bin" "\xff"|"b b" 2|(2 pairs)` {
		t.Errorf("raw scan = %q", got)
	}
	got := script(t, sh, out, "begin; put t1 x; put t2 y; get t1; scan t t3; commit")
	if !strings.Contains(got, "\nx\n") || !strings.Contains(got, "(2 pairs)") || !strings.Contains(got, "committed at ts ") {
		t.Errorf("transaction printed:\n%s", got)
	}
	script(t, sh, out, "begin; delete t1; put t3 z; rollback")
	got = strings.Join(lines(script(t, sh, out, "begin; scan t; get t2; rollback")), "|")
	if !strings.Contains(got, "|t1 x|t2 y|(2 pairs)|y|") || strings.Contains(got, "t3") {
		t.Errorf("after commit and rollback, a transaction sees: %s", got)
	}
	if err := sh.Exec(testCtx(t), "raw get t1"); err == nil || !strings.Contains(err.Error(), "get: t1: key not found") {
		t.Errorf("raw get of a transactional key: %v", err)
	}
	// Autocommit: a put outside begin is a transaction of its own, seen by later transactions.
	if got := script(t, sh, out, "put auto v1; begin; get auto; rollback; get t2"); !strings.Contains(got, "v1\n") || !strings.Contains(got, "y\n") {
		t.Errorf("autocommit put/get printed:\n%s", got)
	}
	if got := lines(script(t, sh, out, "stores")); len(got) != 2 || !strings.HasPrefix(got[1], "1 127.0.0.1:") || !strings.Contains(got[1], " Up up - 1 0 ") {
		t.Errorf("stores = %q", got)
	}
	if got := lines(script(t, sh, out, "regions")); len(got) != 2 || got[1] != `2 "" "" 1/1 - [1]` {
		t.Errorf("regions = %q", got)
	}
	if got := lines(script(t, sh, out, "operators")); len(got) != 1 || !strings.HasPrefix(got[0], "REGION KIND STATUS") {
		t.Errorf("operators on a new cluster = %q", got)
	}
	if err := sh.Exec(testCtx(t), "region 77"); err == nil || err.Error() != "region: region 77 not found" {
		t.Errorf("region 77: %v", err)
	}
}

// JSON output from a real cluster decodes into the documented fields.
func TestRealClusterJSON(t *testing.T) {
	addr := realCluster(t)
	sh, out := realShell(t, addr, true)
	var commit struct {
		StartTS  uint64 `json:"start_ts"`
		CommitTS uint64 `json:"commit_ts"`
	}
	res := strings.Split(strings.TrimSpace(script(t, sh, out, "begin; put k v; commit")), "\n")
	if err := json.Unmarshal([]byte(res[len(res)-1]), &commit); err != nil || commit.CommitTS <= commit.StartTS {
		t.Errorf("commit = %s (%v)", res[len(res)-1], err)
	}
	var stores []struct {
		ID    uint64 `json:"id"`
		State string `json:"state"`
	}
	if err := json.Unmarshal([]byte(script(t, sh, out, "stores")), &stores); err != nil || len(stores) != 1 || stores[0].ID != 1 || stores[0].State != "Up" {
		t.Errorf("stores = %+v (%v)", stores, err)
	}
}

// Cancelling Exec's context stops a command waiting on the cluster.
func TestRealClusterCancel(t *testing.T) {
	addr := realCluster(t)
	sh, _ := realShell(t, addr, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sh.Exec(ctx, "put a 1"); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("put on a cancelled context: %v", err)
	}
}

var _ Admin = (*schedclient.Client)(nil)
