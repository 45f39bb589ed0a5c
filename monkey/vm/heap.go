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

// hashKey identifies a hashable value.
type hashKey struct {
	k kind
	i int64
	s string
}

// Hash is an immutable map that remembers first-insertion order, as the
// evaluator's does.
type Hash struct {
	index map[hashKey]int
	keys  []Value
	vals  []Value
}

func newHash(n int) *Hash {
	return &Hash{index: make(map[hashKey]int, n), keys: make([]Value, 0, n), vals: make([]Value, 0, n)}
}

func keyOf(v Value) (hashKey, bool) {
	switch v.k {
	case kInt, kBool:
		return hashKey{k: v.k, i: v.i}, true
	case kString:
		return hashKey{k: kString, s: v.str()}, true
	}
	return hashKey{}, false
}

// set stores v under k; a key set twice keeps its first position.
func (h *Hash) set(key hashKey, k, v Value) {
	if i, ok := h.index[key]; ok {
		h.keys[i], h.vals[i] = k, v
		return
	}
	h.index[key] = len(h.keys)
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
