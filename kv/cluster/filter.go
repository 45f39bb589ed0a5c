package cluster

import (
	"math/rand"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
)

// Envelope is one message on its way through the filters. Filters compose: any filter
// may drop it, delays add up, and duplicates add copies.
type Envelope struct {
	From, To uint64
	Msg      *raftserverpb.RaftMessage
	Snapshot bool // the message carries a raft snapshot

	Drop   bool
	Delay  time.Duration
	Copies int // how many copies are delivered; starts at 1
	// DupDelay further delays every copy after the first, so a duplicate can arrive
	// long after the original (a stale retransmission).
	DupDelay time.Duration

	rng *rand.Rand
}

// Float64 draws from the network's seeded generator (filters run with it held).
func (e *Envelope) Float64() float64 { return e.rng.Float64() }

// Int63n draws from the network's seeded generator.
func (e *Envelope) Int63n(n int64) int64 { return e.rng.Int63n(n) }

// Filter decides the fate of a message by editing its envelope.
type Filter interface {
	Apply(e *Envelope)
}

// FilterFunc adapts a function to Filter.
type FilterFunc func(e *Envelope)

// Apply calls f.
func (f FilterFunc) Apply(e *Envelope) { f(e) }

// Partition drops every message between stores in different groups. A store in no group
// is cut off from everyone (it forms a group of its own).
func Partition(groups ...[]uint64) Filter {
	side := make(map[uint64]int)
	for i, g := range groups {
		for _, id := range g {
			side[id] = i + 1
		}
	}
	return FilterFunc(func(e *Envelope) {
		a, b := side[e.From], side[e.To]
		if a == 0 || b == 0 || a != b {
			e.Drop = true
		}
	})
}

// Isolate cuts store id off from every other store.
func Isolate(id uint64) Filter {
	return FilterFunc(func(e *Envelope) {
		if e.From == id || e.To == id {
			e.Drop = true
		}
	})
}

// Drop loses each message with probability p.
func Drop(p float64) Filter {
	return FilterFunc(func(e *Envelope) {
		if e.Float64() < p {
			e.Drop = true
		}
	})
}

// Delay holds each message with probability p for a uniform time in [lo, hi]. Different
// delays reorder messages, so Delay(1, 0, d) is also the reorder filter.
func Delay(p float64, lo, hi time.Duration) Filter {
	return FilterFunc(func(e *Envelope) {
		if e.Float64() >= p {
			return
		}
		d := lo
		if hi > lo {
			d += time.Duration(e.Int63n(int64(hi - lo + 1)))
		}
		e.Delay += d
	})
}

// Duplicate delivers an extra copy of each message with probability p.
func Duplicate(p float64) Filter {
	return FilterFunc(func(e *Envelope) {
		if e.Float64() < p {
			e.Copies++
		}
	})
}

// SnapshotInterceptor watches messages that carry snapshots: it counts them and can drop
// or delay them. Its fields may be changed while the network runs.
type SnapshotInterceptor struct {
	Seen    atomic.Int64 // snapshot messages that reached the filter
	Dropped atomic.Int64 // of those, dropped here
	drop    atomic.Bool
	delay   atomic.Int64 // nanoseconds
	dup     atomic.Int64 // nanoseconds; 0 = no duplicate
}

// SetDuplicate makes every snapshot message arrive a second time, after after more (0
// turns it off): the late copy is older than what the receiver has by then.
func (s *SnapshotInterceptor) SetDuplicate(after time.Duration) { s.dup.Store(int64(after)) }

// SetDrop makes the interceptor drop (true) or pass (false) snapshot messages.
func (s *SnapshotInterceptor) SetDrop(drop bool) { s.drop.Store(drop) }

// SetDelay holds every snapshot message for d.
func (s *SnapshotInterceptor) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// Apply implements Filter.
func (s *SnapshotInterceptor) Apply(e *Envelope) {
	if !e.Snapshot {
		return
	}
	s.Seen.Add(1)
	if s.drop.Load() {
		s.Dropped.Add(1)
		e.Drop = true
		return
	}
	e.Delay += time.Duration(s.delay.Load())
	if d := s.dup.Load(); d > 0 {
		e.Copies++
		e.DupDelay += time.Duration(d)
	}
}
