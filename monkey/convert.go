package monkey

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/gee-project/gee/monkey/object"
)

// maxConvertDepth bounds the nesting ToObject follows, so a cyclic Go value
// fails instead of recursing forever.
const maxConvertDepth = 100

// ToObject converts a Go value to a Monkey value:
//   - nil and nil pointers, maps, slices and funcs: null
//   - bool; every integer type (an unsigned one must fit in int64); string
//   - []byte: a string; other slices and arrays: an array
//   - maps with string, integer or bool keys: a hash, in sorted key order
//   - structs: a hash of the exported fields, keyed by name or by the
//     `monkey:"name"` tag ("-" skips a field)
//   - pointers and interfaces: what they point to
//   - funcs: a builtin (see FuncOf)
//   - object.Object: itself
//
// Floats, complex numbers and channels are errors: Monkey has none.
func ToObject(v any) (object.Object, error) {
	switch v := v.(type) {
	case nil:
		return object.NULL, nil
	case object.Object:
		return v, nil
	case bool:
		return object.NativeBool(v), nil
	case string:
		return &object.String{Value: v}, nil
	case int:
		return object.NewInteger(int64(v)), nil
	case int64:
		return object.NewInteger(v), nil
	}
	return toObject(reflect.ValueOf(v), "", 0)
}

var objectType = reflect.TypeFor[object.Object]()

func toObject(rv reflect.Value, name string, depth int) (object.Object, error) {
	if depth > maxConvertDepth {
		return nil, errors.New("nested more than 100 deep (a cycle?)")
	}
	if rv.IsValid() && rv.Type().Implements(objectType) && !(rv.Kind() == reflect.Pointer && rv.IsNil()) {
		return rv.Interface().(object.Object), nil
	}
	switch rv.Kind() {
	case reflect.Invalid:
		return object.NULL, nil
	case reflect.Bool:
		return object.NativeBool(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return object.NewInteger(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > 1<<63-1 {
			return nil, fmt.Errorf("%d does not fit in a Monkey integer", rv.Uint())
		}
		return object.NewInteger(int64(rv.Uint())), nil
	case reflect.String:
		return &object.String{Value: rv.String()}, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return object.NULL, nil
		}
		return toObject(rv.Elem(), name, depth+1)
	case reflect.Slice, reflect.Array:
		return sliceToArray(rv, depth)
	case reflect.Map:
		return mapToHash(rv, depth)
	case reflect.Struct:
		return structToHash(rv, depth)
	case reflect.Func:
		if rv.IsNil() {
			return object.NULL, nil
		}
		return funcOf(name, rv)
	}
	return nil, fmt.Errorf("cannot convert %s to a Monkey value", rv.Type())
}

func sliceToArray(rv reflect.Value, depth int) (object.Object, error) {
	if rv.Kind() == reflect.Slice && rv.IsNil() {
		return object.NULL, nil
	}
	if rv.Type().Elem().Kind() == reflect.Uint8 {
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		return &object.String{Value: string(b)}, nil
	}
	elems := make([]object.Object, rv.Len())
	for i := range elems {
		o, err := toObject(rv.Index(i), "", depth+1)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		elems[i] = o
	}
	return &object.Array{Elements: elems}, nil
}

func mapToHash(rv reflect.Value, depth int) (object.Object, error) {
	if rv.IsNil() {
		return object.NULL, nil
	}
	keys := rv.MapKeys()
	hk := make([]object.Hashable, len(keys))
	for i, k := range keys {
		ko, err := toObject(k, "", depth+1)
		if err != nil {
			return nil, fmt.Errorf("key %v: %w", k, err)
		}
		h, ok := ko.(object.Hashable)
		if !ok {
			return nil, fmt.Errorf("key %v: unusable as hash key: %s", k, ko.Type())
		}
		hk[i] = h
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return hk[order[a]].Inspect() < hk[order[b]].Inspect() })
	h := object.NewHash(len(keys))
	for _, i := range order {
		o, err := toObject(rv.MapIndex(keys[i]), "", depth+1)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", hk[i].Inspect(), err)
		}
		h.Set(hk[i], o)
	}
	return h, nil
}

// fieldName is the hash key of a struct field, or "" to skip it.
func fieldName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag, _, _ := strings.Cut(f.Tag.Get("monkey"), ",")
	switch tag {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return tag
}

func structToHash(rv reflect.Value, depth int) (object.Object, error) {
	t := rv.Type()
	h := object.NewHash(t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name := fieldName(t.Field(i))
		if name == "" {
			continue
		}
		o, err := toObject(rv.Field(i), name, depth+1)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		h.Set(&object.String{Value: name}, o)
	}
	return h, nil
}

// FromObject converts a Monkey value to Go: nil, bool, int64, string, []any,
// map[any]any (keys int64, bool or string); other values are returned as is.
func FromObject(o object.Object) any {
	switch o := o.(type) {
	case nil, *object.Null:
		return nil
	case *object.Boolean:
		return o.Value
	case *object.Integer:
		return o.Value
	case *object.String:
		return o.Value
	case *object.Array:
		out := make([]any, len(o.Elements))
		for i, e := range o.Elements {
			out[i] = FromObject(e)
		}
		return out
	case *object.Hash:
		out := make(map[any]any, len(o.Pairs))
		for _, p := range o.Pairs {
			out[FromObject(p.Key)] = FromObject(p.Value)
		}
		return out
	}
	return o
}

// Decode stores the Monkey value o in the Go variable dst points to,
// converting to its type: integers to any integer type (failing if the
// value does not fit), strings to string or []byte, arrays to slices and
// arrays, hashes to maps and structs (fields matched as ToObject names
// them; missing keys leave fields alone), null to the zero value, and
// anything to an interface as FromObject does.
func Decode(o object.Object, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("monkey: Decode needs a non-nil pointer, got %T", dst)
	}
	return decode(o, rv.Elem())
}

func decode(o object.Object, dst reflect.Value) error {
	if o == nil || o == object.NULL {
		dst.SetZero()
		return nil
	}
	if dst.Type().Implements(objectType) && reflect.TypeOf(o).AssignableTo(dst.Type()) {
		dst.Set(reflect.ValueOf(o))
		return nil
	}
	mismatch := fmt.Errorf("cannot decode %s into %s", o.Type(), dst.Type())
	switch dst.Kind() {
	case reflect.Interface:
		v := FromObject(o)
		if v == nil || !reflect.TypeOf(v).AssignableTo(dst.Type()) {
			return mismatch
		}
		dst.Set(reflect.ValueOf(v))
		return nil
	case reflect.Pointer:
		p := reflect.New(dst.Type().Elem())
		if err := decode(o, p.Elem()); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	switch o := o.(type) {
	case *object.Boolean:
		if dst.Kind() == reflect.Bool {
			dst.SetBool(o.Value)
			return nil
		}
	case *object.Integer:
		return decodeInt(o.Value, dst, mismatch)
	case *object.String:
		switch {
		case dst.Kind() == reflect.String:
			dst.SetString(o.Value)
			return nil
		case dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() == reflect.Uint8:
			dst.SetBytes([]byte(o.Value))
			return nil
		}
	case *object.Array:
		return decodeArray(o, dst, mismatch)
	case *object.Hash:
		return decodeHash(o, dst, mismatch)
	}
	return mismatch
}

func decodeInt(v int64, dst reflect.Value, mismatch error) error {
	switch dst.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if dst.OverflowInt(v) {
			return fmt.Errorf("%d overflows %s", v, dst.Type())
		}
		dst.SetInt(v)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if v < 0 || dst.OverflowUint(uint64(v)) {
			return fmt.Errorf("%d overflows %s", v, dst.Type())
		}
		dst.SetUint(uint64(v))
		return nil
	}
	return mismatch
}

func decodeArray(a *object.Array, dst reflect.Value, mismatch error) error {
	switch dst.Kind() {
	case reflect.Slice:
		dst.Set(reflect.MakeSlice(dst.Type(), len(a.Elements), len(a.Elements)))
	case reflect.Array:
		if dst.Len() != len(a.Elements) {
			return fmt.Errorf("cannot decode %d elements into %s", len(a.Elements), dst.Type())
		}
	default:
		return mismatch
	}
	for i, e := range a.Elements {
		if err := decode(e, dst.Index(i)); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
	}
	return nil
}

func decodeHash(h *object.Hash, dst reflect.Value, mismatch error) error {
	switch dst.Kind() {
	case reflect.Map:
		if dst.IsNil() {
			dst.Set(reflect.MakeMapWithSize(dst.Type(), len(h.Pairs)))
		}
		for _, k := range h.Keys() {
			p := h.Pairs[k]
			kv, vv := reflect.New(dst.Type().Key()).Elem(), reflect.New(dst.Type().Elem()).Elem()
			if err := decode(p.Key, kv); err != nil {
				return fmt.Errorf("key %s: %w", p.Key.Inspect(), err)
			}
			if err := decode(p.Value, vv); err != nil {
				return fmt.Errorf("key %s: %w", p.Key.Inspect(), err)
			}
			dst.SetMapIndex(kv, vv)
		}
		return nil
	case reflect.Struct:
		t := dst.Type()
		for i := 0; i < t.NumField(); i++ {
			name := fieldName(t.Field(i))
			if name == "" {
				continue
			}
			v, ok := h.Get(&object.String{Value: name})
			if !ok {
				continue
			}
			if err := decode(v, dst.Field(i)); err != nil {
				return fmt.Errorf("field %s: %w", name, err)
			}
		}
		return nil
	}
	return mismatch
}
