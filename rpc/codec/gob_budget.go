package codec

import (
	"encoding/gob"
	"fmt"
	"reflect"
	"sync"
)

// gobRatio bounds the bytes encoding/gob may allocate per input byte when
// decoding into t. gob checks slice lengths against the input and grows
// slices as elements arrive, so a slice element costs at most its size
// (times growth copies) for each byte it needs (at least one). Maps cannot
// be bounded: gob preallocates a map of the declared size before reading
// any entry (a 17-byte body declaring 2^24 entries allocated 600 MB), so
// types holding maps or interfaces (whose concrete types are not known in
// advance) are refused.
func gobRatio(t reflect.Type) (uint64, error) {
	if r, ok := gobRatios.Load(t); ok {
		e := r.(gobEntry)
		return e.ratio, e.err
	}
	r, err := gobWalk(t, map[reflect.Type]bool{})
	gobRatios.Store(t, gobEntry{r, err})
	return r, err
}

type gobEntry struct {
	ratio uint64
	err   error
}

var gobRatios sync.Map // reflect.Type -> gobEntry

var typeGobDecoder = reflect.TypeFor[gob.GobDecoder]()

func gobWalk(t reflect.Type, seen map[reflect.Type]bool) (uint64, error) {
	if seen[t] {
		return 1, nil // a recursive type's cost is already counted once
	}
	seen[t] = true
	if reflect.PointerTo(t).Implements(typeGobDecoder) || reflect.PointerTo(t).Implements(typeBinaryUnmarshaler) {
		return 2, nil // gets a length-checked byte slice
	}
	switch t.Kind() {
	case reflect.Map, reflect.Interface:
		return 0, fmt.Errorf("%w: gob cannot decode %s within a bounded budget: it preallocates maps of untrusted size and interfaces of unknown type; use the binary or json codec", ErrBudget, t)
	case reflect.Pointer:
		r, err := gobWalk(t.Elem(), seen)
		return max(r, uint64(t.Elem().Size())), err
	case reflect.Slice, reflect.Array:
		r, err := gobWalk(t.Elem(), seen)
		if t.Kind() == reflect.Slice {
			r = max(r, 4*uint64(t.Elem().Size()), 1) // append growth: the copies sum to about 4× the final size
		}
		return r, err
	case reflect.Struct:
		r := uint64(1)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fr, err := gobWalk(f.Type, seen)
			if err != nil {
				return 0, err
			}
			r = max(r, fr)
		}
		return r, nil
	case reflect.String:
		return 2, nil
	}
	return 1, nil
}
