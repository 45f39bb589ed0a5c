package client

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// BenchmarkTxnRoundTrip runs whole transactions one after another against a standalone
// kv/server (one region) in this process, for allocations per transaction (client and
// server together): 1key is Begin, Set, Commit; rmw is Begin, Get, Set, Commit.
func BenchmarkTxnRoundTrip(b *testing.B) {
	addr := benchServer(b)
	ts := startScheduler(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := ts.admin.Bootstrap(ctx, &metapb.Store{Id: 1, Address: addr}, &metapb.Region{Id: 1,
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 1, StoreId: 1}}})
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewWithScheduler(ctx, []string{ts.addr})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	keys := make([][]byte, 1000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key%04d", i))
	}
	value := make([]byte, 128)
	b.Run("1key", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			txn, err := c.Begin(ctx)
			if err != nil {
				b.Fatal(err)
			}
			_ = txn.Set(keys[i%len(keys)], value)
			if err := txn.Commit(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rmw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			txn, err := c.Begin(ctx)
			if err != nil {
				b.Fatal(err)
			}
			k := keys[i%len(keys)]
			v, err := txn.Get(ctx, k)
			if err != nil && err != ErrNotFound {
				b.Fatal(err)
			}
			n, _ := strconv.Atoi(string(v))
			_ = txn.Set(k, []byte(strconv.Itoa(n+1)))
			if err := txn.Commit(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
