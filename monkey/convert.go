package monkey

import (
	"fmt"
	"sort"

	"github.com/gee-project/gee/monkey/object"
)

// ToObject converts a Go value to a Monkey value: nil, bool, string, the
// integer types, []any, map[string]any and object.Object itself.
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
	case int32:
		return object.NewInteger(int64(v)), nil
	case []any:
		elems := make([]object.Object, len(v))
		for i, e := range v {
			o, err := ToObject(e)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			elems[i] = o
		}
		return &object.Array{Elements: elems}, nil
	case map[string]any:
		return mapToHash(v)
	}
	return nil, fmt.Errorf("cannot convert %T to a Monkey value", v)
}

func mapToHash(m map[string]any) (object.Object, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := object.NewHash(len(m))
	for _, k := range keys {
		o, err := ToObject(m[k])
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		h.Set(&object.String{Value: k}, o)
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
