package vm

import (
	"unsafe"

	"github.com/gee-project/gee/monkey/object"
)

// kind tags a Value. The zero Value is null.
type kind uint8

const (
	kNull kind = iota
	kInt
	kBool
	kString
	kArray
	kHash
	kClosure
	kBuiltin
	kUndef    // a variable not bound yet
	kNil      // no value: what a program ending in a let yields
	kCell     // a shared variable (only ever in registers and free slots)
	kObject   // a rarely used evaluator object (quote, macro) in an objBox
	kTemplate // a quote template constant (*compiler.Quote)
)

// objBox holds an object the VM has no own representation for.
type objBox struct{ obj object.Object }

// Value is an unboxed Monkey value: integers and booleans live in i and need
// no allocation; heap values keep their pointer in p. A string is a length
// (i) into a strBuf (p), which lets s + t append in place.
type Value struct {
	k kind
	i int64
	p unsafe.Pointer
}

var (
	null   = Value{}
	vTrue  = Value{k: kBool, i: 1}
	vFalse = Value{k: kBool}
)

func intValue(v int64) Value { return Value{k: kInt, i: v} }

func boolValue(b bool) Value {
	if b {
		return vTrue
	}
	return vFalse
}

// strBuf holds the bytes of strings. Bytes below len(b) never change, so
// every string is a prefix of its buffer; appending to the string that ends
// at len(b) extends the buffer instead of copying it, which makes building a
// string by repeated concatenation linear.
// A frozen buffer (a program constant, shared by concurrent runs) is never
// appended to.
type strBuf struct {
	b      []byte
	frozen bool
}

func stringValue(s string) Value {
	return Value{k: kString, i: int64(len(s)), p: unsafe.Pointer(&strBuf{b: []byte(s)})}
}

func frozenString(s string) Value {
	return Value{k: kString, i: int64(len(s)), p: unsafe.Pointer(&strBuf{b: []byte(s), frozen: true})}
}

func (v Value) str() string {
	return unsafe.String(unsafe.SliceData((*strBuf)(v.p).b), int(v.i))
}

// concat returns x + y for strings x and y.
func concat(x, y Value) Value {
	buf := (*strBuf)(x.p)
	n := int(x.i)
	if len(buf.b) != n || buf.frozen {
		nb := make([]byte, n, max(2*(n+int(y.i)), 16))
		copy(nb, buf.b[:n])
		buf = &strBuf{b: nb}
	}
	buf.b = append(buf.b, y.str()...)
	return Value{k: kString, i: int64(n) + y.i, p: unsafe.Pointer(buf)}
}

func (v Value) hash() *Hash       { return (*Hash)(v.p) }
func (v Value) closure() *Closure { return (*Closure)(v.p) }
func (v *Value) cell() *Value     { return (*Value)(v.p) }

func hashValue(h *Hash) Value       { return Value{k: kHash, p: unsafe.Pointer(h)} }
func closureValue(c *Closure) Value { return Value{k: kClosure, p: unsafe.Pointer(c)} }
func builtinValue(i int) Value      { return Value{k: kBuiltin, i: int64(i)} }

// truthy is the evaluator's rule: everything but false and null.
func (v Value) truthy() bool {
	switch v.k {
	case kNull:
		return false
	case kBool:
		return v.i != 0
	}
	return true
}

// typeName is the object type the evaluator names in error messages.
func (v Value) typeName() object.ObjectType {
	switch v.k {
	case kInt:
		return object.INTEGER_OBJ
	case kBool:
		return object.BOOLEAN_OBJ
	case kString:
		return object.STRING_OBJ
	case kArray:
		return object.ARRAY_OBJ
	case kHash:
		return object.HASH_OBJ
	case kClosure:
		return object.FUNCTION_OBJ
	case kBuiltin:
		return object.BUILTIN_OBJ
	case kObject:
		return (*objBox)(v.p).obj.Type()
	}
	return object.NULL_OBJ
}

// identical is == for values other than two integers or two strings: the
// evaluator compares objects by identity, and booleans and null are
// singletons.
func identical(a, b Value) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case kNull:
		return true
	case kBool, kBuiltin:
		return a.i == b.i
	case kInt:
		return a.i == b.i
	case kString:
		return a.str() == b.str()
	}
	// Heap values compare by identity: an array is its buffer and length
	// (every array-making operation yields a new pair), the others have i 0.
	return a.p == b.p && a.i == b.i
}
