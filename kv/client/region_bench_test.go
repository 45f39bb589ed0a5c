package client

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/storage/standalone"
	"google.golang.org/grpc"
)

// benchServer serves a fresh standalone storage on 127.0.0.1 until cleanup.
func benchServer(b *testing.B) string {
	st, err := standalone.Open(b.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	g := grpc.NewServer()
	tinykvpb.RegisterTinyKvServer(g, server.New(st, nil, server.Limits{}, nil))
	done := make(chan struct{})
	go func() { defer close(done); _ = g.Serve(lis) }()
	b.Cleanup(func() { g.Stop(); <-done; st.Stop() })
	return lis.Addr().String()
}

// BenchmarkRouting compares a static client with a region-aware one against the same
// standalone server (one region), so the difference is the cost of routing.
func BenchmarkRouting(b *testing.B) {
	addr := benchServer(b)
	ts := startScheduler(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := ts.admin.Bootstrap(ctx, &metapb.Store{Id: 1, Address: addr}, &metapb.Region{Id: 1,
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 1, StoreId: 1}}})
	if err != nil {
		b.Fatal(err)
	}
	static, err := New(ctx, []string{addr})
	if err != nil {
		b.Fatal(err)
	}
	defer static.Close()
	routed, err := NewWithScheduler(ctx, []string{ts.addr})
	if err != nil {
		b.Fatal(err)
	}
	defer routed.Close()
	for _, tc := range []struct {
		name string
		c    *Client
	}{{"static", static}, {"regions", routed}} {
		b.Run(tc.name+"/get", func(b *testing.B) {
			_ = tc.c.Put(ctx, []byte("k"), []byte("v"))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := tc.c.Get(context.Background(), []byte("k")); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
		b.Run(tc.name+"/batchget16", func(b *testing.B) {
			keys := make([][]byte, 16)
			for i := range keys {
				keys[i] = []byte(fmt.Sprint("k", i))
			}
			for i := 0; i < b.N; i++ {
				if _, err := tc.c.BatchGet(context.Background(), keys); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
