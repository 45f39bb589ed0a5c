package object

import "sync/atomic"

// arrayBuf tracks how much of a shared element buffer is in use. Arrays are
// immutable, but an array is a prefix of its buffer, so push can append in
// place when the array ends at the used length (nobody has pushed onto it
// yet): building an n-element array with push is O(n), not O(n²).
type arrayBuf struct {
	// used is atomic because a host may hand one array to runs on several
	// goroutines; only the push that advances it writes the slot.
	used atomic.Int64
}

// Push returns a with x appended, and how many element slots it allocated
// (0 when it extended a's buffer in place), for allocation budgets.
func Push(a *Array, x Object) (*Array, int) {
	n := len(a.Elements)
	if b := a.buf; b != nil && n < cap(a.Elements) && b.used.CompareAndSwap(int64(n), int64(n+1)) {
		elems := a.Elements[:n+1]
		elems[n] = x
		return &Array{Elements: elems, buf: b}, 0
	}
	elems := make([]Object, n+1, 2*n+4)
	copy(elems, a.Elements)
	elems[n] = x
	b := &arrayBuf{}
	b.used.Store(int64(n + 1))
	return &Array{Elements: elems, buf: b}, cap(elems)
}

// Rest returns the non-empty array a without its first element, in O(1): a
// view of a's elements whose capacity ends with them, so pushing onto it
// copies.
func Rest(a *Array) *Array {
	n := len(a.Elements)
	return &Array{Elements: a.Elements[1:n:n]}
}
