package web

import (
	"runtime"
	"sync"
	"unsafe"
)

// ctxPool recycles Contexts. In front of a sync.Pool it keeps one Context
// per P (processor) in a padded slot, reached while pinned to the P: that
// skips sync.Pool's bookkeeping, which costs a static route about a third
// more CPU time (TestCPUTime: 18–20 ns against 30–32 ns; doing the slot
// accesses with atomics instead of pinning cost 28 ns). A slot that is
// empty (another request on this P holds its Context) or missing
// (GOMAXPROCS grew, or the build has no procPin: see procpin_*.go) falls
// through to the sync.Pool.
//
// Race builds run this same code. Pinning makes each slot's accesses
// mutually exclusive, which the race detector cannot see, so every access
// is bracketed by raceAcquire/raceRelease on the slot, as a lock would be;
// in other builds those are empty and compile away.
type ctxPool struct {
	slots []ctxSlot
	pool  sync.Pool
}

// ctxSlot is padded to a cache line so Ps do not share lines.
type ctxSlot struct {
	c *Context
	_ [56]byte
}

func (p *ctxPool) init(newContext func() *Context) {
	if usePerP {
		p.slots = make([]ctxSlot, runtime.GOMAXPROCS(0))
	}
	p.pool.New = func() any { return newContext() }
}

// take empties the slot, returning its Context or nil. Call pinned.
func (s *ctxSlot) take() *Context {
	raceAcquire(unsafe.Pointer(s))
	c := s.c
	s.c = nil
	raceRelease(unsafe.Pointer(s))
	return c
}

// give fills the slot if it is empty and reports whether it did. Call pinned.
func (s *ctxSlot) give(c *Context) bool {
	raceAcquire(unsafe.Pointer(s))
	ok := s.c == nil
	if ok {
		s.c = c
	}
	raceRelease(unsafe.Pointer(s))
	return ok
}

// put returns c to the pool. ServeHTTP repeats it, and the get, by hand:
// neither is inlinable.
func (p *ctxPool) put(c *Context) {
	pid := procPin()
	if uint(pid) < uint(len(p.slots)) && p.slots[pid].give(c) {
		c = nil
	}
	procUnpin()
	if c != nil {
		p.pool.Put(c)
	}
}
