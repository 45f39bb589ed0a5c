package vm

import (
	"strconv"
	"strings"

	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/object"
)

// toObject converts a VM value into the evaluator's object representation.
func (m *VM) toObject(v Value) object.Object {
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
	case kArray:
		elems := v.elems()
		out := make([]object.Object, len(elems))
		for i, e := range elems {
			out[i] = m.toObject(e)
		}
		return &object.Array{Elements: out}
	case kHash:
		h := v.hash()
		out := object.NewHash(len(h.keys))
		for i, k := range h.keys {
			if hk, ok := m.toObject(k).(object.Hashable); ok {
				out.Set(hk, m.toObject(h.vals[i]))
			}
		}
		return out
	case kClosure:
		return functionObject(v.closure().fn.src)
	case kBuiltin:
		return object.Builtins[v.i].Builtin
	case kObject:
		return (*objBox)(v.p).obj
	}
	return object.NULL
}

func functionObject(fn *compiler.Function) object.Object {
	if fn.Literal == nil {
		return &object.Function{Name: fn.Name}
	}
	return &object.Function{Parameters: fn.Literal.Parameters, Body: fn.Literal.Body, Name: fn.Literal.Name}
}

// inspect renders v as object.Object.Inspect would.
func (m *VM) inspect(v Value) string {
	var b strings.Builder
	m.writeInspect(&b, v)
	return b.String()
}

func (m *VM) writeInspect(b *strings.Builder, v Value) {
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
			m.writeInspect(b, e)
		}
		b.WriteByte(']')
	case kHash:
		h := v.hash()
		b.WriteByte('{')
		for i, k := range h.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			m.writeInspect(b, k)
			b.WriteString(": ")
			m.writeInspect(b, h.vals[i])
		}
		b.WriteByte('}')
	default:
		if o := m.toObject(v); o != nil {
			b.WriteString(o.Inspect())
		}
	}
}
