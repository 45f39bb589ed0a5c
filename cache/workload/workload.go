// Package workload generates reproducible cache access traces (Zipf with
// any exponent, Zipf polluted by scans) and computes Belady's optimal hit
// ratio for them, as a reference line for policy benchmarks.
package workload

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"
)

// Zipf draws ranks in [0, n) with P(rank k) proportional to 1/(k+1)^s. Unlike
// math/rand's Zipf it accepts any s > 0, including s < 1.
type Zipf struct {
	cdf []float64
	rng *rand.Rand
}

// NewZipf returns a generator over n items with exponent s, seeded by seed.
func NewZipf(n int, s float64, seed uint64) *Zipf {
	cdf := make([]float64, n)
	sum := 0.0
	for k := range cdf {
		sum += math.Pow(float64(k+1), -s)
		cdf[k] = sum
	}
	for k := range cdf {
		cdf[k] /= sum
	}
	return &Zipf{cdf: cdf, rng: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))}
}

// Next returns the next rank.
func (z *Zipf) Next() uint64 {
	u := z.rng.Float64()
	i, _ := slices.BinarySearch(z.cdf, u)
	return uint64(min(i, len(z.cdf)-1))
}

// ZipfTrace returns length ranks drawn from NewZipf(n, s, seed).
func ZipfTrace(n int, s float64, length int, seed uint64) []uint64 {
	z := NewZipf(n, s, seed)
	t := make([]uint64, length)
	for i := range t {
		t[i] = z.Next()
	}
	return t
}

// ScanTrace is a Zipf trace over n keys in which, every scanEvery requests,
// a sequential scan of scanLen never-repeated keys (ids >= n) is inserted,
// the pattern of a batch job or crawler sweeping a cache.
func ScanTrace(n int, s float64, length, scanEvery, scanLen int, seed uint64) []uint64 {
	z := NewZipf(n, s, seed)
	t := make([]uint64, 0, length)
	next := uint64(n)
	for len(t) < length {
		for i := 0; i < scanEvery && len(t) < length; i++ {
			t = append(t, z.Next())
		}
		for i := 0; i < scanLen && len(t) < length; i++ {
			t = append(t, next)
			next++
		}
	}
	return t
}

// Belady returns the hit ratio of the clairvoyant policy that, on a miss
// with a full cache of capacity entries, evicts the entry used furthest in
// the future (or skips caching an item used later than all cached ones).
func Belady(trace []uint64, capacity int) float64 {
	if len(trace) == 0 || capacity <= 0 {
		return 0
	}
	nextUse := make([]int, len(trace))
	last := make(map[uint64]int)
	for i := len(trace) - 1; i >= 0; i-- {
		nextUse[i] = math.MaxInt
		if j, ok := last[trace[i]]; ok {
			nextUse[i] = j
		}
		last[trace[i]] = i
	}
	cached := make(map[uint64]int, capacity) // key -> its next use
	h := &useHeap{}
	hits := 0
	for i, k := range trace {
		nu := nextUse[i]
		if _, ok := cached[k]; ok {
			hits++
			cached[k] = nu
			heap.Push(h, use{k, nu})
			continue
		}
		if nu == math.MaxInt {
			continue
		}
		if len(cached) >= capacity {
			v := h.popLive(cached)
			if v.next <= nu {
				heap.Push(h, v)
				continue
			}
			delete(cached, v.key)
		}
		cached[k] = nu
		heap.Push(h, use{k, nu})
	}
	return float64(hits) / float64(len(trace))
}

type use struct {
	key  uint64
	next int
}

// useHeap is a max-heap on next use with lazy deletion of stale entries.
type useHeap []use

func (h useHeap) Len() int           { return len(h) }
func (h useHeap) Less(i, j int) bool { return h[i].next > h[j].next }
func (h useHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *useHeap) Push(x any)        { *h = append(*h, x.(use)) }
func (h *useHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// popLive pops entries until one matches the cached next use of its key.
func (h *useHeap) popLive(cached map[uint64]int) use {
	for {
		u := heap.Pop(h).(use)
		if nu, ok := cached[u.key]; ok && nu == u.next {
			return u
		}
	}
}
