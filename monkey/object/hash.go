package object

import "sort"

// HashKey identifies a hashable value: equal values have equal keys, and
// (unlike a plain hash code) different values never share one.
type HashKey struct {
	Type  ObjectType
	Value uint64
	Str   string
}

// Hashable is a value usable as a hash key: integers, booleans and strings.
type Hashable interface {
	Object
	HashKey() HashKey
}

// HashKey returns the integer's key.
func (i *Integer) HashKey() HashKey { return HashKey{Type: INTEGER_OBJ, Value: uint64(i.Value)} }

// HashKey returns the boolean's key.
func (b *Boolean) HashKey() HashKey {
	if b.Value {
		return HashKey{Type: BOOLEAN_OBJ, Value: 1}
	}
	return HashKey{Type: BOOLEAN_OBJ}
}

// HashKey returns the string's key.
func (s *String) HashKey() HashKey { return HashKey{Type: STRING_OBJ, Str: s.Value} }

// HashPair is a stored key and its value.
type HashPair struct {
	Key   Object
	Value Object
}

// Hash maps hashable keys to values and remembers insertion order, so
// printing is deterministic. Build it with NewHash and Set.
type Hash struct {
	Pairs map[HashKey]HashPair
	Order []HashKey // keys in first-insertion order
}

// NewHash returns an empty hash with room for n pairs.
func NewHash(n int) *Hash {
	return &Hash{Pairs: make(map[HashKey]HashPair, n), Order: make([]HashKey, 0, n)}
}

// Set stores value under key; a key set twice keeps its first position.
func (h *Hash) Set(key Hashable, value Object) {
	k := key.HashKey()
	if _, ok := h.Pairs[k]; !ok {
		h.Order = append(h.Order, k)
	}
	h.Pairs[k] = HashPair{Key: key, Value: value}
}

// Get returns the value stored under key.
func (h *Hash) Get(key Hashable) (Object, bool) {
	p, ok := h.Pairs[key.HashKey()]
	return p.Value, ok
}

// Type returns HASH.
func (h *Hash) Type() ObjectType { return HASH_OBJ }

// Inspect prints "{k: v, ...}" in insertion order.
func (h *Hash) Inspect() string { return inspectBounded(h) }

// Keys returns the keys in insertion order (or sorted, for a hash built
// without Set).
func (h *Hash) Keys() []HashKey { return h.orderedKeys() }

// orderedKeys returns the keys in insertion order.
func (h *Hash) orderedKeys() []HashKey {
	if len(h.Order) != len(h.Pairs) {
		return h.sortedKeys() // built without Set: fall back to a stable order
	}
	return h.Order
}

func (h *Hash) sortedKeys() []HashKey {
	keys := make([]HashKey, 0, len(h.Pairs))
	for k := range h.Pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return h.Pairs[keys[i]].Key.Inspect() < h.Pairs[keys[j]].Key.Inspect()
	})
	return keys
}
