package eviction

// Node is one cache entry as a policy sees it. The store that owns the
// entries fills Key, Value, Hash and Size; the link fields belong to the
// policy the node is added to.
type Node[V any] struct {
	Key   string
	Value V
	Hash  uint64 // a well-mixed hash of Key, used by frequency sketches
	Size  int64  // bytes charged against the capacity
	// Admit asks the policy to keep the node even when its popularity
	// would lose the admission duel: an explicit write must be stored.
	// A node larger than the capacity is still refused.
	Admit bool

	prev, next *Node[V]
	queue      uint8
}

// list is an intrusive circular doubly-linked list with byte accounting.
type list[V any] struct {
	root  Node[V]
	bytes int64
	n     int
}

func (l *list[V]) init() *list[V] {
	l.root.next, l.root.prev = &l.root, &l.root
	return l
}

func (l *list[V]) pushFront(n *Node[V]) {
	n.prev, n.next = &l.root, l.root.next
	l.root.next.prev = n
	l.root.next = n
	l.bytes += n.Size
	l.n++
}

func (l *list[V]) remove(n *Node[V]) {
	n.prev.next, n.next.prev = n.next, n.prev
	n.prev, n.next = nil, nil
	l.bytes -= n.Size
	l.n--
}

func (l *list[V]) moveToFront(n *Node[V]) {
	if l.root.next == n {
		return
	}
	n.prev.next, n.next.prev = n.next, n.prev
	n.prev, n.next = &l.root, l.root.next
	l.root.next.prev = n
	l.root.next = n
}

// back returns the least recently used node, or nil.
func (l *list[V]) back() *Node[V] {
	if l.n == 0 {
		return nil
	}
	return l.root.prev
}
