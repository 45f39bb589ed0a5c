package main

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/rpc/registry"
	"github.com/gee-project/gee/rpc/xclient"
)

func TestServeRegistersAndShutsDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, l, time.Minute) }()
	url := "http://" + l.Addr().String() + registry.DefaultPath
	if err := registry.Register(ctx, url, xclient.Server{Addr: "tcp@127.0.0.1:7"}); err != nil {
		t.Fatal(err)
	}
	servers, err := registry.NewDiscovery(url, time.Second).Servers(ctx)
	if err != nil || len(servers) != 1 || servers[0].Addr != "tcp@127.0.0.1:7" {
		t.Fatalf("discovered %v, %v", servers, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("registry did not shut down")
	}
}
