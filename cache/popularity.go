package cache

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// popularity estimates how many times each key was requested in the last
// window, with a pair of count-min sketches (current and previous window)
// whose counters are updated atomically. It decides hot-key replication by
// measured demand instead of a coin flip.
type popularity struct {
	seed   maphash.Seed
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex // guards rotation
	start atomic.Int64
	cur   atomic.Pointer[rateSketch]
	prev  atomic.Pointer[rateSketch]
}

const rateWidth = 4096 // per row; error is ~total/4096 per window

type rateSketch [4][rateWidth]atomic.Uint32

func newPopularity(window time.Duration, now func() time.Time) *popularity {
	p := &popularity{seed: maphash.MakeSeed(), window: window, now: now}
	p.cur.Store(new(rateSketch))
	p.prev.Store(new(rateSketch))
	p.start.Store(now().UnixNano())
	return p
}

func (p *popularity) cells(key string) [4]uint32 {
	h := maphash.String(p.seed, key)
	var c [4]uint32
	for r := range c {
		x := (h ^ h>>31) * sketchMul[r]
		c[r] = uint32(x>>40) % rateWidth
	}
	return c
}

var sketchMul = [4]uint64{0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9, 0x94d049bb133111eb, 0xd6e8feb86659fd93}

// rotate starts a new window when the current one is over. It returns the
// fraction of the current window already elapsed.
func (p *popularity) rotate() float64 {
	now := p.now().UnixNano()
	el := now - p.start.Load()
	if el < int64(p.window) {
		return float64(el) / float64(p.window)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if el = now - p.start.Load(); el >= int64(p.window) {
		old := p.cur.Load()
		if el >= 2*int64(p.window) {
			old = new(rateSketch) // idle for two windows: forget everything
		}
		p.prev.Store(old)
		p.cur.Store(new(rateSketch))
		p.start.Store(now)
		el = 0
	}
	return float64(el) / float64(p.window)
}

// add records one request for key and returns the updated estimate of
// requests in the last window.
func (p *popularity) add(key string) float64 {
	frac := p.rotate()
	cur, prev := p.cur.Load(), p.prev.Load()
	c := p.cells(key)
	var n uint32 = 1<<32 - 1
	for r, i := range c {
		if v := cur[r][i].Add(1); v < n {
			n = v
		}
	}
	return float64(n) + (1-frac)*float64(minCell(prev, c))
}

func minCell(s *rateSketch, c [4]uint32) uint32 {
	var n uint32 = 1<<32 - 1
	for r, i := range c {
		n = min(n, s[r][i].Load())
	}
	return n
}
