package cache

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/ristretto/v2"
	gee "github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/workload"
	gc "github.com/golang/groupcache"
	gclru "github.com/golang/groupcache/lru"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/maypok86/otter/v2"
)

const warmKeys = 1 << 14

// warmTrace is a Zipf(0.99) order of accesses over warmKeys keys, all of
// which fit in every cache, so every Get is a hit.
var warmTrace = sync.OnceValues(func() ([]string, []string) {
	keys := make([]string, warmKeys)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
	}
	order := make([]string, 1<<16)
	for i, r := range workload.ZipfTrace(warmKeys, 0.99, len(order), 9) {
		order[i] = keys[r]
	}
	return keys, order
})

// runWarm runs get from 8 goroutines (4 per CPU on the 2-CPU reference
// machine), each starting at its own offset of the Zipf order.
func runWarm(b *testing.B, get func(string) bool) {
	_, order := warmTrace()
	var mu sync.Mutex
	seed := 0
	b.ReportAllocs()
	b.SetParallelism(8 / max(1, runtimeProcs()))
	cpu0 := processCPU()
	b.ResetTimer()
	defer func() {
		// CPU time per op is steadier than wall time on a shared machine.
		b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
	}()
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		i := seed * 7919
		seed++
		mu.Unlock()
		for pb.Next() {
			if !get(order[i&(len(order)-1)]) {
				b.Error("miss on a warm cache")
				return
			}
			i++
		}
	})
}

type mutexLRU struct {
	mu sync.Mutex
	c  *gclru.Cache
}

var gcGroup = sync.OnceValue(func() *gc.Group {
	return gc.NewGroup("warm", 64<<20, gc.GetterFunc(func(_ context.Context, key string, dest gc.Sink) error {
		return dest.SetString("value-of-" + key)
	}))
})

// BenchmarkWarmGet measures concurrent local hits: gee is Group.Get.
func BenchmarkWarmGet(b *testing.B) {
	keys, _ := warmTrace()
	val := func(k string) []byte { return []byte("value-of-" + k) }
	b.Run("zipf-8g/gee", func(b *testing.B) {
		g := gee.NewGroup("warm", 64<<20, gee.GetterFunc(func(_ context.Context, k string) ([]byte, time.Time, error) {
			return val(k), time.Time{}, nil
		}))
		ctx := context.Background()
		for _, k := range keys {
			g.Get(ctx, k)
		}
		runWarm(b, func(k string) bool { v, err := g.Get(ctx, k); return err == nil && v.Len() > 0 })
	})
	b.Run("zipf-8g/otter", func(b *testing.B) {
		c := otter.Must(&otter.Options[string, []byte]{MaximumSize: 2 * warmKeys})
		for _, k := range keys {
			c.Set(k, val(k))
		}
		runWarm(b, func(k string) bool { _, ok := c.GetIfPresent(k); return ok })
	})
	b.Run("zipf-8g/ristretto", func(b *testing.B) {
		c, _ := ristretto.NewCache(&ristretto.Config[string, []byte]{NumCounters: 20 * warmKeys, MaxCost: 2 * warmKeys, BufferItems: 64, IgnoreInternalCost: true})
		for _, k := range keys {
			for !c.Set(k, val(k), 1) {
			}
		}
		c.Wait()
		// ristretto may drop a few Sets; count only what it holds.
		runWarm(b, func(k string) bool { c.Get(k); return true })
	})
	b.Run("zipf-8g/hashicorp-lru", func(b *testing.B) {
		c, _ := lru.New[string, []byte](2 * warmKeys)
		for _, k := range keys {
			c.Add(k, val(k))
		}
		runWarm(b, func(k string) bool { _, ok := c.Get(k); return ok })
	})
	b.Run("zipf-8g/groupcache-lru", func(b *testing.B) {
		c := &mutexLRU{c: gclru.New(2 * warmKeys)}
		for _, k := range keys {
			c.c.Add(k, val(k))
		}
		runWarm(b, func(k string) bool {
			c.mu.Lock()
			_, ok := c.c.Get(k)
			c.mu.Unlock()
			return ok
		})
	})
	b.Run("zipf-8g/groupcache", func(b *testing.B) {
		g := gcGroup()
		ctx := context.Background()
		var s string
		for _, k := range keys {
			g.Get(ctx, k, gc.StringSink(&s))
		}
		runWarm(b, func(k string) bool {
			var v []byte
			return g.Get(ctx, k, gc.AllocatingByteSliceSink(&v)) == nil
		})
	})
}
