package vm

import (
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/object"
)

var opSymbols = map[code.Opcode]string{
	code.OpAdd: "+", code.OpSub: "-", code.OpMul: "*", code.OpDiv: "/",
	code.OpEq: "==", code.OpNotEq: "!=", code.OpLt: "<", code.OpGt: ">",
}

// binary applies an infix operator with the evaluator's rules.
func binary(op code.Opcode, x, y Value) (Value, *object.Error) {
	if x.k == kInt && y.k == kInt {
		a, b := x.i, y.i
		switch op {
		case code.OpAdd:
			return intValue(a + b), nil
		case code.OpSub:
			return intValue(a - b), nil
		case code.OpMul:
			return intValue(a * b), nil
		case code.OpDiv:
			if b == 0 {
				return null, object.NewError("division by zero")
			}
			return intValue(a / b), nil
		case code.OpLt:
			return boolValue(a < b), nil
		case code.OpGt:
			return boolValue(a > b), nil
		case code.OpEq:
			return boolValue(a == b), nil
		}
		return boolValue(a != b), nil
	}
	if x.k == kString && y.k == kString {
		switch op {
		case code.OpAdd:
			if n := x.i + y.i; n > MaxStringLen {
				return null, object.NewError("string too long: %d bytes", n)
			}
			return concat(x, y), nil
		case code.OpEq:
			return boolValue(x.str() == y.str()), nil
		case code.OpNotEq:
			return boolValue(x.str() != y.str()), nil
		}
		return null, object.NewError("unknown operator: STRING %s STRING", opSymbols[op])
	}
	switch op {
	case code.OpEq:
		return boolValue(identical(x, y)), nil
	case code.OpNotEq:
		return boolValue(!identical(x, y)), nil
	}
	return null, mismatch(op, x, y)
}

// mismatch is the error for an operator that does not apply to x and y.
func mismatch(op code.Opcode, x, y Value) *object.Error {
	if x.typeName() != y.typeName() {
		return object.NewError("type mismatch: %s %s %s", x.typeName(), opSymbols[op], y.typeName())
	}
	return object.NewError("unknown operator: %s %s %s", x.typeName(), opSymbols[op], y.typeName())
}

// index is x[y] for everything but an array and an integer.
func index(x, y Value) (Value, *object.Error) {
	switch x.k {
	case kArray:
		if y.k != kInt {
			break
		}
		if y.i < 0 || y.i >= x.i {
			return null, nil
		}
		return x.elems()[y.i], nil
	case kHash:
		if !hashable(y) {
			return null, object.NewError("unusable as hash key: %s", y.typeName())
		}
		if i, found := x.hash().find(y); found {
			return x.hash().vals[i], nil
		}
		return null, nil
	}
	return null, object.NewError("index operator not supported: %s", x.typeName())
}

// fillHash adds key/value pairs (alternating in kv) to h.
func fillHash(h *Hash, kv []Value) *object.Error {
	for i := 0; i+1 < len(kv); i += 2 {
		if !hashable(kv[i]) {
			return object.NewError("unusable as hash key: %s", kv[i].typeName())
		}
		h.set(kv[i], kv[i+1])
	}
	return nil
}

// appendTo extends an array or hash literal being built in chunks (it is
// not yet visible to the program) and returns it.
func appendTo(acc Value, regs []Value, n int) (Value, *object.Error) {
	if acc.k == kHash {
		return acc, fillHash(acc.hash(), regs[:2*n])
	}
	buf := (*arrayBuf)(acc.p)
	buf.elems = append(buf.elems, regs[:n]...)
	acc.i = int64(len(buf.elems))
	return acc, nil
}
