package main

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/scheduler"
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
		"-tick", "20ms", "-shutdown-timeout", "5s")
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
}
