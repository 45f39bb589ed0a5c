package codec

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// jsonCost estimates, without allocating, what encoding/json would allocate
// decoding data into a value of type t: a type-directed walk over the
// input that counts array elements, object members, strings and the
// pointers json would create. It over-estimates rather than under, and gives
// up (returning 0) on malformed input, which json.Unmarshal then rejects
// before allocating anything.
func jsonCost(data []byte, t reflect.Type, limit uint64) uint64 {
	w := jsonWalker{b: data, limit: limit}
	w.value(t)
	return w.cost
}

type jsonWalker struct {
	b     []byte
	i     int
	cost  uint64
	limit uint64
	bad   bool
}

var (
	typeJSONUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	typeTextUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func (w *jsonWalker) add(n uint64) {
	w.cost += n
	if w.cost > w.limit {
		w.bad = true // over budget: no need to look further
	}
}

func (w *jsonWalker) ws() {
	for w.i < len(w.b) && (w.b[w.i] == ' ' || w.b[w.i] == '\t' || w.b[w.i] == '\n' || w.b[w.i] == '\r') {
		w.i++
	}
}

// value walks one JSON value destined for t (nil: skipped, allocates nothing).
func (w *jsonWalker) value(t reflect.Type) {
	w.ws()
	if w.bad || w.i >= len(w.b) {
		w.bad = true
		return
	}
	if w.b[w.i] == 'n' { // null allocates nothing
		w.i += 4
		return
	}
	for t != nil && t.Kind() == reflect.Pointer {
		w.add(uint64(t.Elem().Size()))
		t = t.Elem()
	}
	if t != nil && (reflect.PointerTo(t).Implements(typeJSONUnmarshaler) || reflect.PointerTo(t).Implements(typeTextUnmarshaler)) {
		start := w.i
		w.value(nil)
		w.add(2 * uint64(w.i-start)) // opaque: assume it keeps a copy or two
		return
	}
	switch c := w.b[w.i]; {
	case c == '{':
		w.object(t)
	case c == '[':
		w.array(t)
	case c == '"':
		n := w.str()
		if t != nil {
			w.add(uint64(n) + ifaceCost(t, 16))
		}
	default: // number, true, false
		for w.i < len(w.b) && strings.IndexByte(",]} \t\r\n", w.b[w.i]) < 0 {
			w.i++
		}
		if t != nil {
			w.add(ifaceCost(t, 8))
		}
	}
}

// ifaceCost is what boxing a value of n bytes into an interface costs.
func ifaceCost(t reflect.Type, n uint64) uint64 {
	if t.Kind() == reflect.Interface {
		return n
	}
	return 0
}

// str skips a string and returns its raw length (never less than decoded).
func (w *jsonWalker) str() int {
	start := w.i
	w.i++
	for w.i < len(w.b) && w.b[w.i] != '"' {
		if w.b[w.i] == '\\' {
			w.i++
		}
		w.i++
	}
	w.i++
	if w.i > len(w.b) {
		w.bad = true
	}
	return w.i - start
}

func (w *jsonWalker) array(t reflect.Type) {
	var elem reflect.Type
	var each uint64
	var fixed int // elements past an array's length are skipped
	switch {
	case t == nil:
	case t.Kind() == reflect.Slice:
		elem, each = t.Elem(), 6*uint64(t.Elem().Size()) // json grows by 1.25×: the copies sum to ≤ 6× the final size
	case t.Kind() == reflect.Array:
		elem, fixed = t.Elem(), t.Len()
	case t.Kind() == reflect.Interface:
		elem, each = t, 6*16
	}
	w.i++
	for n := 0; !w.bad; n++ {
		w.ws()
		if w.i < len(w.b) && w.b[w.i] == ']' {
			w.i++
			return
		}
		if n > 0 {
			w.i++ // the comma
		}
		w.add(each)
		et := elem
		if t != nil && t.Kind() == reflect.Array && n >= fixed {
			et = nil
		}
		w.value(et)
	}
}

func (w *jsonWalker) object(t reflect.Type) {
	var fields []jsonField
	var key, val reflect.Type
	var each uint64
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = jsonFields(t)
	case t.Kind() == reflect.Map:
		key, val = t.Key(), t.Elem()
		each = 2 * uint64(key.Size()+val.Size()+8)
	case t.Kind() == reflect.Interface:
		key, val, each = t, t, 2*(16+16+8)
	}
	w.i++
	for n := 0; !w.bad; n++ {
		w.ws()
		if w.i < len(w.b) && w.b[w.i] == '}' {
			w.i++
			return
		}
		if n > 0 {
			w.i++
			w.ws()
		}
		if w.i >= len(w.b) || w.b[w.i] != '"' {
			w.bad = true
			return
		}
		start := w.i
		klen := w.str()
		rawKey := w.b[start:min(w.i, len(w.b))]
		w.ws()
		w.i++ // the colon
		w.add(each)
		if key != nil {
			w.add(uint64(klen))
		}
		vt := val
		if t != nil && t.Kind() == reflect.Struct {
			vt = fieldType(fields, rawKey)
		}
		w.value(vt)
	}
}

type jsonField struct {
	name string
	typ  reflect.Type
}

var jsonFieldCache sync.Map // reflect.Type -> []jsonField

// jsonFields lists the members encoding/json fills in a struct.
func jsonFields(t reflect.Type) []jsonField {
	if f, ok := jsonFieldCache.Load(t); ok {
		return f.([]jsonField)
	}
	var out []jsonField
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			continue // its fields are promoted and listed themselves
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: f.Type})
	}
	jsonFieldCache.Store(t, out)
	return out
}

// fieldType finds the field a quoted key decodes into; like json, names
// match case-insensitively.
func fieldType(fields []jsonField, rawKey []byte) reflect.Type {
	if len(rawKey) < 2 {
		return nil
	}
	k := string(rawKey[1 : len(rawKey)-1])
	if strings.IndexByte(k, '\\') >= 0 && json.Unmarshal(rawKey, &k) != nil {
		return nil
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, k) {
			return f.typ
		}
	}
	return nil
}

var jsonGrowCache sync.Map // reflect.Type -> bool

// jsonMayGrow reports whether decoding into t can allocate more than the
// strings it copies: only such types need the walk.
func jsonMayGrow(t reflect.Type) bool {
	if g, ok := jsonGrowCache.Load(t); ok {
		return g.(bool)
	}
	g := mayGrow(t, map[reflect.Type]bool{})
	jsonGrowCache.Store(t, g)
	return g
}

func mayGrow(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if reflect.PointerTo(t).Implements(typeJSONUnmarshaler) || reflect.PointerTo(t).Implements(typeTextUnmarshaler) {
		return true
	}
	switch t.Kind() {
	case reflect.Slice:
		return t.Elem().Kind() != reflect.Uint8 || mayGrow(t.Elem(), seen)
	case reflect.Map, reflect.Pointer, reflect.Interface:
		return true
	case reflect.Array:
		return mayGrow(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if mayGrow(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}
