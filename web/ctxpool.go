package web

import (
	"runtime"
	"sync"
)

// ctxPool recycles Contexts. In front of a sync.Pool it keeps one Context
// per P (processor) in a padded slot, reached while pinned to the P: that
// skips sync.Pool's bookkeeping, which was about a third of a static
// route's cost. A slot that is empty (another request on this P holds its
// Context) or missing (GOMAXPROCS grew; race builds have none) falls
// through to the sync.Pool.
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

// put returns c to the pool. It is not inlinable (two calls), so
// ServeHTTP repeats its body by hand on the hit path, and the get too.
func (p *ctxPool) put(c *Context) {
	pid := procPin()
	if uint(pid) < uint(len(p.slots)) {
		if s := &p.slots[pid]; s.c == nil {
			s.c, c = c, nil
		}
	}
	procUnpin()
	if c != nil {
		p.pool.Put(c)
	}
}
