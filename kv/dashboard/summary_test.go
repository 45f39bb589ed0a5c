package dashboard

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestSummaryAt10000Regions(t *testing.T) {
	f := newFake(5, 10000)
	var s summaryJSON
	size := getJSON(t, newTestHandler(f, -1), "/dashboard/api/summary", &s)
	if size > 16<<10 {
		t.Errorf("summary is %d bytes at 10,000 regions, want a bounded answer under 16 KiB", size)
	}
	if s.ClusterID != "4611686018427387911" {
		t.Errorf("cluster_id %q, want the full 64-bit id as a string", s.ClusterID)
	}
	if s.RegionCount != 10000 || len(s.Stores) != 5 || len(s.Operators) != DefaultOperatorLimit {
		t.Fatalf("region_count %d, %d stores, %d operators; want 10000, 5, %d", s.RegionCount, len(s.Stores), len(s.Operators), DefaultOperatorLimit)
	}
	for i, st := range s.Stores {
		if st.ID != uint64(i+1) || st.Replicas != 6000 || st.Leaders != 2000 || st.State != HealthUp {
			t.Errorf("store %+v, want id %d with 6000 replicas, 2000 leaders, up", st, i+1)
		}
		if want := int64(i+1) * 1000; st.HeartbeatAgeMs != want {
			t.Errorf("store %d heartbeat age %d ms, want %d", st.ID, st.HeartbeatAgeMs, want)
		}
	}
	tot := s.Totals
	if tot.Replicas != 30000 || tot.Leaders != 10000 || tot.Stores != 5 || tot.States[HealthUp] != 5 {
		t.Errorf("totals %+v, want 30000 replicas, 10000 leaders, 5 up stores", tot)
	}
	if tot.RequestsPerSec != 150 || tot.CommitsPerSec != 15 || tot.Capacity != 5*(100<<30) {
		t.Errorf("totals rates %v/%v capacity %d, want 150/15 and 500 GiB", tot.RequestsPerSec, tot.CommitsPerSec, tot.Capacity)
	}
}

func TestSummaryStoreStates(t *testing.T) {
	f := newFake(5, 10)
	f.stores[1].Health = HealthDown
	f.stores[2].Health = "something new" // not one of ours: shown as disconnected
	f.stores[3].LastHeartbeat = time.Time{}
	var s summaryJSON
	getJSON(t, newTestHandler(f, -1), "/dashboard/api/summary", &s)
	if s.Stores[1].State != HealthDown || s.Stores[2].State != HealthDisconnected {
		t.Errorf("states %q, %q; want down, disconnected", s.Stores[1].State, s.Stores[2].State)
	}
	if s.Stores[3].HeartbeatAgeMs != -1 {
		t.Errorf("never-heard store: heartbeat_age_ms %d, want -1", s.Stores[3].HeartbeatAgeMs)
	}
	if s.Totals.States[HealthDown] != 1 || s.Totals.States[HealthDisconnected] != 1 || s.Totals.States[HealthUp] != 3 {
		t.Errorf("totals.states %v", s.Totals.States)
	}
}

func TestSummaryCacheReadsSourceOncePerTTL(t *testing.T) {
	f := newFake(3, 100)
	now := testNow
	h := New(f, Options{CacheTTL: 500 * time.Millisecond, Now: func() time.Time { return now }})
	var s summaryJSON
	for range 10 {
		getJSON(t, h, "/dashboard/api/summary", &s)
		getJSON(t, h, "/dashboard/api/replicas", &replicasJSON{})
		getJSON(t, h, "/dashboard/api/regions", &regionsJSON{})
	}
	if f.reads != 1 {
		t.Fatalf("30 requests within the TTL read the regions %d times, want 1", f.reads)
	}
	f.setHealth(2, HealthOffline)
	now = now.Add(600 * time.Millisecond)
	getJSON(t, h, "/dashboard/api/summary", &s)
	if f.reads != 2 || s.Stores[1].State != HealthOffline {
		t.Fatalf("after the TTL: %d reads, store 2 %q; want 2 reads and offline", f.reads, s.Stores[1].State)
	}
}

func TestConcurrentBrowsersShareOneRead(t *testing.T) {
	f := newFake(5, 2000)
	h := New(f, Options{CacheTTL: time.Hour, Now: func() time.Time { return testNow }})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				p := []string{"/dashboard/api/summary", "/dashboard/api/replicas", "/dashboard/api/regions?store=" + strconv.Itoa(1+(g+i)%5)}[i%3]
				if w := do(t, h, http.MethodGet, p); w.Code != http.StatusOK {
					t.Errorf("GET %s: %d", p, w.Code)
				}
			}
		}()
	}
	wg.Wait()
	if f.reads != 1 {
		t.Errorf("80 concurrent requests read the regions %d times, want 1", f.reads)
	}
}
