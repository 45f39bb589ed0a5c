package vm

import (
	"unsafe"

	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/token"
)

// arrayBuf holds the elements of arrays. An array value is a length (i)
// into a buffer (p); elements below len(elems) never change, so every array
// is a prefix of its buffer. push appends in place when the array ends the
// buffer (nobody has pushed onto it yet), so building an n-element array by
// repeated push is O(n) with no allocation per element, while every array
// still looks immutable. rest is a capacity-capped view, O(1).
type arrayBuf struct{ elems []Value }

func arrayOf(elems []Value) Value {
	return Value{k: kArray, i: int64(len(elems)), p: unsafe.Pointer(&arrayBuf{elems: elems})}
}

// elems returns the array's elements (not to be modified).
func (v Value) elems() []Value { return (*arrayBuf)(v.p).elems[:v.i] }

// push returns array a with x appended, and the element slots it
// allocated (for allocation budgets).
func push(a, x Value) (Value, int) {
	buf := (*arrayBuf)(a.p)
	n := int(a.i)
	slots := 0
	if len(buf.elems) != n {
		nb := make([]Value, n, 2*n+4)
		copy(nb, buf.elems[:n])
		buf = &arrayBuf{elems: nb}
		slots = cap(nb)
	}
	before := cap(buf.elems)
	buf.elems = append(buf.elems, x)
	if cap(buf.elems) != before {
		slots += cap(buf.elems)
	}
	return Value{k: kArray, i: int64(n + 1), p: unsafe.Pointer(buf)}, slots
}

// rest returns the non-empty array a without its first element. The view's
// capacity ends where a ends, so pushing onto it copies first.
func rest(a Value) Value {
	e := a.elems()
	return arrayOf(e[1:len(e):len(e)])
}

// Hash is an immutable map that remembers first-insertion order, as the
// evaluator's does. Keys are indexed by kind, so integer keys hash as plain
// int64s. Like a Lua table's array part, a hash whose keys are exactly the
// integers 0, 1, 2, ... inserted in that order ("dense") keeps no index at
// all: key k is at position k. Any other insertion builds the index.
type Hash struct {
	dense bool
	ints  map[int64]int32
	strs  map[string]int32
	bools [2]int32 // position+1 of false and true, 0 when absent
	hint  int      // expected size, for the first map made
	keys  []Value
	vals  []Value
}

func newHash(n int) *Hash {
	return &Hash{dense: true, hint: n, keys: make([]Value, 0, n), vals: make([]Value, 0, n)}
}

// hashable reports whether v can be a hash key.
func hashable(v Value) bool { return v.k == kInt || v.k == kBool || v.k == kString }

// find returns the position of key k.
func (h *Hash) find(k Value) (int, bool) {
	if h.dense {
		if k.k == kInt && k.i >= 0 && k.i < int64(len(h.keys)) {
			return int(k.i), true
		}
		return 0, false
	}
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
	if h.dense {
		if k.k == kInt && k.i == int64(n) {
			h.keys = append(h.keys, k)
			h.vals = append(h.vals, v)
			return
		}
		h.index()
	}
	switch k.k {
	case kInt:
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

// index leaves dense mode: key i of the dense prefix is at position i.
func (h *Hash) index() {
	h.dense = false
	h.ints = make(map[int64]int32, max(h.hint, len(h.keys)))
	for i := range h.keys {
		h.ints[int64(i)] = int32(i)
	}
}

// Closure is a function value with its captured variables.
type Closure struct {
	fn   *proto
	free []Value
}

// proto is a compiled function decoded for execution.
type proto struct {
	code      []instr
	consts    []Value          // the constant pool of the program the function is from
	cb        unsafe.Pointer   // &code[0]
	pos       []token.Position // per instruction, for errors
	numParams int
	numRegs   int
	src       *compiler.Function
}
