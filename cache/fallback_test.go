package cache

import (
	"errors"
	"testing"
	"time"
)

// A value loaded here because the owner was down lives at most FallbackTTL,
// and is dropped as soon as the owner answers again.
func TestFallbackCopiesExpireAndLeaveWhenOwnerReturns(t *testing.T) {
	fp := &fakePeer{fail: errors.New("connection refused")}
	cg := &countingGetter{}
	g, err := NewGroupWithOptions("g", 1<<20, cg, Options{FallbackTTL: time.Hour, HotCacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	g.now = func() time.Time { return now }
	g.SetPeers(remoteAll{fp})
	if v, err := g.Get(ctx, "a"); err != nil || v.String() != "v:a" {
		t.Fatalf("fallback Get = %q, %v", v.String(), err)
	}
	if _, exp, ok := g.main.Peek("a"); !ok || exp != now.Add(time.Hour).UnixNano() {
		t.Fatalf("fallback copy: ok=%v expire=%d, want now+FallbackTTL", ok, exp)
	}
	if st := g.Stats(); st.FallbackLoads != 1 || st.PeerErrors != 1 {
		t.Fatalf("stats = %+v", st)
	}
	g.Get(ctx, "a") // served from the fallback copy while the owner is down
	if cg.n("a") != 1 {
		t.Fatalf("getter ran %d times", cg.n("a"))
	}

	fp.mu.Lock()
	fp.fail = nil // the owner is back
	fp.mu.Unlock()
	if v, _ := g.Get(ctx, "b"); v.String() != "remote:b" {
		t.Fatalf("owner back: Get(b) = %q", v.String())
	}
	if v, _ := g.Get(ctx, "a"); v.String() != "remote:a" {
		t.Fatalf("after the owner answered, Get(a) = %q; the fallback copy should be gone", v.String())
	}
}

func TestFallbackCopyExpiresAfterFallbackTTL(t *testing.T) {
	fp := &fakePeer{fail: errors.New("timeout")}
	g, _ := NewGroupWithOptions("g", 1<<20, &countingGetter{}, Options{FallbackTTL: 20 * time.Millisecond, HotCacheBytes: -1})
	g.SetPeers(remoteAll{fp})
	g.Get(ctx, "a")
	if _, _, ok := g.main.Peek("a"); !ok {
		t.Fatal("fallback copy not cached at all")
	}
	time.Sleep(30 * time.Millisecond)
	if _, _, ok := g.main.Peek("a"); ok {
		t.Fatal("fallback copy outlived FallbackTTL")
	}
}
