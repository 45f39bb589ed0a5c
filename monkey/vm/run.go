package vm

import (
	"unsafe"

	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/object"
)

// run is the dispatch loop: one switch in one function, with the running
// frame's state in locals. Integer fast paths are inline; everything rarer
// goes through a helper.
func (m *VM) run() (Value, error) { return m.exec(m.prog.mainClosure, nil) }

// exec runs closure cl with args from the bottom of the stack until it
// returns.
func (m *VM) exec(cl *Closure, args []Value) (Value, error) {
	m.cl = cl
	if len(args) != cl.fn.numParams {
		return null, object.NewError("wrong number of arguments: want=%d, got=%d", cl.fn.numParams, len(args))
	}
	if len(m.stack) < m.cl.fn.numRegs && !m.grow(m.cl.fn.numRegs) {
		return null, errorf(m.cl.fn, -1, "stack overflow")
	}
	copy(m.stack, args)
	m.frames = m.frames[:0]
	// The loop addresses registers and instructions through raw pointers:
	// the compiler guarantees every register operand is below the
	// function's NumRegs, which the call sequence reserves on the stack,
	// and jumps land on instructions, so the hot path has no bounds checks.
	// Only pc and rp live in locals: every value carried around the loop is
	// spilled to memory on each dispatch (Go keeps nothing in registers
	// across the calls some cases make), so the rest stays in m.
	rp := unsafe.Pointer(&m.stack[0]) // the running frame's register 0
	pc := m.cl.fn.cb
	var (
		callee *Closure
		argc   int
		argAt  int32
		err    *object.Error
	)
	for {
		in := (*instr)(pc)
		pc = unsafe.Add(pc, isize)
		switch in.op {
		case code.OpLoadK:
			*r(rp, in.a) = m.cl.fn.consts[in.b]
		case code.OpLoadInt:
			setInt(r(rp, in.a), int64(in.b))
		case code.OpLoadTrue:
			*r(rp, in.a) = vTrue
		case code.OpLoadFalse:
			*r(rp, in.a) = vFalse
		case code.OpLoadNull:
			*r(rp, in.a) = null
		case code.OpLoadUndef:
			*r(rp, in.a) = Value{k: kUndef}
		case code.OpLoadNil:
			*r(rp, in.a) = Value{k: kNil}
		case code.OpMove:
			*r(rp, in.a) = *r(rp, in.b)
		case code.OpGetGlobal:
			v := m.globals[in.b]
			if v.k == kUndef {
				b := m.prog.fallbacks[in.b]
				if b < 0 {
					return null, errorf(m.cl.fn, ipOf(m.cl.fn.cb, pc)-1, "identifier not found: %s", m.prog.globals[in.b])
				}
				v = builtinValue(b)
			}
			*r(rp, in.a) = v
		case code.OpSetGlobal:
			m.globals[in.a] = *r(rp, in.b)
		case code.OpGetFree:
			*r(rp, in.a) = m.cl.free[in.b]
		case code.OpGetBuiltin:
			*r(rp, in.a) = builtinValue(int(in.b))
		case code.OpCurrentClosure:
			*r(rp, in.a) = closureValue(m.cl)
		case code.OpUndefined:
			return null, errorf(m.cl.fn, ipOf(m.cl.fn.cb, pc)-1, "identifier not found: %s", m.cl.fn.consts[in.a].str())
		case code.OpNewCell:
			*r(rp, in.a) = newCell()
		case code.OpGetCell:
			*r(rp, in.a) = *r(rp, in.b).cell()
		case code.OpSetCell:
			*r(rp, in.a).cell() = *r(rp, in.b)
		case code.OpJumpDefined:
			if r(rp, in.a).k != kUndef {
				pc = unsafe.Add(pc, int(in.b))
			}

		case code.OpAdd:
			x, y := *r(rp, in.b), *r(rp, in.c)
			if x.k == kInt && y.k == kInt {
				setInt(r(rp, in.a), x.i+y.i)
			} else if err = m.chargeConcat(x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			} else if *r(rp, in.a), err = binary(in.op, x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpSub:
			x, y := *r(rp, in.b), *r(rp, in.c)
			if x.k == kInt && y.k == kInt {
				setInt(r(rp, in.a), x.i-y.i)
			} else if *r(rp, in.a), err = binary(in.op, x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpMul:
			x, y := *r(rp, in.b), *r(rp, in.c)
			if x.k == kInt && y.k == kInt {
				setInt(r(rp, in.a), x.i*y.i)
			} else if *r(rp, in.a), err = binary(in.op, x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpLt:
			x, y := *r(rp, in.b), *r(rp, in.c)
			if x.k == kInt && y.k == kInt {
				setBool(r(rp, in.a), x.i < y.i)
			} else if *r(rp, in.a), err = binary(in.op, x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpGt:
			x, y := *r(rp, in.b), *r(rp, in.c)
			if x.k == kInt && y.k == kInt {
				setBool(r(rp, in.a), x.i > y.i)
			} else if *r(rp, in.a), err = binary(in.op, x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpDiv:
			x, y := *r(rp, in.b), *r(rp, in.c)
			if x.k == kInt && y.k == kInt && y.i != 0 {
				setInt(r(rp, in.a), x.i/y.i)
			} else if *r(rp, in.a), err = binary(in.op, x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpEq, code.OpNotEq:
			x, y := *r(rp, in.b), *r(rp, in.c)
			if x.k == kInt && y.k == kInt {
				setBool(r(rp, in.a), (x.i == y.i) == (in.op == code.OpEq))
			} else if *r(rp, in.a), err = binary(in.op, x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpAddI:
			x := r(rp, in.b)
			if x.k == kInt {
				setInt(r(rp, in.a), x.i+int64(in.c))
			} else if *r(rp, in.a), err = binary(code.OpAdd, *x, intValue(int64(in.c))); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpSubI:
			x := r(rp, in.b)
			if x.k == kInt {
				setInt(r(rp, in.a), x.i-int64(in.c))
			} else if *r(rp, in.a), err = binary(code.OpSub, *x, intValue(int64(in.c))); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpDivI:
			x := r(rp, in.b)
			if x.k == kInt {
				setInt(r(rp, in.a), x.i/int64(in.c))
			} else if *r(rp, in.a), err = binary(code.OpDiv, *x, intValue(int64(in.c))); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpNeg:
			x := *r(rp, in.b)
			if x.k != kInt {
				return null, errorf(m.cl.fn, ipOf(m.cl.fn.cb, pc)-1, "unknown operator: -%s", x.typeName())
			}
			setInt(r(rp, in.a), -x.i)
		case code.OpNot:
			setBool(r(rp, in.a), !r(rp, in.b).truthy())

		case code.OpJump:
			pc = unsafe.Add(pc, int(in.a))
		case code.OpJumpFalse:
			if !r(rp, in.a).truthy() {
				pc = unsafe.Add(pc, int(in.b))
			}
		case code.OpJumpNotEqI:
			x := r(rp, in.a)
			if x.k == kInt {
				if x.i != int64(in.b) {
					pc = unsafe.Add(pc, int(in.c))
				}
			} else if !identical(*x, intValue(int64(in.b))) {
				pc = unsafe.Add(pc, int(in.c))
			}
		case code.OpJumpNotNotEqI:
			x := r(rp, in.a)
			if x.k == kInt {
				if x.i == int64(in.b) {
					pc = unsafe.Add(pc, int(in.c))
				}
			} else if identical(*x, intValue(int64(in.b))) {
				pc = unsafe.Add(pc, int(in.c))
			}
		case code.OpJumpNotLtI:
			x := r(rp, in.a)
			if x.k == kInt {
				if x.i >= int64(in.b) {
					pc = unsafe.Add(pc, int(in.c))
				}
			} else {
				return null, m.at(mismatch(code.OpLt, *x, intValue(0)), m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpJumpNotGtI:
			x := r(rp, in.a)
			if x.k == kInt {
				if x.i <= int64(in.b) {
					pc = unsafe.Add(pc, int(in.c))
				}
			} else {
				return null, m.at(mismatch(code.OpGt, *x, intValue(0)), m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpJumpNotEq:
			x, y := r(rp, in.a), r(rp, in.b)
			if x.k == kInt && y.k == kInt {
				if x.i != y.i {
					pc = unsafe.Add(pc, int(in.c))
				}
			} else if pc, err = m.condJump(code.OpEq, *x, *y, pc, in.c); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpJumpNotNotEq:
			x, y := r(rp, in.a), r(rp, in.b)
			if x.k == kInt && y.k == kInt {
				if x.i == y.i {
					pc = unsafe.Add(pc, int(in.c))
				}
			} else if pc, err = m.condJump(code.OpNotEq, *x, *y, pc, in.c); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpJumpNotLt:
			x, y := r(rp, in.a), r(rp, in.b)
			if x.k == kInt && y.k == kInt {
				if x.i >= y.i {
					pc = unsafe.Add(pc, int(in.c))
				}
			} else if pc, err = m.condJump(code.OpLt, *x, *y, pc, in.c); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpJumpNotGt:
			x, y := r(rp, in.a), r(rp, in.b)
			if x.k == kInt && y.k == kInt {
				if x.i <= y.i {
					pc = unsafe.Add(pc, int(in.c))
				}
			} else if pc, err = m.condJump(code.OpGt, *x, *y, pc, in.c); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}

		case code.OpArray:
			if err = m.alloc(int64(in.c) * budget.ElementSize); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
			elems := make([]Value, in.c)
			copy(elems, regs(rp, in.b, in.c))
			*r(rp, in.a) = arrayOf(elems)
		case code.OpHash:
			n := int(in.c)
			if n == 0 {
				n = int(in.b) // a size hint for a literal built in chunks
			}
			if err = m.alloc(int64(in.c) * budget.PairSize); err != nil { // chunks charge in Append
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
			h := newHash(n)
			if err = fillHash(h, regs(rp, in.b, 2*in.c)); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
			*r(rp, in.a) = hashValue(h)
		case code.OpAppend:
			n, size := in.c, int64(budget.ElementSize)
			if r(rp, in.a).k == kHash {
				n, size = 2*n, budget.PairSize
			}
			if err = m.alloc(int64(in.c) * size); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
			if *r(rp, in.a), err = appendTo(*r(rp, in.a), regs(rp, in.b, n), int(in.c)); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpCheckKey:
			if !hashable(*r(rp, in.a)) {
				return null, errorf(m.cl.fn, ipOf(m.cl.fn.cb, pc)-1, "unusable as hash key: %s", r(rp, in.a).typeName())
			}
		case code.OpIndex:
			x, y := *r(rp, in.b), *r(rp, in.c)
			if x.k == kArray && y.k == kInt {
				if y.i >= 0 && y.i < x.i {
					*r(rp, in.a) = (*arrayBuf)(x.p).elems[y.i]
				} else {
					*r(rp, in.a) = null
				}
			} else if x.k == kHash && y.k == kInt {
				if i, ok := x.hash().find(y); ok {
					*r(rp, in.a) = x.hash().vals[i]
				} else {
					*r(rp, in.a) = null
				}
			} else if *r(rp, in.a), err = index(x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
		case code.OpClosure:
			pr := m.cl.fn.consts[in.b].closure().fn
			var free []Value
			if n := int32(pr.src.NumFree); n > 0 {
				free = make([]Value, n)
				copy(free, regs(rp, in.c, n))
			}
			*r(rp, in.a) = closureValue(&Closure{fn: pr, free: free})

		case code.OpQuote:
			q := (*compiler.Quote)(m.cl.fn.consts[in.b].p)
			if *r(rp, in.a), err = m.quote(q, regs(rp, in.c, int32(q.Unquotes))); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}

		case code.OpCall:
			f := *r(rp, in.b)
			argAt, argc = in.a, int(in.c)
			if f.k != kClosure {
				if *r(rp, in.a), err = m.callValue(f, regs(rp, argAt, int32(argc))); err != nil {
					return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
				}
				continue
			}
			callee = f.closure()
			goto call
		case code.OpCallGlobal:
			f := m.globals[in.b]
			argAt, argc = in.a, int(in.c)
			if f.k != kClosure {
				if *r(rp, in.a), err = m.callValue(f, regs(rp, argAt, int32(argc))); err != nil {
					return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
				}
				continue
			}
			callee = f.closure()
			goto call
		case code.OpCallSelf:
			callee, argAt, argc = m.cl, in.a, int(in.b)
			goto call

		case code.OpReturn:
			v := *r(rp, in.a)
			if len(m.frames) == 0 {
				return v, nil
			}
			*(*Value)(rp) = v
			f := &m.frames[len(m.frames)-1]
			m.cl, pc, rp = f.cl, f.pc, f.rp
			m.frames = m.frames[:len(m.frames)-1]
		case code.OpReturnInt:
			v := Value{k: kInt, i: int64(in.a)}
			if len(m.frames) == 0 {
				return v, nil
			}
			*(*Value)(rp) = v
			f := &m.frames[len(m.frames)-1]
			m.cl, pc, rp = f.cl, f.pc, f.rp
			m.frames = m.frames[:len(m.frames)-1]
		case code.OpReturnAdd:
			x, y := *r(rp, in.a), *r(rp, in.b)
			var v Value
			if x.k == kInt && y.k == kInt {
				v = Value{k: kInt, i: x.i + y.i}
			} else if err = m.chargeConcat(x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			} else if v, err = binary(code.OpAdd, x, y); err != nil {
				return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
			}
			if len(m.frames) == 0 {
				return v, nil
			}
			*(*Value)(rp) = v
			f := &m.frames[len(m.frames)-1]
			m.cl, pc, rp = f.cl, f.pc, f.rp
			m.frames = m.frames[:len(m.frames)-1]
		case code.OpReturnK:
			v := m.cl.fn.consts[in.a]
			if len(m.frames) == 0 {
				return v, nil
			}
			*(*Value)(rp) = v
			f := &m.frames[len(m.frames)-1]
			m.cl, pc, rp = f.cl, f.pc, f.rp
			m.frames = m.frames[:len(m.frames)-1]
		default:
			return null, errorf(m.cl.fn, ipOf(m.cl.fn.cb, pc)-1, "unknown opcode %d", in.op)
		}
		continue

	call:
		{
			p := callee.fn
			if argc != p.numParams {
				return null, errorf(m.cl.fn, ipOf(m.cl.fn.cb, pc)-1, "wrong number of arguments: want=%d, got=%d", p.numParams, argc)
			}
			if len(m.frames) >= m.maxDepth {
				return null, errorf(m.cl.fn, ipOf(m.cl.fn.cb, pc)-1, "stack overflow")
			}
			if m.meter.Tick--; m.meter.Tick < 0 {
				if err = m.meter.Step(); err != nil {
					return null, m.at(err, m.cl.fn, ipOf(m.cl.fn.cb, pc))
				}
			}
			if uintptr(rp)+uintptr(argAt)*vsize+uintptr(p.numRegs)*vsize > m.end {
				var ok bool
				if rp, ok = m.growFor(rp, int(argAt)+p.numRegs); !ok {
					return null, errorf(m.cl.fn, ipOf(m.cl.fn.cb, pc)-1, "stack overflow")
				}
			}
			m.frames = append(m.frames, frame{cl: m.cl, pc: pc, rp: rp})
			m.cl = callee
			pc = p.cb
			rp = unsafe.Add(rp, uintptr(argAt)*vsize)
		}
	}
}

// condJump is the slow path of a compare-and-branch: it jumps by off
// unless x op y is truthy.
func (m *VM) condJump(op code.Opcode, x, y Value, pc unsafe.Pointer, off int32) (unsafe.Pointer, *object.Error) {
	v, err := binary(op, x, y)
	if err != nil {
		return pc, err
	}
	if !v.truthy() {
		pc = unsafe.Add(pc, int(off))
	}
	return pc, nil
}

// at positions an error raised by the instruction before ip, unless the
// error already has a position.
func (m *VM) at(err *object.Error, fn *proto, ip int) *object.Error {
	if err.Pos.IsValid() {
		return err
	}
	if ip-1 >= 0 && ip-1 < len(fn.pos) {
		err.Pos = fn.pos[ip-1]
	}
	return err
}

const (
	vsize = unsafe.Sizeof(Value{})
	isize = unsafe.Sizeof(instr{})
)

// r addresses register i of the frame whose registers start at rp.
func r(rp unsafe.Pointer, i int32) *Value { return (*Value)(unsafe.Add(rp, uintptr(i)*vsize)) }

// regs returns registers i..i+n-1 of the frame at rp.
func regs(rp unsafe.Pointer, i, n int32) []Value {
	if n <= 0 {
		return nil
	}
	return unsafe.Slice(r(rp, i), n)
}

// ipOf is the index of the instruction pc points at.
func ipOf(cb, pc unsafe.Pointer) int { return int((uintptr(pc) - uintptr(cb)) / isize) }

// setInt and setBool store a result without touching the pointer word: a
// stale pointer in an integer register is never followed, and skipping it
// skips the GC write barrier on the hottest stores.
func setInt(v *Value, i int64) { v.k, v.i = kInt, i }

func setBool(v *Value, b bool) {
	v.k, v.i = kBool, 0
	if b {
		v.i = 1
	}
}

// alloc charges n bytes to the allocation budget.
func (m *VM) alloc(n int64) *object.Error {
	if !m.meter.Limited() {
		return nil
	}
	return m.meter.Alloc(n)
}

// chargeConcat charges x + y when both are strings: the bytes appended in
// place, or the whole result when it is copied.
func (m *VM) chargeConcat(x, y Value) *object.Error {
	if x.k != kString || y.k != kString || !m.meter.Limited() {
		return nil
	}
	if len((*strBuf)(x.p).b) == int(x.i) {
		return m.meter.Alloc(y.i)
	}
	return m.meter.Alloc(x.i + y.i)
}
