package xclient

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Selector picks one server for a call from a non-empty candidate list.
type Selector interface {
	Select(ctx context.Context, method string, args any, servers []Server) Server
}

// Observer is implemented by selectors that learn from call outcomes.
type Observer interface {
	Observe(addr string, latency time.Duration, err error)
}

// Random picks uniformly at random.
type Random struct{}

// Select implements Selector.
func (Random) Select(_ context.Context, _ string, _ any, s []Server) Server {
	return s[rand.IntN(len(s))]
}

// RoundRobin cycles through the servers.
type RoundRobin struct{ n atomic.Uint64 }

// Select implements Selector.
func (r *RoundRobin) Select(_ context.Context, _ string, _ any, s []Server) Server {
	return s[(r.n.Add(1)-1)%uint64(len(s))]
}

// WeightedRoundRobin is nginx's smooth weighted round-robin: each server is
// chosen in proportion to its Weight, interleaved rather than in bursts.
type WeightedRoundRobin struct {
	mu      sync.Mutex
	current map[string]int
}

// Select implements Selector.
func (w *WeightedRoundRobin) Select(_ context.Context, _ string, _ any, s []Server) Server {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.current == nil {
		w.current = map[string]int{}
	}
	total, best := 0, -1
	for i, srv := range s {
		wt := max(srv.Weight, 1)
		total += wt
		w.current[srv.Addr] += wt
		if best < 0 || w.current[srv.Addr] > w.current[s[best].Addr] {
			best = i
		}
	}
	w.current[s[best].Addr] -= total
	return s[best]
}

// LeastLatency is power-of-two-choices on an exponentially weighted moving
// average of each server's latency: two random servers, the faster wins.
// Servers never measured count as fastest, so new servers get traffic.
type LeastLatency struct {
	mu   sync.Mutex
	ewma map[string]float64
}

// ewmaAlpha weights the newest sample; failures count as a slow sample.
const ewmaAlpha = 0.3

// Select implements Selector.
func (l *LeastLatency) Select(_ context.Context, _ string, _ any, s []Server) Server {
	if len(s) == 1 {
		return s[0]
	}
	i := rand.IntN(len(s))
	j := rand.IntN(len(s) - 1)
	if j >= i {
		j++
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ewma[s[j].Addr] < l.ewma[s[i].Addr] {
		return s[j]
	}
	return s[i]
}

// Observe implements Observer.
func (l *LeastLatency) Observe(addr string, d time.Duration, err error) {
	sample := float64(d)
	if err != nil {
		sample = max(sample, float64(time.Second))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ewma == nil {
		l.ewma = map[string]float64{}
	}
	if old, ok := l.ewma[addr]; ok {
		sample = ewmaAlpha*sample + (1-ewmaAlpha)*old
	}
	l.ewma[addr] = sample
}

// Latency reports a server's current EWMA latency (0 if never measured).
func (l *LeastLatency) Latency(addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return time.Duration(l.ewma[addr])
}
