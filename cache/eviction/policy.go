// Package eviction holds byte-accounted cache replacement policies: a
// W-TinyLFU policy (the default: an LRU window in front of a segmented LRU
// main space guarded by a frequency sketch) and plain LRU.
//
// Policies only order nodes and pick victims; they are not safe for
// concurrent use and keep no map. The owning store serialises calls.
package eviction

// Policy decides which nodes stay within a byte capacity.
type Policy[V any] interface {
	// Add inserts a node that is not in the policy yet. Every node that
	// must leave to respect the capacity, which may be n itself when the
	// policy declines to admit it, is removed and passed to evict.
	Add(n *Node[V], evict func(*Node[V]))
	// Access records a hit on a node in the policy.
	Access(n *Node[V])
	// Remove takes a node out of the policy.
	Remove(n *Node[V])
	// Bytes is the sum of Size over the nodes held.
	Bytes() int64
	// Len is the number of nodes held.
	Len() int
}

// Kind names a policy for configuration.
type Kind string

// Policy kinds.
const (
	KindTinyLFU         Kind = "tinylfu"
	KindTinyLFUAdaptive Kind = "tinylfu-adaptive" // window sized by hill climbing
	KindLRU             Kind = "lru"
)

// New returns a policy of the given kind; an empty kind means TinyLFU.
func New[V any](kind Kind, capacity int64) (Policy[V], bool) {
	switch kind {
	case "", KindTinyLFU:
		return NewTinyLFU[V](capacity, 0), true
	case KindTinyLFUAdaptive:
		return NewTinyLFUAdaptive[V](capacity, 0), true
	case KindLRU:
		return NewLRU[V](capacity), true
	}
	return nil, false
}

// LRU evicts the least recently used node first.
type LRU[V any] struct {
	capacity int64
	l        list[V]
}

// NewLRU returns an LRU policy holding at most capacity bytes.
func NewLRU[V any](capacity int64) *LRU[V] {
	p := &LRU[V]{capacity: capacity}
	p.l.init()
	return p
}

// Add implements Policy.
func (p *LRU[V]) Add(n *Node[V], evict func(*Node[V])) {
	p.l.pushFront(n)
	for p.l.bytes > p.capacity {
		v := p.l.back()
		p.l.remove(v)
		evict(v)
	}
}

// Access implements Policy.
func (p *LRU[V]) Access(n *Node[V]) { p.l.moveToFront(n) }

// Remove implements Policy.
func (p *LRU[V]) Remove(n *Node[V]) { p.l.remove(n) }

// Bytes implements Policy.
func (p *LRU[V]) Bytes() int64 { return p.l.bytes }

// Len implements Policy.
func (p *LRU[V]) Len() int { return p.l.n }
