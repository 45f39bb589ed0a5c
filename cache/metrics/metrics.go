// Package metrics exports GeeCache groups' counters as Prometheus metrics
// (github.com/prometheus/client_golang). It reads Group.Stats at scrape
// time, so the cache's hot path pays nothing for it.
//
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(metrics.NewCollector(scores, users))
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gee-project/gee/cache"
)

// Collector is a prometheus.Collector over a fixed set of groups. Every
// metric has a "group" label; bytes and entries also a "cache" label
// ("main" or "hot").
type Collector struct {
	groups []*cache.Group
}

// NewCollector returns a collector for groups.
func NewCollector(groups ...*cache.Group) *Collector {
	return &Collector{groups: groups}
}

type counter struct {
	desc *prometheus.Desc
	get  func(cache.Stats) int64
}

func newCounter(name, help string, get func(cache.Stats) int64) counter {
	return counter{prometheus.NewDesc("geecache_"+name+"_total", help, []string{"group"}, nil), get}
}

var counters = []counter{
	newCounter("gets", "Get calls.", func(s cache.Stats) int64 { return s.Gets }),
	newCounter("hits", "Gets served from the main or hot cache.", func(s cache.Stats) int64 { return s.Hits }),
	newCounter("hot_hits", "Of hits, those served from the hot cache.", func(s cache.Stats) int64 { return s.HotHits }),
	newCounter("loads", "Misses not absorbed by singleflight.", func(s cache.Stats) int64 { return s.Loads }),
	newCounter("local_loads", "Loads done by this node's getter.", func(s cache.Stats) int64 { return s.LocalLoads }),
	newCounter("peer_loads", "Loads answered by the owner peer.", func(s cache.Stats) int64 { return s.PeerLoads }),
	newCounter("peer_errors", "Failed peer fetches (then loaded locally).", func(s cache.Stats) int64 { return s.PeerErrors }),
	newCounter("fallback_loads", "Local loads made because the owner did not answer.", func(s cache.Stats) int64 { return s.FallbackLoads }),
	newCounter("load_errors", "Getter errors returned to callers.", func(s cache.Stats) int64 { return s.LoadErrors }),
	newCounter("server_requests", "Requests received from peers.", func(s cache.Stats) int64 { return s.ServerRequests }),
	newCounter("hot_copies", "Remote values kept as hot copies.", func(s cache.Stats) int64 { return s.HotCopies }),
	newCounter("evictions", "Entries evicted from the main and hot caches.", func(s cache.Stats) int64 { return s.Evictions }),
}

var (
	bytesDesc   = prometheus.NewDesc("geecache_bytes", "Bytes of keys and values held.", []string{"group", "cache"}, nil)
	entriesDesc = prometheus.NewDesc("geecache_entries", "Entries held.", []string{"group", "cache"}, nil)
	limitDesc   = prometheus.NewDesc("geecache_entry_limit_bytes", "Largest entry (key and value) a Set accepts.", []string{"group"}, nil)
)

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range counters {
		ch <- m.desc
	}
	ch <- bytesDesc
	ch <- entriesDesc
	ch <- limitDesc
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for _, g := range c.groups {
		st, name := g.Stats(), g.Name()
		for _, m := range counters {
			ch <- prometheus.MustNewConstMetric(m.desc, prometheus.CounterValue, float64(m.get(st)), name)
		}
		ch <- prometheus.MustNewConstMetric(bytesDesc, prometheus.GaugeValue, float64(st.MainBytes), name, "main")
		ch <- prometheus.MustNewConstMetric(bytesDesc, prometheus.GaugeValue, float64(st.HotBytes), name, "hot")
		ch <- prometheus.MustNewConstMetric(entriesDesc, prometheus.GaugeValue, float64(st.MainEntries), name, "main")
		ch <- prometheus.MustNewConstMetric(entriesDesc, prometheus.GaugeValue, float64(st.HotEntries), name, "hot")
		ch <- prometheus.MustNewConstMetric(limitDesc, prometheus.GaugeValue, float64(g.MaxEntryBytes()), name)
	}
}
