package storenode

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkClusterPut measures puts of 128-byte values through kv/client against a
// 3-store cluster in this process over real gRPC on 127.0.0.1, 64 concurrent callers.
func BenchmarkClusterPut(b *testing.B) { benchCluster(b, false) }

// BenchmarkClusterGet measures linearizable gets the same way.
func BenchmarkClusterGet(b *testing.B) { benchCluster(b, true) }

func benchCluster(b *testing.B, get bool) {
	addrs := freeAddrsB(b, 3)
	peers := fmt.Sprintf("1=%s,2=%s,3=%s", addrs[0], addrs[1], addrs[2])
	for i := range 3 {
		startB(b, "-store-id", fmt.Sprint(i+1), "-addr", addrs[i], "-data", b.TempDir(), "-peers", peers)
	}
	c := newClientB(b, addrs...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	value := make([]byte, 128)
	if err := c.Put(ctx, []byte("warm"), value); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var err error
			if get {
				_, err = c.Get(ctx, []byte("warm"))
			} else {
				err = c.Put(ctx, []byte(fmt.Sprintf("k%09d", n.Add(1))), value)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
