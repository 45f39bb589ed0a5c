package vm

import (
	"strconv"
	"strings"
	"unsafe"

	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/object"
)

// toObject converts a VM value into the evaluator's object representation.
// Arrays and hashes may share elements (a doubled array refers to its half
// twice), so each buffer is converted once: a value standing for an
// exponentially large tree converts in time linear in its distinct parts.
func (m *VM) toObject(v Value) object.Object {
	return m.convert(v, nil)
}

// convKey identifies a heap value: its pointer and, for arrays and strings,
// its length (arrays of different lengths share buffers).
type convKey struct {
	p unsafe.Pointer
	i int64
}

func (m *VM) convert(v Value, seen map[convKey]object.Object) object.Object {
	switch v.k {
	case kNil:
		return nil
	case kNull:
		return object.NULL
	case kInt:
		return object.NewInteger(v.i)
	case kBool:
		return object.NativeBool(v.i != 0)
	case kString:
		return &object.String{Value: strings.Clone(v.str())}
	case kArray, kHash:
		key := convKey{v.p, v.i}
		if o, ok := seen[key]; ok {
			return o
		}
		if seen == nil {
			seen = map[convKey]object.Object{}
		}
		o := m.convertContainer(v, seen)
		seen[key] = o
		return o
	case kClosure:
		return functionObject(v.closure().fn.src)
	case kBuiltin:
		return object.Builtins[v.i].Builtin
	case kObject:
		return (*objBox)(v.p).obj
	}
	return object.NULL
}

func (m *VM) convertContainer(v Value, seen map[convKey]object.Object) object.Object {
	if v.k == kArray {
		elems := v.elems()
		out := make([]object.Object, len(elems))
		for i, e := range elems {
			out[i] = m.convert(e, seen)
		}
		return &object.Array{Elements: out}
	}
	h := v.hash()
	out := object.NewHash(len(h.keys))
	for i, k := range h.keys {
		if hk, ok := m.convert(k, seen).(object.Hashable); ok {
			out.Set(hk, m.convert(h.vals[i], seen))
		}
	}
	return out
}

func functionObject(fn *compiler.Function) object.Object {
	if fn.Literal == nil {
		return &object.Function{Name: fn.Name}
	}
	return &object.Function{Parameters: fn.Literal.Parameters, Body: fn.Literal.Body, Name: fn.Literal.Name}
}

// maxInspectLen is object.MaxInspectLen (lowered by tests): puts stops an
// array or hash at the same length as the evaluator's Inspect, with the
// same text, so both engines print the same bounded output.
var maxInspectLen = object.MaxInspectLen

// inspect renders v as object.Object.Inspect would, bound included.
func (m *VM) inspect(v Value) string {
	var b strings.Builder
	if !m.writeInspect(&b, v) && (v.k == kArray || v.k == kHash) {
		b.WriteString("...")
	}
	return b.String()
}

// writeInspect appends v's text and reports false once the text passes
// maxInspectLen. It checks at the same points as object's writeInspect.
func (m *VM) writeInspect(b *strings.Builder, v Value) bool {
	if b.Len() > maxInspectLen {
		return false
	}
	switch v.k {
	case kInt:
		b.WriteString(strconv.FormatInt(v.i, 10))
	case kBool:
		b.WriteString(strconv.FormatBool(v.i != 0))
	case kNull:
		b.WriteString("null")
	case kString:
		b.WriteString(v.str())
	case kArray:
		b.WriteByte('[')
		for i, e := range v.elems() {
			if i > 0 {
				b.WriteString(", ")
			}
			if !m.writeInspect(b, e) {
				return false
			}
		}
		b.WriteByte(']')
	case kHash:
		h := v.hash()
		b.WriteByte('{')
		for i, k := range h.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if !m.writeInspect(b, k) {
				return false
			}
			b.WriteString(": ")
			if !m.writeInspect(b, h.vals[i]) {
				return false
			}
		}
		b.WriteByte('}')
	default:
		if o := m.toObject(v); o != nil {
			b.WriteString(o.Inspect())
		}
	}
	return b.Len() <= maxInspectLen
}
