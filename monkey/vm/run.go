package vm

import (
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/object"
)

// run is the dispatch loop: one switch in one function, with the running
// frame's state in locals. Integer fast paths are inline; everything rarer
// goes through a helper.
func (m *VM) run() (Value, error) {
	cl := &Closure{fn: m.prog.main}
	fn := cl.fn
	code_ := fn.code
	stack := m.stack
	if len(stack) < fn.numRegs {
		if !m.grow(fn.numRegs) {
			return null, errorf(fn, -1, "stack overflow")
		}
		stack = m.stack
	}
	regs := stack
	base, ip := 0, 0
	globals := m.globals
	consts := m.prog.consts
	frames := m.frames[:0]
	var (
		callee *Closure
		argc   int
		argAt  int
		err    *object.Error
	)
	for {
		in := code_[ip]
		ip++
		switch in.op {
		case code.OpLoadK:
			regs[in.a] = consts[in.b]
		case code.OpLoadInt:
			regs[in.a] = Value{k: kInt, i: int64(in.b)}
		case code.OpLoadTrue:
			regs[in.a] = vTrue
		case code.OpLoadFalse:
			regs[in.a] = vFalse
		case code.OpLoadNull:
			regs[in.a] = null
		case code.OpLoadUndef:
			regs[in.a] = Value{k: kUndef}
		case code.OpLoadNil:
			regs[in.a] = Value{k: kNil}
		case code.OpMove:
			regs[in.a] = regs[in.b]
		case code.OpGetGlobal:
			v := globals[in.b]
			if v.k == kUndef {
				b := m.prog.fallbacks[in.b]
				if b < 0 {
					return null, errorf(fn, ip-1, "identifier not found: %s", m.prog.globals[in.b])
				}
				v = builtinValue(b)
			}
			regs[in.a] = v
		case code.OpSetGlobal:
			globals[in.a] = regs[in.b]
		case code.OpGetFree:
			regs[in.a] = cl.free[in.b]
		case code.OpGetBuiltin:
			regs[in.a] = builtinValue(int(in.b))
		case code.OpCurrentClosure:
			regs[in.a] = closureValue(cl)
		case code.OpUndefined:
			return null, errorf(fn, ip-1, "identifier not found: %s", consts[in.a].str())
		case code.OpNewCell:
			regs[in.a] = newCell()
		case code.OpGetCell:
			regs[in.a] = *regs[in.b].cell()
		case code.OpSetCell:
			*regs[in.a].cell() = regs[in.b]
		case code.OpJumpDefined:
			if regs[in.a].k != kUndef {
				ip = int(in.b)
			}

		case code.OpAdd:
			x, y := regs[in.b], regs[in.c]
			if x.k == kInt && y.k == kInt {
				regs[in.a] = Value{k: kInt, i: x.i + y.i}
			} else if regs[in.a], err = binary(in.op, x, y); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpSub:
			x, y := regs[in.b], regs[in.c]
			if x.k == kInt && y.k == kInt {
				regs[in.a] = Value{k: kInt, i: x.i - y.i}
			} else if regs[in.a], err = binary(in.op, x, y); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpMul:
			x, y := regs[in.b], regs[in.c]
			if x.k == kInt && y.k == kInt {
				regs[in.a] = Value{k: kInt, i: x.i * y.i}
			} else if regs[in.a], err = binary(in.op, x, y); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpLt:
			x, y := regs[in.b], regs[in.c]
			if x.k == kInt && y.k == kInt {
				regs[in.a] = boolValue(x.i < y.i)
			} else if regs[in.a], err = binary(in.op, x, y); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpGt:
			x, y := regs[in.b], regs[in.c]
			if x.k == kInt && y.k == kInt {
				regs[in.a] = boolValue(x.i > y.i)
			} else if regs[in.a], err = binary(in.op, x, y); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpDiv, code.OpEq, code.OpNotEq:
			if regs[in.a], err = binary(in.op, regs[in.b], regs[in.c]); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpAddI:
			x := regs[in.b]
			if x.k == kInt {
				regs[in.a] = Value{k: kInt, i: x.i + int64(in.c)}
			} else if regs[in.a], err = binary(code.OpAdd, x, intValue(int64(in.c))); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpSubI:
			x := regs[in.b]
			if x.k == kInt {
				regs[in.a] = Value{k: kInt, i: x.i - int64(in.c)}
			} else if regs[in.a], err = binary(code.OpSub, x, intValue(int64(in.c))); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpNeg:
			x := regs[in.b]
			if x.k != kInt {
				return null, errorf(fn, ip-1, "unknown operator: -%s", x.typeName())
			}
			regs[in.a] = Value{k: kInt, i: -x.i}
		case code.OpNot:
			regs[in.a] = boolValue(!regs[in.b].truthy())

		case code.OpJump:
			ip = int(in.a)
		case code.OpJumpFalse:
			if !regs[in.a].truthy() {
				ip = int(in.b)
			}
		case code.OpJumpNotEqI:
			x := regs[in.a]
			if x.k == kInt {
				if x.i != int64(in.b) {
					ip = int(in.c)
				}
			} else if !identical(x, intValue(int64(in.b))) {
				ip = int(in.c)
			}
		case code.OpJumpNotNotEqI:
			x := regs[in.a]
			if x.k == kInt {
				if x.i == int64(in.b) {
					ip = int(in.c)
				}
			} else if identical(x, intValue(int64(in.b))) {
				ip = int(in.c)
			}
		case code.OpJumpNotLtI:
			x := regs[in.a]
			if x.k == kInt {
				if x.i >= int64(in.b) {
					ip = int(in.c)
				}
			} else {
				return null, m.at(mismatch(code.OpLt, x, intValue(0)), fn, ip)
			}
		case code.OpJumpNotGtI:
			x := regs[in.a]
			if x.k == kInt {
				if x.i <= int64(in.b) {
					ip = int(in.c)
				}
			} else {
				return null, m.at(mismatch(code.OpGt, x, intValue(0)), fn, ip)
			}
		case code.OpJumpNotEq, code.OpJumpNotNotEq, code.OpJumpNotLt, code.OpJumpNotGt:
			x, y := regs[in.a], regs[in.b]
			var ok bool
			if x.k == kInt && y.k == kInt {
				switch in.op {
				case code.OpJumpNotEq:
					ok = x.i == y.i
				case code.OpJumpNotNotEq:
					ok = x.i != y.i
				case code.OpJumpNotLt:
					ok = x.i < y.i
				default:
					ok = x.i > y.i
				}
			} else {
				var r Value
				if r, err = binary(condOps[in.op-code.OpJumpNotEq], x, y); err != nil {
					return null, m.at(err, fn, ip)
				}
				ok = r.truthy()
			}
			if !ok {
				ip = int(in.c)
			}

		case code.OpArray:
			elems := make([]Value, in.c)
			copy(elems, regs[in.b:in.b+in.c])
			regs[in.a] = arrayValue(newArray(elems))
		case code.OpHash:
			h := newHash(int(in.c))
			if err = fillHash(h, regs[in.b:in.b+2*in.c]); err != nil {
				return null, m.at(err, fn, ip)
			}
			regs[in.a] = hashValue(h)
		case code.OpAppend:
			if err = appendTo(regs[in.a], regs[in.b:], int(in.c)); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpCheckKey:
			if _, ok := keyOf(regs[in.a]); !ok {
				return null, errorf(fn, ip-1, "unusable as hash key: %s", regs[in.a].typeName())
			}
		case code.OpIndex:
			x, y := regs[in.b], regs[in.c]
			if x.k == kArray && y.k == kInt {
				a := x.array()
				if y.i >= 0 && y.i < int64(len(a.elems)) {
					regs[in.a] = a.elems[y.i]
				} else {
					regs[in.a] = null
				}
			} else if regs[in.a], err = index(x, y); err != nil {
				return null, m.at(err, fn, ip)
			}
		case code.OpClosure:
			pr := consts[in.b].closure().fn
			var free []Value
			if n := int32(pr.src.NumFree); n > 0 {
				free = make([]Value, n)
				copy(free, regs[in.c:in.c+n])
			}
			regs[in.a] = closureValue(&Closure{fn: pr, free: free})

		case code.OpQuote:
			q := (*compiler.Quote)(consts[in.b].p)
			if regs[in.a], err = m.quote(q, regs[in.c:]); err != nil {
				return null, m.at(err, fn, ip)
			}

		case code.OpCall:
			f := regs[in.b]
			argAt, argc = int(in.a), int(in.c)
			if f.k != kClosure {
				if regs[in.a], err = m.callValue(f, regs[argAt:argAt+argc]); err != nil {
					return null, m.at(err, fn, ip)
				}
				continue
			}
			callee = f.closure()
			goto call
		case code.OpCallGlobal:
			f := globals[in.b]
			argAt, argc = int(in.a), int(in.c)
			if f.k != kClosure {
				if regs[in.a], err = m.callValue(f, regs[argAt:argAt+argc]); err != nil {
					return null, m.at(err, fn, ip)
				}
				continue
			}
			callee = f.closure()
			goto call
		case code.OpCallSelf:
			callee, argAt, argc = cl, int(in.a), int(in.b)
			goto call

		case code.OpReturn:
			v := regs[in.a]
			if len(frames) == 0 {
				return v, nil
			}
			stack[base] = v
			f := &frames[len(frames)-1]
			cl, ip, base = f.cl, f.ip, f.base
			frames = frames[:len(frames)-1]
			fn = cl.fn
			code_ = fn.code
			regs = stack[base:]
		case code.OpReturnInt:
			v := Value{k: kInt, i: int64(in.a)}
			if len(frames) == 0 {
				return v, nil
			}
			stack[base] = v
			f := &frames[len(frames)-1]
			cl, ip, base = f.cl, f.ip, f.base
			frames = frames[:len(frames)-1]
			fn = cl.fn
			code_ = fn.code
			regs = stack[base:]
		case code.OpReturnK:
			v := consts[in.a]
			if len(frames) == 0 {
				return v, nil
			}
			stack[base] = v
			f := &frames[len(frames)-1]
			cl, ip, base = f.cl, f.ip, f.base
			frames = frames[:len(frames)-1]
			fn = cl.fn
			code_ = fn.code
			regs = stack[base:]
		default:
			return null, errorf(fn, ip-1, "unknown opcode %d", in.op)
		}
		continue

	call:
		{
			p := callee.fn
			if argc != p.numParams {
				return null, errorf(fn, ip-1, "wrong number of arguments: want=%d, got=%d", p.numParams, argc)
			}
			if len(frames) >= m.maxDepth {
				return null, errorf(fn, ip-1, "stack overflow")
			}
			nb := base + argAt
			if nb+p.numRegs > len(stack) {
				if !m.grow(nb + p.numRegs) {
					return null, errorf(fn, ip-1, "stack overflow")
				}
				stack = m.stack
			}
			frames = append(frames, frame{cl: cl, ip: ip, base: base})
			cl, fn, code_, base, ip = callee, p, p.code, nb, 0
			regs = stack[base:]
		}
	}
}

var condOps = [...]code.Opcode{code.OpEq, code.OpNotEq, code.OpLt, code.OpGt}

// at positions an error raised by the instruction before ip, unless the
// error already has a position.
func (m *VM) at(err *object.Error, fn *proto, ip int) *object.Error {
	if err.Pos.IsValid() {
		return err
	}
	if ip-1 < len(fn.pos) {
		err.Pos = fn.pos[ip-1]
	}
	return err
}
