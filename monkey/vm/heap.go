package vm

import (
	"unsafe"

	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/token"
)

// Array is an immutable array. Arrays made by push and rest share backing
// storage: push appends in place when no other array has already used the
// slot after this one's end, so building an n-element array by repeated
// push costs O(n), not O(n²), while every array still looks immutable.
type Array struct {
	elems []Value
	end   *int // length in use of the shared backing, counted from its start
	off   int  // where elems starts in the backing
}

func newArray(elems []Value) *Array {
	end := len(elems)
	return &Array{elems: elems, end: &end}
}

// push returns a new array with v appended.
func (a *Array) push(v Value) *Array {
	n := len(a.elems)
	if n < cap(a.elems) && *a.end == a.off+n {
		elems := a.elems[:n+1]
		elems[n] = v
		*a.end = a.off + n + 1
		return &Array{elems: elems, end: a.end, off: a.off}
	}
	elems := make([]Value, n+1, max(4, 2*n+1))
	copy(elems, a.elems)
	elems[n] = v
	return newArray(elems)
}

// rest returns the array without its first element, sharing storage.
func (a *Array) rest() *Array {
	return &Array{elems: a.elems[1:], end: a.end, off: a.off + 1}
}

// Hash is an immutable map that remembers first-insertion order, as the
// evaluator's does. Keys are indexed by kind, so integer keys hash as plain
// int64s.
type Hash struct {
	ints  map[int64]int32
	strs  map[string]int32
	bools [2]int32 // position+1 of false and true, 0 when absent
	hint  int      // expected size, for the first map made
	keys  []Value
	vals  []Value
}

func newHash(n int) *Hash {
	return &Hash{hint: n, keys: make([]Value, 0, n), vals: make([]Value, 0, n)}
}

// hashable reports whether v can be a hash key.
func hashable(v Value) bool { return v.k == kInt || v.k == kBool || v.k == kString }

// find returns the position of key k.
func (h *Hash) find(k Value) (int, bool) {
	var i int32
	var ok bool
	switch k.k {
	case kInt:
		i, ok = h.ints[k.i]
	case kString:
		i, ok = h.strs[k.str()]
	case kBool:
		i, ok = h.bools[k.i]-1, h.bools[k.i] > 0
	}
	return int(i), ok
}

// set stores v under the hashable key k; a key set twice keeps its first
// position.
func (h *Hash) set(k, v Value) {
	if i, ok := h.find(k); ok {
		h.keys[i], h.vals[i] = k, v
		return
	}
	n := int32(len(h.keys))
	switch k.k {
	case kInt:
		if h.ints == nil {
			h.ints = make(map[int64]int32, h.hint)
		}
		h.ints[k.i] = n
	case kString:
		if h.strs == nil {
			h.strs = make(map[string]int32, h.hint)
		}
		h.strs[k.str()] = n
	case kBool:
		h.bools[k.i] = n + 1
	}
	h.keys = append(h.keys, k)
	h.vals = append(h.vals, v)
}

// Closure is a function value with its captured variables.
type Closure struct {
	fn   *proto
	free []Value
}

// proto is a compiled function decoded for execution.
type proto struct {
	code      []instr
	cb        unsafe.Pointer   // &code[0]
	pos       []token.Position // per instruction, for errors
	numParams int
	numRegs   int
	src       *compiler.Function
}
