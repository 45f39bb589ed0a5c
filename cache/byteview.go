// Package cache is GeeCache's core: a Group is a named, byte-bounded cache
// in front of a Getter, whose keys are spread over peers by consistent
// hashing. A miss is loaded once (singleflight), by the key's owner when
// there are peers, or locally when the owner cannot answer.
package cache

// ByteView is an immutable view of a cached value. Copying a ByteView is
// cheap and never copies the bytes.
type ByteView struct{ s string }

// ViewOf returns a ByteView holding a copy of b.
func ViewOf(b []byte) ByteView { return ByteView{string(b)} }

// Len returns the value's length in bytes.
func (v ByteView) Len() int { return len(v.s) }

// ByteSlice returns a copy of the value.
func (v ByteView) ByteSlice() []byte { return []byte(v.s) }

// String returns the value as a string (no copy: strings are immutable).
func (v ByteView) String() string { return v.s }

// At returns the byte at index i.
func (v ByteView) At(i int) byte { return v.s[i] }
