package cache

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/gee-project/gee/cache/eviction"
	"github.com/gee-project/gee/cache/store"
	"github.com/gee-project/gee/cache/workload"
	"github.com/hashicorp/golang-lru/arc/v2"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/maypok86/otter/v2"
)

const (
	traceKeys = 1_000_000
	traceLen  = 2_000_000
)

// keyTable holds the string form of every Zipf rank so replays do not
// allocate keys.
var keyTable = sync.OnceValue(func() []string {
	t := make([]string, traceKeys)
	for i := range t {
		t[i] = "k" + strconv.Itoa(i)
	}
	return t
})

func keyOf(id uint64) string {
	if t := keyTable(); id < uint64(len(t)) {
		return t[id]
	}
	return "k" + strconv.FormatUint(id, 10)
}

type traceSpec struct {
	name string
	make func() []uint64
}

var traces = []traceSpec{
	{"zipf0.99", func() []uint64 { return workload.ZipfTrace(traceKeys, 0.99, traceLen, 42) }},
	{"zipf1.2", func() []uint64 { return workload.ZipfTrace(traceKeys, 1.2, traceLen, 42) }},
	// Every 10,000 Zipf requests a scan of 5,000 never-repeated keys.
	{"scan", func() []uint64 { return workload.ScanTrace(traceKeys, 0.99, traceLen, 10000, 5000, 42) }},
}

var traceCache sync.Map

func traceFor(t traceSpec) []uint64 {
	if v, ok := traceCache.Load(t.name); ok {
		return v.([]uint64)
	}
	tr := t.make()
	traceCache.Store(t.name, tr)
	return tr
}

// simCache is the common face of every implementation under test.
type simCache interface {
	get(k string) bool
	set(k string)
}

type geeSim struct{ s *store.Store[struct{}] }

func (c geeSim) get(k string) bool { _, ok := c.s.Get(k); return ok }
func (c geeSim) set(k string)      { c.s.Set(k, struct{}{}, 1, 0) }

type lruSim struct{ c *lru.Cache[string, struct{}] }

func (c lruSim) get(k string) bool { _, ok := c.c.Get(k); return ok }
func (c lruSim) set(k string)      { c.c.Add(k, struct{}{}) }

type arcSim struct {
	c *arc.ARCCache[string, struct{}]
}

func (c arcSim) get(k string) bool { _, ok := c.c.Get(k); return ok }
func (c arcSim) set(k string)      { c.c.Add(k, struct{}{}) }

type otterSim struct {
	c *otter.Cache[string, struct{}]
}

func (c otterSim) get(k string) bool { _, ok := c.c.GetIfPresent(k); return ok }
func (c otterSim) set(k string)      { c.c.Set(k, struct{}{}) }

type ristrettoSim struct {
	c *ristretto.Cache[string, struct{}]
}

func (c ristrettoSim) get(k string) bool { _, ok := c.c.Get(k); return ok }
func (c ristrettoSim) set(k string)      { c.c.Set(k, struct{}{}, 1); c.c.Wait() }

var simImpls = []struct {
	name string
	make func(capacity int) simCache
}{
	{"gee", func(n int) simCache { return geeSim{store.New(eviction.NewTinyLFU[struct{}](int64(n), 0), nil)} }},
	{"gee-adaptive", func(n int) simCache {
		return geeSim{store.New(eviction.NewTinyLFUAdaptive[struct{}](int64(n), 0), nil)}
	}},
	{"gee-lru", func(n int) simCache { return geeSim{store.New(eviction.NewLRU[struct{}](int64(n)), nil)} }},
	{"lru", func(n int) simCache { c, _ := lru.New[string, struct{}](n); return lruSim{c} }},
	{"arc", func(n int) simCache { c, _ := arc.NewARC[string, struct{}](n); return arcSim{c} }},
	{"otter", func(n int) simCache { return otterSim{otter.Must(&otter.Options[string, struct{}]{MaximumSize: n})} }},
	{"ristretto", func(n int) simCache {
		c, err := ristretto.NewCache(&ristretto.Config[string, struct{}]{NumCounters: int64(10 * n), MaxCost: int64(n), BufferItems: 64, IgnoreInternalCost: true})
		if err != nil {
			panic(err)
		}
		return ristrettoSim{c}
	}},
}

func replay(c simCache, trace []uint64) float64 {
	hits := 0
	for _, id := range trace {
		k := keyOf(id)
		if c.get(k) {
			hits++
		} else {
			c.set(k)
		}
	}
	return 100 * float64(hits) / float64(len(trace))
}

// BenchmarkHitRatio replays each trace once per iteration into a fresh cache
// of 0.1%, 1% and 10% of the key space; "hit%" is the result, ns/op the
// replay time. Run with -benchtime=1x. The belady row is the optimum.
func BenchmarkHitRatio(b *testing.B) {
	for _, ts := range traces {
		for _, pct := range []float64{0.1, 1, 10} {
			capacity := int(pct / 100 * traceKeys)
			name := fmt.Sprintf("%s-%g%%", ts.name, pct)
			for _, impl := range simImpls {
				b.Run(name+"/"+impl.name, func(b *testing.B) {
					tr := traceFor(ts)
					var hr float64
					for b.Loop() {
						hr = replay(impl.make(capacity), tr)
					}
					b.ReportMetric(hr, "hit%")
				})
			}
			b.Run(name+"/belady", func(b *testing.B) {
				tr := traceFor(ts)
				var hr float64
				for b.Loop() {
					hr = 100 * workload.Belady(tr, capacity)
				}
				b.ReportMetric(hr, "hit%")
			})
		}
	}
}
