package client

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// callCounts counts calls by "method/region".
func callCounts(calls []fakeCall) map[string]int {
	n := map[string]int{}
	for _, c := range calls {
		n[fmt.Sprintf("%s/%d", c.method, c.region)]++
	}
	return n
}

// Every region's prewrite, the primary's included, is sent before any of them is answered:
// each store holds its prewrite until all three arrived.
func TestTxnPrewriteAllRegionsAtOnce(t *testing.T) {
	fc, _, c := txnSetup(t)
	var arrived, late atomic.Int32
	fc.mu.Lock()
	fc.mvcc().beforePrewrite = func() {
		arrived.Add(1)
		for deadline := time.Now().Add(3 * time.Second); arrived.Load() < 3; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				late.Add(1)
				return
			}
		}
	}
	fc.mu.Unlock()
	commitKVs(t, c, "a", "1", "h", "2", "q", "3")
	if late.Load() != 0 {
		t.Fatalf("%d prewrites waited in vain for the other regions' prewrites: not sent at once", late.Load())
	}
	n := callCounts(fc.takeCalls())
	if n["prewrite/1"] != 1 || n["prewrite/2"] != 1 || n["prewrite/3"] != 1 {
		t.Fatalf("prewrites by region %v, want one each", n)
	}
	if got := view(t, c, "a", "h", "q"); got != "a=1 h=2 q=3" {
		t.Fatalf("read %s, want a=1 h=2 q=3", got)
	}
}

// A region that answered Locked wrote nothing: it alone is sent again, once the lock's
// (committed) transaction is resolved there.
func TestTxnPrewriteResendsLockedRegion(t *testing.T) {
	fc, _, c := txnSetup(t)
	abandon(t, c, time.Minute, true, "h", "old", "q", "old")
	fc.takeCalls()
	commitKVs(t, c, "a", "1", "i", "2", "q", "3")
	n := callCounts(fc.takeCalls())
	want := map[string]int{"prewrite/1": 1, "prewrite/2": 1, "prewrite/3": 2, "checktxn/2": 1, "resolve/3": 1}
	for k, v := range want {
		if n[k] != v {
			t.Fatalf("calls %v, want %s = %d", n, k, v)
		}
	}
	if got := view(t, c, "a", "h", "i", "q"); got != "a=1 h=old i=2 q=3" {
		t.Fatalf("read %s, want a=1 h=old i=2 q=3", got)
	}
}

// Once a transaction is known committed, its other locks are resolved without asking its
// primary again, and the read goes on at once.
func TestTxnStatusCacheSkipsCheck(t *testing.T) {
	fc, _, c := txnSetup(t)
	abandon(t, c, time.Minute, true, "b", "1", "i", "2", "r", "3")
	fc.takeCalls()
	if got := view(t, c, "i"); got != "i=2" {
		t.Fatalf("read %s, want i=2", got)
	}
	if n := callCounts(fc.takeCalls()); n["checktxn/1"] != 1 || n["resolve/2"] != 1 {
		t.Fatalf("first lock: calls %v, want one status check and one resolve", n)
	}
	start := time.Now()
	if got := view(t, c, "r"); got != "r=3" {
		t.Fatalf("read %s, want r=3", got)
	}
	n := callCounts(fc.takeCalls())
	if n["checktxn/1"] != 0 || n["resolve/3"] != 1 || n["kvget/3"] != 2 {
		t.Fatalf("second lock of a known txn: calls %v, want no status check, one resolve, two gets", n)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("second read took %v", d)
	}
}

// The cache keeps the newest statusCacheSize transactions.
func TestTxnStatusCacheBounded(t *testing.T) {
	var s statusCache
	for ts := uint64(1); ts <= statusCacheSize+10; ts++ {
		s.put(ts, ts*2)
	}
	if _, ok := s.get(10); ok {
		t.Fatal("oldest entries kept past the bound")
	}
	if c, ok := s.get(11); !ok || c != 22 {
		t.Fatalf("get(11) = %d, %v; want 22, true", c, ok)
	}
	if c, ok := s.get(statusCacheSize + 10); !ok || c != 2*(statusCacheSize+10) {
		t.Fatalf("newest entry = %d, %v", c, ok)
	}
	if len(s.m) != statusCacheSize {
		t.Fatalf("%d entries, want %d", len(s.m), statusCacheSize)
	}
}
