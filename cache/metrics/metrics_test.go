package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gee-project/gee/cache"
)

// gather returns every sample as "name{label=value,...}" -> value.
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName() + "{"
			for i, l := range m.GetLabel() {
				if i > 0 {
					key += ","
				}
				key += l.GetName() + "=" + l.GetValue()
			}
			key += "}"
			switch {
			case m.Counter != nil:
				out[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				out[key] = m.Gauge.GetValue()
			}
		}
	}
	return out
}

func TestCollectorExportsGroupStats(t *testing.T) {
	g := cache.NewGroup("scores", 1<<20, cache.GetterFunc(func(_ context.Context, k string) ([]byte, time.Time, error) {
		return []byte("v"), time.Time{}, nil
	}))
	ctx := context.Background()
	g.Get(ctx, "a") // miss, load
	g.Get(ctx, "a") // hit
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(NewCollector(g))
	got := gather(t, reg)
	want := map[string]float64{
		"geecache_gets_total{group=scores}":         2,
		"geecache_hits_total{group=scores}":         1,
		"geecache_local_loads_total{group=scores}":  1,
		"geecache_peer_errors_total{group=scores}":  0,
		"geecache_bytes{cache=main,group=scores}":   2,
		"geecache_bytes{cache=hot,group=scores}":    0,
		"geecache_entries{cache=main,group=scores}": 1,
		"geecache_entry_limit_bytes{group=scores}":  float64(g.MaxEntryBytes()),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != 12+5 {
		t.Fatalf("%d series, want 17 for one group: %v", len(got), got)
	}
}
