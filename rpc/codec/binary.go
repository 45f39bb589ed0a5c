package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// Marshaler is implemented by types that encode themselves for the binary
// codec without reflection. MarshalGee appends the encoding to b.
type Marshaler interface {
	MarshalGee(b []byte) ([]byte, error)
}

// Unmarshaler is the decoding half of Marshaler.
type Unmarshaler interface {
	UnmarshalGee(b []byte) error
}

// Binary is a compact positional codec: structs are their exported fields
// in declaration order, integers are (zig-zag) varints, strings and slices
// are length-prefixed. Both ends must use the same Go type definitions.
// Types implementing Marshaler/Unmarshaler bypass reflection.
type Binary struct{}

// Name returns "binary".
func (Binary) Name() string { return "binary" }

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 1000

var errShort = errors.New("binary codec: truncated input")

// Marshal appends the binary encoding of v to dst.
func (Binary) Marshal(dst []byte, v any) ([]byte, error) {
	if m, ok := v.(Marshaler); ok {
		return m.MarshalGee(dst)
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return dst, errors.New("binary codec: cannot marshal nil")
	}
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return dst, errors.New("binary codec: cannot marshal nil pointer")
		}
		rv = rv.Elem()
	}
	tc, err := codecFor(rv.Type())
	if err != nil {
		return dst, err
	}
	return encode(tc, dst, rv)
}

func encode(tc *typeCodec, dst []byte, rv reflect.Value) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			ep, ok := p.(encodePanic)
			if !ok {
				panic(p)
			}
			out, err = dst, ep.err
		}
	}()
	return tc.enc(dst, rv), nil
}

// Unmarshal decodes data into v, which must be a non-nil pointer; trailing
// bytes are an error.
func (Binary) Unmarshal(data []byte, v any) error {
	if u, ok := v.(Unmarshaler); ok {
		return u.UnmarshalGee(data)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("binary codec: Unmarshal needs a non-nil pointer, got %T", v)
	}
	tc, err := codecFor(rv.Type().Elem())
	if err != nil {
		return err
	}
	r := readers.Get().(*reader)
	*r = reader{b: data, budget: uint64(Budget(len(data))), n: len(data), t: rv.Type().Elem()}
	err = tc.dec(r, rv.Elem())
	if err == nil && len(r.b) != 0 {
		err = fmt.Errorf("binary codec: %d trailing bytes after %s", len(r.b), rv.Type().Elem())
	}
	*r = reader{}
	readers.Put(r)
	return err
}

// readers are pooled: a reader escapes through the compiled decoders, so a
// fresh one would cost an allocation per message.
var readers = sync.Pool{New: func() any { return new(reader) }}

type reader struct {
	b      []byte
	depth  int
	budget uint64 // bytes the decoded value may still allocate
	n      int    // input size, for errors
	t      reflect.Type
}

// charge accounts for an allocation of count values of size bytes before it
// is made, refusing it once the input's budget is spent.
func (r *reader) charge(count, size uint64) error {
	if size != 0 && count > r.budget/size {
		return budgetError("binary", r.n, r.t, count*size)
	}
	r.budget -= count * size
	return nil
}

func (r *reader) uvarint() (uint64, error) {
	x, n := binary.Uvarint(r.b)
	if n <= 0 {
		if n == 0 {
			return 0, errShort
		}
		return 0, errors.New("binary codec: varint overflows 64 bits")
	}
	r.b = r.b[n:]
	return x, nil
}

func (r *reader) varint() (int64, error) {
	x, n := binary.Varint(r.b)
	if n <= 0 {
		if n == 0 {
			return 0, errShort
		}
		return 0, errors.New("binary codec: varint overflows 64 bits")
	}
	r.b = r.b[n:]
	return x, nil
}

func (r *reader) next(n int) ([]byte, error) {
	if n > len(r.b) {
		return nil, errShort
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p, nil
}

// length reads a length prefix that must fit in the remaining input when
// each element takes at least minSize bytes.
func (r *reader) length(minSize int) (int, error) {
	n, err := r.uvarint()
	if err != nil {
		return 0, err
	}
	limit := uint64(1 << 20) // zero-size elements: bounded work, no memory
	if minSize > 0 {
		limit = uint64(len(r.b) / minSize)
	}
	if n > limit {
		return 0, fmt.Errorf("binary codec: length %d exceeds remaining input", n)
	}
	return int(n), nil
}

type encFn func(b []byte, v reflect.Value) []byte
type decFn func(r *reader, v reflect.Value) error

type typeCodec struct {
	enc     encFn
	dec     decFn
	minSize int // smallest possible encoding in bytes
}

var cache sync.Map // reflect.Type -> *typeCodec

func codecFor(t reflect.Type) (*typeCodec, error) {
	if c, ok := cache.Load(t); ok {
		return c.(*typeCodec), nil
	}
	c, err := build(t, map[reflect.Type]*typeCodec{})
	if err != nil {
		return nil, err
	}
	cache.Store(t, c)
	return c, nil
}
