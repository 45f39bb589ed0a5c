package storenode

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// TestSchedulerMode starts a store with -scheduler against an in-process scheduler: the
// store bootstraps the cluster through it and serves writes and reads.
func TestSchedulerMode(t *testing.T) {
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
	start(t, "-store-id", "1", "-addr", addr, "-data", t.TempDir(), "-scheduler", lis.Addr().String(),
		"-tick", "20ms", "-shutdown-timeout", "5s", "-store-heartbeat", "100ms")
	c := newClient(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 5 {
		k := []byte(fmt.Sprintf("k%d", i))
		if err := c.Put(ctx, k, k); err != nil {
			t.Fatalf("Put(%s): %v", k, err)
		}
	}
	if v, err := c.Get(ctx, []byte("k3")); err != nil || string(v) != "k3" {
		t.Fatalf("Get(k3) = %q, %v", v, err)
	}
	if !srv.Bootstrapped() {
		t.Fatal("scheduler not bootstrapped by the store")
	}
	// Store heartbeats carry the server's request counter (the dashboard's rates come from it).
	sc, err := schedclient.New(ctx, []string{lis.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var got uint64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, stats, err := sc.GetStore(ctx, 1); err == nil {
			if got = stats.GetKvRequests(); got >= 6 {
				return
			}
		}
	}
	t.Fatalf("store heartbeats report %d KV requests, want at least the 6 served", got)
}

// TestTombstoneStoreExits: a store the scheduler drains to Tombstone (store-offline with no
// replicas on it) learns it from a store heartbeat, logs it and run returns 1.
func TestTombstoneStoreExits(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir(), MaxReplicas: 1, ScheduleInterval: 50 * time.Millisecond,
		NewScheduling: func(env scheduler.SchedulingEnv) (scheduler.Scheduling, error) {
			co, err := schedule.NewCoordinator(env.Cluster, env.IDs, schedule.Config{ClusterConfig: env.Config,
				ScheduleInterval: 50 * time.Millisecond, DisableBalance: true})
			if err != nil {
				return nil, err
			}
			return schedule.ServerScheduling{Coord: co}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	g := scheduler.NewGRPCServer(srv, scheduler.GRPCConfig{})
	go func() { _ = g.Serve(lis) }()
	t.Cleanup(func() { srv.StopStreams(); g.Stop(); _ = srv.Close() })

	addrs := freeAddrs(t, 2)
	common := []string{"-scheduler", lis.Addr().String(), "-tick", "20ms", "-shutdown-timeout", "5s", "-store-heartbeat", "100ms"}
	start(t, append([]string{"-store-id", "1", "-addr", addrs[0], "-data", t.TempDir()}, common...)...)
	second := start(t, append([]string{"-store-id", "2", "-addr", addrs[1], "-data", t.TempDir(), "-log-level", "error"}, common...)...)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cli, err := schedclient.New(ctx, []string{lis.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := cli.SetStoreState(ctx, 2, metapb.StoreState_Offline); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-second.done:
		out := second.stderr.String()
		if code != 1 || !strings.Contains(out, "store 2 is a tombstone") || !strings.Contains(out, "no longer part of the cluster") {
			t.Fatalf("tombstoned store exited %d, stderr:\n%s", code, out)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("tombstoned store still running: %s", second.stderr.String())
	}
	if st, _, err := cli.GetStore(ctx, 2); err != nil || st.GetState() != metapb.StoreState_Tombstone {
		t.Fatalf("store 2 = %v, %v; want Tombstone", st, err)
	}
}
