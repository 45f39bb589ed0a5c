package middleware

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gee-project/gee/web"
)

func TestRateLimitPerKey(t *testing.T) {
	e := web.New()
	e.Use(RateLimit(RateLimitConfig{Rate: 0.5, Burst: 2, Key: func(c *web.Context) string { return c.GetHeader("X-Key") }}))
	e.GET("/", func(c *web.Context) { c.String(200, "ok") })
	for i := 0; i < 2; i++ {
		check(t, do(e, "GET", "/", nil, "X-Key", "a"), 200, "ok")
	}
	w := do(e, "GET", "/", nil, "X-Key", "a")
	check(t, w, 429, "too many requests")
	if ra := w.Header().Get("Retry-After"); ra != "2" && ra != "1" {
		t.Fatalf("Retry-After %q", ra)
	}
	check(t, do(e, "GET", "/", nil, "X-Key", "b"), 200, "ok") // another key has its own bucket
}

func TestRateLimitDefaultKeyIsClientIP(t *testing.T) {
	e := web.New()
	e.Use(RateLimit(RateLimitConfig{Rate: 0.001, Burst: 1}))
	e.GET("/", func(c *web.Context) { c.String(200, "ok") })
	req := func(addr, xff string) int {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = addr
		r.Header.Set("X-Forwarded-For", xff)
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		return w.Code
	}
	if req("10.0.0.1:1", "1.1.1.1") != 200 || req("10.0.0.1:2", "2.2.2.2") != 429 {
		t.Fatal("an untrusted X-Forwarded-For gave a fresh bucket")
	}
	if req("10.0.0.2:1", "") != 200 {
		t.Fatal("another client was limited")
	}
}

// Clients inventing keys cannot grow the table past MaxKeys.
func TestRateLimitBoundsKeys(t *testing.T) {
	b := &buckets{cfg: RateLimitConfig{Rate: 1, Burst: 3, MaxKeys: 64}, m: map[string]*rate.Limiter{}}
	now := time.Now()
	for i := 0; i < 10000; i++ {
		b.take(fmt.Sprint("k", i), now)
		if len(b.m) > 64 {
			t.Fatalf("%d keys tracked", len(b.m))
		}
	}
	// Refilled buckets are dropped first: after they refill, an active
	// key's bucket survives the sweep.
	b2 := &buckets{cfg: RateLimitConfig{Rate: 1, Burst: 1, MaxKeys: 4}, m: map[string]*rate.Limiter{}}
	for i := 0; i < 3; i++ {
		b2.take(fmt.Sprint("k", i), now)
	}
	later := now.Add(10 * time.Second)
	b2.take("hot", later) // the table is now full; k0..k2 have refilled
	b2.take("new", later)
	if len(b2.m) != 2 {
		t.Fatalf("%d keys after the sweep, want hot and new", len(b2.m))
	}
	if _, ok := b2.m["hot"]; !ok {
		t.Fatal("a key in use was dropped while refilled ones were kept")
	}
	if wait := b2.take("hot", later); wait <= 0 {
		t.Fatal("hot key's bucket was reset by eviction")
	}
}
