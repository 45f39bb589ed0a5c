package cache

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gee "github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
	gc "github.com/golang/groupcache"
)

const requesterURL = "http://127.0.0.1:1" // never dialled: the owner never forwards

// ownedKeys returns n keys that owns(key) accepts.
func ownedKeys(n int, owns func(string) bool) []string {
	var keys []string
	for i := 0; len(keys) < n; i++ {
		if k := "remote-" + strconv.Itoa(i); owns(k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// runRemote issues gets from 64 goroutines over keys the owner already
// holds, and reports gets/s. Every value must come from the owner.
func runRemote(b *testing.B, keys []string, prefix string, get func(context.Context, string) (string, error)) {
	ctx := context.Background()
	for _, k := range keys { // warm the owner
		if _, err := get(ctx, k); err != nil {
			b.Fatal(err)
		}
	}
	var bad atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(64 / max(1, runtimeProcs()))
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 1))
		for pb.Next() {
			k := keys[r.IntN(len(keys))]
			if v, err := get(ctx, k); err != nil || !strings.HasPrefix(v, prefix) {
				bad.Add(1)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "gets/s")
	if bad.Load() > 0 {
		b.Fatalf("%d gets did not come from the owner", bad.Load())
	}
}

var gcRemote struct {
	once  sync.Once
	pool  *gc.HTTPPool
	group *gc.Group
}

// BenchmarkRemoteGet measures Gets through a non-owner whose local copies
// are disabled, so every Get is an HTTP round trip to the owner (a child
// process). Both sides use the same tuned transport.
func BenchmarkRemoteGet(b *testing.B) {
	b.Run("nonowner-64g/gee", func(b *testing.B) {
		child := startChild(b, "gee")
		pool := httppool.New(requesterURL, httppool.Options{})
		pool.Set(requesterURL, child)
		g, err := gee.NewGroupWithOptions("interop", 1<<20, gee.GetterFunc(func(_ context.Context, k string) ([]byte, time.Time, error) {
			return []byte("local:" + k), time.Time{}, nil
		}), gee.Options{HotCacheBytes: -1})
		if err != nil {
			b.Fatal(err)
		}
		pool.Register(g)
		keys := ownedKeys(4096, func(k string) bool { _, ok := pool.PickPeer(k); return ok })
		runRemote(b, keys, "gee:", func(ctx context.Context, k string) (string, error) {
			v, err := g.Get(ctx, k)
			return v.String(), err
		})
	})
	b.Run("nonowner-64g/groupcache", func(b *testing.B) {
		child := startChild(b, "groupcache")
		gcRemote.once.Do(func() {
			// Pin the warm-get group to "no peers" before the process-wide
			// pool exists, so that benchmark stays local.
			var s string
			gcGroup().Get(context.Background(), "init", gc.StringSink(&s))
			gcRemote.pool = gc.NewHTTPPoolOpts(requesterURL, nil)
			gcRemote.pool.Transport = func(context.Context) http.RoundTripper { return httppool.SharedTransport }
			// Capacity 0: groupcache keeps no local (hot) copies.
			gcRemote.group = gc.NewGroup("interop", 0, gc.GetterFunc(func(_ context.Context, k string, dest gc.Sink) error {
				return dest.SetString("local:" + k)
			}))
		})
		gcRemote.pool.Set(requesterURL, child)
		keys := ownedKeys(4096, func(k string) bool { _, ok := gcRemote.pool.PickPeer(k); return ok })
		runRemote(b, keys, "groupcache:", func(ctx context.Context, k string) (string, error) {
			var s string
			err := gcRemote.group.Get(ctx, k, gc.StringSink(&s))
			return s, err
		})
	})
}
