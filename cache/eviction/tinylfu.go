package eviction

const (
	qWindow uint8 = iota + 1
	qProbation
	qProtected
)

// TinyLFU is W-TinyLFU (Einziger, Friedman, Manes 2017): new nodes enter a
// small LRU window; nodes leaving the window compete for the main space
// against its LRU victim and win only if the frequency sketch says they are
// more popular. The main space is a segmented LRU (probation, protected).
// The window absorbs bursts; the sketch filters scans and one-hit wonders.
type TinyLFU[V any] struct {
	capacity, windowCap, protectedCap int64

	window, probation, protected list[V]
	sketch                       *sketch
	fixedWidth                   bool
	climb                        climber
	adaptive                     bool
}

// Tuning of the segments as fractions of capacity.
// widthFactor keeps the sketch this many times wider than the entry count:
// fewer collisions measurably raised the hit ratio on Zipf traces.
const (
	windowPercent    = 1
	protectedPercent = 80
	widthFactor      = 8
)

// NewTinyLFU returns a W-TinyLFU policy holding at most capacity bytes.
// expectedEntries sizes the frequency sketch; 0 lets it grow with the
// number of nodes held.
// The window is fixed at 1% of capacity: on the Zipf traces measured in
// bench/cache that beat every adaptive variant tried (docs/cache.md).
func NewTinyLFU[V any](capacity int64, expectedEntries int) *TinyLFU[V] {
	return newTinyLFU[V](capacity, expectedEntries)
}

// NewTinyLFUAdaptive is NewTinyLFU whose window is sized by hill climbing
// on the hit ratio (see climber): better when the working set moves
// (recency-biased workloads), slightly worse on stationary Zipf traces,
// where sampling noise makes the window wander.
func NewTinyLFUAdaptive[V any](capacity int64, expectedEntries int) *TinyLFU[V] {
	p := newTinyLFU[V](capacity, expectedEntries)
	p.adaptive = true
	return p
}

func newTinyLFU[V any](capacity int64, expectedEntries int) *TinyLFU[V] {
	p := &TinyLFU[V]{capacity: capacity}
	p.windowCap = max(capacity*windowPercent/100, 1)
	p.protectedCap = (capacity - p.windowCap) * protectedPercent / 100
	p.window.init()
	p.probation.init()
	p.protected.init()
	if expectedEntries > 0 {
		p.sketch, p.fixedWidth = newSketch(expectedEntries), true
	} else {
		p.sketch = newSketch(256)
	}
	return p
}

// Bytes implements Policy.
func (p *TinyLFU[V]) Bytes() int64 {
	return p.window.bytes + p.probation.bytes + p.protected.bytes
}

// Len implements Policy.
func (p *TinyLFU[V]) Len() int { return p.window.n + p.probation.n + p.protected.n }

// Add implements Policy.
func (p *TinyLFU[V]) Add(n *Node[V], evict func(*Node[V])) {
	if p.adaptive {
		if d := p.climb.record(false, p.Len(), p.capacity); d != 0 {
			p.resize(d)
		}
	}
	p.growSketch()
	p.sketch.increment(n.Hash)
	n.queue = qWindow
	p.window.pushFront(n)
	for p.window.bytes > p.windowCap {
		c := p.window.back()
		p.window.remove(c)
		c.queue = qProbation
		p.probation.pushFront(c)
		p.evictFromMain(c, evict)
	}
	// The window can be under its share while the main space is full (it
	// shrinks when its nodes are removed), so the total needs its own check.
	for p.Bytes() > p.capacity {
		v := p.victim(n)
		if v == nil {
			v = n
		}
		p.drop(v, evict)
		if v == n {
			return
		}
	}
}

// victim returns the node to evict to make room for keep: the main space's
// LRU end first, then the window's, never keep itself (nil if nothing else).
func (p *TinyLFU[V]) victim(keep *Node[V]) *Node[V] {
	for _, l := range []*list[V]{&p.probation, &p.protected, &p.window} {
		for v := l.back(); v != nil && v != &l.root; v = v.prev {
			if v != keep {
				return v
			}
		}
	}
	return nil
}

// evictFromMain makes room for candidate c, just moved into probation, by
// duelling it against the main space's LRU victims.
func (p *TinyLFU[V]) evictFromMain(c *Node[V], evict func(*Node[V])) {
	defer func() { c.Admit = false }() // the promise holds for one duel
	for p.Bytes() > p.capacity {
		if c.Admit {
			v := p.victim(c)
			if v == nil {
				v = c
			}
			p.drop(v, evict)
			if v == c {
				return
			}
			continue
		}
		v := p.probation.back()
		if v == nil || v == c && p.probation.n == 1 {
			v = p.protected.back()
		}
		if v == nil || v == c {
			p.drop(c, evict)
			return
		}
		if cf, vf := p.sketch.estimate(c.Hash), p.sketch.estimate(v.Hash); cf > vf {
			p.drop(v, evict)
			continue
		}
		p.drop(c, evict)
		return
	}
}

func (p *TinyLFU[V]) drop(n *Node[V], evict func(*Node[V])) {
	p.Remove(n)
	evict(n)
}

// Access implements Policy.
func (p *TinyLFU[V]) Access(n *Node[V]) {
	if p.adaptive {
		if d := p.climb.record(true, p.Len(), p.capacity); d != 0 {
			p.resize(d)
		}
	}
	p.sketch.increment(n.Hash)
	switch n.queue {
	case qWindow:
		p.window.moveToFront(n)
	case qProtected:
		p.protected.moveToFront(n)
	case qProbation:
		p.probation.remove(n)
		n.queue = qProtected
		p.protected.pushFront(n)
		for p.protected.bytes > p.protectedCap {
			d := p.protected.back()
			p.protected.remove(d)
			d.queue = qProbation
			p.probation.pushFront(d)
		}
	}
}

// Remove implements Policy.
func (p *TinyLFU[V]) Remove(n *Node[V]) {
	switch n.queue {
	case qWindow:
		p.window.remove(n)
	case qProbation:
		p.probation.remove(n)
	case qProtected:
		p.protected.remove(n)
	}
	n.queue = 0
}

// growSketch keeps the sketch at least as wide as the number of nodes, so
// its error stays bounded when capacity is in bytes and entry count unknown.
func (p *TinyLFU[V]) growSketch() {
	if !p.fixedWidth && p.Len()*widthFactor >= p.sketch.width() {
		p.sketch = newSketch(2 * p.sketch.width())
	}
}
