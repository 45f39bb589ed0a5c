package main

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/storage/standalone"
)

func TestAgainstStandaloneServer(t *testing.T) {
	st, err := standalone.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Stop()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := server.NewGRPCServer(server.New(st, nil, server.Limits{}, nil), server.GRPCConfig{})
	go g.Serve(lis)
	defer g.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, []string{lis.Addr().String()}, &out); err != nil {
		t.Fatal(err)
	}
	want := `put lang/0 = go
put lang/1 = rust
put lang/2 = zig
get lang/1 = rust
scan lang/0 = go
scan lang/1 = rust
scan lang/2 = zig
`
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
