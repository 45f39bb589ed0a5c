package middleware

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/gee-project/gee/web"
)

// RateLimitConfig configures RateLimit.
type RateLimitConfig struct {
	// Rate is the sustained requests per second allowed per key.
	Rate rate.Limit
	// Burst is how many requests a key may make at once (at least 1).
	Burst int
	// Key names the client a request counts against; default c.ClientIP()
	// (which believes forwarding headers only from trusted proxies).
	Key func(*web.Context) string
	// MaxKeys bounds the keys tracked at once (default 10 000), so clients
	// inventing keys cannot grow memory without bound.
	MaxKeys int
}

// RateLimit allows each key a token bucket of cfg.Rate per second and
// cfg.Burst at once (golang.org/x/time/rate). Over the limit it answers
// 429 with Retry-After in whole seconds and aborts.
func RateLimit(cfg RateLimitConfig) web.HandlerFunc {
	if cfg.Burst < 1 {
		cfg.Burst = 1
	}
	if cfg.Key == nil {
		cfg.Key = func(c *web.Context) string { return c.ClientIP() }
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = 10000
	}
	b := &buckets{cfg: cfg, m: make(map[string]*rate.Limiter)}
	return func(c *web.Context) {
		now := time.Now()
		if wait := b.take(cfg.Key(c), now); wait > 0 {
			c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			c.AbortWithStatusJSON(http.StatusTooManyRequests, web.H{"error": "too many requests"})
			return
		}
		c.Next()
	}
}

// buckets holds one limiter per key.
type buckets struct {
	cfg RateLimitConfig
	mu  sync.Mutex
	m   map[string]*rate.Limiter
}

// take spends a token of key's bucket, or returns how long until one is
// available.
func (b *buckets) take(key string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	lim, ok := b.m[key]
	if !ok {
		if len(b.m) >= b.cfg.MaxKeys {
			b.evict(now)
		}
		lim = rate.NewLimiter(b.cfg.Rate, b.cfg.Burst)
		b.m[key] = lim
	}
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// evict drops the buckets that have refilled: a new one would be the
// same, so dropping them loses nothing. If all are in use it drops an
// eighth of them (a dropped key starts afresh, so memory stays bounded
// at the cost of leniency towards those keys).
func (b *buckets) evict(now time.Time) {
	for k, lim := range b.m {
		if lim.TokensAt(now) >= float64(b.cfg.Burst) {
			delete(b.m, k)
		}
	}
	drop := len(b.m) - b.cfg.MaxKeys*7/8
	for k := range b.m {
		if drop <= 0 {
			break
		}
		delete(b.m, k)
		drop--
	}
}
