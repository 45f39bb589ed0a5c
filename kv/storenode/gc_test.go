package storenode

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// TestSchedulerModeGC: a -scheduler store runs the GC worker (-gc-interval): after three committed
// versions of a key and tinykv-ctl's equivalent of raising the safe point between the last two,
// the store removes the older versions on its own (logged), and reads at the safe point and
// later are unchanged.
func TestSchedulerModeGC(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	g := scheduler.NewGRPCServer(srv, scheduler.GRPCConfig{})
	go func() { _ = g.Serve(lis) }()
	t.Cleanup(func() { srv.StopStreams(); g.Stop(); _ = srv.Close() })

	addr := freeAddrs(t, 1)[0]
	p := start(t, "-store-id", "1", "-addr", addr, "-data", t.TempDir(), "-scheduler", lis.Addr().String(),
		"-tick", "20ms", "-shutdown-timeout", "5s", "-gc-interval", "50ms", "-log-level", "info")
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	kv := tinykvpb.NewTinyKvClient(cc)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, ts := range []uint64{10, 20, 30} {
		pw := &kvrpcpb.KvPrewriteRequest{PrimaryLock: []byte("k"), StartVersion: ts, LockTtl: 60_000,
			Mutations: []*kvrpcpb.Mutation{{Op: kvrpcpb.Op_Put, Key: []byte("k"), Value: []byte{byte('0' + ts/10)}}}}
		// The first write waits for the store to bootstrap and elect itself.
		for {
			r, err := kv.KvPrewrite(ctx, pw)
			if err == nil && r.GetRegionError() == nil && len(r.GetErrors()) == 0 {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("prewrite at %d: %v %v %v", ts, err, r.GetRegionError(), r.GetErrors())
			}
			time.Sleep(20 * time.Millisecond)
		}
		c, err := kv.KvCommit(ctx, &kvrpcpb.KvCommitRequest{StartVersion: ts, CommitVersion: ts + 1, Keys: [][]byte{[]byte("k")}})
		if err != nil || c.GetRegionError() != nil || c.GetError() != nil {
			t.Fatalf("commit at %d: %v %v", ts, err, c)
		}
	}
	records := func() int {
		r, err := kv.RawScan(ctx, &kvrpcpb.RawScanRequest{Cf: engine.CFWrite, Limit: 100})
		if err != nil || r.GetError() != "" || r.GetRegionError() != nil {
			t.Fatalf("raw scan of the write column family: %v %v", err, r)
		}
		return len(r.GetKvs())
	}
	get := func(version uint64) string {
		r, err := kv.KvGet(ctx, &kvrpcpb.KvGetRequest{Key: []byte("k"), Version: version})
		if err != nil || r.GetRegionError() != nil || r.GetError() != nil {
			t.Fatalf("get at %d: %v %v", version, err, r)
		}
		return string(r.GetValue())
	}
	if n := records(); n != 3 {
		t.Fatalf("%d write records before GC, want 3", n)
	}
	sc, err := schedclient.New(ctx, []string{lis.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if _, err := sc.UpdateGCSafePoint(ctx, 25); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for records() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("old versions not collected; store log:\n%s", p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if a, b := get(25), get(40); a != "2" || b != "3" {
		t.Fatalf("reads at 25 and 40 = %q, %q; want 2 and 3", a, b)
	}
	if log := p.stderr.String(); !strings.Contains(log, "gc: region collected") || !strings.Contains(log, "removed=1") {
		t.Fatalf("collection not logged:\n%s", log)
	}
}

func TestGCIntervalFlag(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"-h"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "-gc-interval") ||
		!strings.Contains(out.String(), "0 turns this GC off") {
		t.Fatalf("-h does not document -gc-interval (exit %d)", code)
	}
	out.Reset()
	errb.Reset()
	code := Run(context.Background(), []string{"-data", "d", "-store-id", "1", "-scheduler", "127.0.0.1:1", "-addr", "127.0.0.1:5", "-gc-interval", "-1s"}, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "-gc-interval -1s") {
		t.Fatalf("negative -gc-interval: exit %d, stderr %q", code, errb.String())
	}
}
