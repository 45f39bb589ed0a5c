package dashboard

import (
	"net/http"
	"testing"
)

// BenchmarkSummaryAndReplicas10000 is one browser refresh's cluster-wide work at 10,000 regions
// over 5 stores with the cache off: a Source read, then the summary and the replica buckets.
func BenchmarkSummaryAndReplicas10000(b *testing.B) {
	h := newTestHandler(newFake(5, 10000), -1)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range []string{"/dashboard/api/summary", "/dashboard/api/replicas"} {
			if w := do(b, h, http.MethodGet, p); w.Code != http.StatusOK {
				b.Fatalf("GET %s: %d", p, w.Code)
			}
		}
	}
}

// BenchmarkSummaryAndReplicasCached10000 is the same refresh within the cache period: what the
// 2nd to Nth open browser costs.
func BenchmarkSummaryAndReplicasCached10000(b *testing.B) {
	h := newTestHandler(newFake(5, 10000), DefaultCacheTTL)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range []string{"/dashboard/api/summary", "/dashboard/api/replicas"} {
			if w := do(b, h, http.MethodGet, p); w.Code != http.StatusOK {
				b.Fatalf("GET %s: %d", p, w.Code)
			}
		}
	}
}
