// Package evaluator runs Monkey programs by walking the syntax tree.
//
// Eval first resolves the tree (every identifier becomes a frame slot, an
// enclosing frame's slot or a global slot) into a tree of small executable
// nodes, then runs that. Frames are slices, not maps, and small integers,
// booleans and null are shared, which makes it several times faster than the
// book's map-of-names evaluator while keeping its semantics.
package evaluator

import (
	"fmt"
	"io"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/token"
)

// MaxStack bounds the evaluator's stack: each active call costs the syntactic
// nesting of its call site (at least 2), and a call that would pass the bound
// fails with "stack overflow" instead of exhausting the Go stack. A simple
// recursive function can nest about 40000 calls deep.
const MaxStack = 200000

// NULL, TRUE and FALSE are the shared singleton values.
var (
	NULL  = object.NULL
	TRUE  = object.TRUE
	FALSE = object.FALSE
)

// machine is the state of one Eval call.
type machine struct {
	out   io.Writer
	depth int      // stack cost of the active calls
	calls int64    // calls left before "call limit exceeded"; <0 means no limit
	free  []*frame // released frames of functions that cannot capture them
}

// acquire returns a frame with n slots, reusing a released one. Slots from
// keep on are cleared (unbound); the caller overwrites the ones before it.
func (m *machine) acquire(n, keep int, parent *frame) *frame {
	if k := len(m.free); k > 0 {
		f := m.free[k-1]
		if cap(f.slots) >= n {
			m.free = m.free[:k-1]
			f.slots = f.slots[:n]
			clear(f.slots[keep:])
			f.parent = parent
			return f
		}
	}
	return newFrame(n, parent, m)
}

// release returns a frame that no closure can reference to the pool.
func (m *machine) release(f *frame) {
	f.ret, f.retVal = false, nil
	m.free = append(m.free, f)
}

// frame holds the slots of one function activation (or of the top level).
type frame struct {
	slots  []object.Object
	parent *frame // lexically enclosing function's frame
	m      *machine
	ret    bool // a return statement has run in this activation
	retVal object.Object
	small  [4]object.Object
}

func newFrame(n int, parent *frame, m *machine) *frame {
	f := &frame{parent: parent, m: m}
	if n <= len(f.small) {
		f.slots = f.small[:n]
	} else {
		f.slots = make([]object.Object, n)
	}
	return f
}

// node is an executable, resolved piece of the program.
type node interface {
	eval(fr *frame) object.Object
}

// Eval evaluates a program, statement or expression in env. The result is
// the program's value (nil when the last statement is a let), or an
// *object.Error carrying the message and position of the runtime error that
// aborted the program. Globals defined by the program stay in env.
func Eval(n ast.Node, env *object.Environment) object.Object {
	return EvalLimited(n, env, 0)
}

// EvalLimited is Eval with a budget of maxCalls function calls (0 means no
// limit). Past it the program fails with "call limit exceeded", which lets a
// host stop runaway programs such as exponential recursion.
func EvalLimited(n ast.Node, env *object.Environment, maxCalls int64) (result object.Object) {
	c := newCompiler(env)
	code, err := c.compileTop(n)
	if err != nil {
		return err
	}
	m := newMachine(env, maxCalls)
	defer recoverError(&result)
	return code.eval(newFrame(0, nil, m))
}

func newMachine(env *object.Environment, maxCalls int64) *machine {
	m := &machine{out: env.Output(), calls: -1}
	if maxCalls > 0 {
		m.calls = maxCalls
	}
	return m
}

// recoverError turns the panic of a runtime error into the result; it is
// deferred by every entry point.
func recoverError(result *object.Object) {
	if r := recover(); r != nil {
		e, ok := r.(*object.Error)
		if !ok {
			panic(r)
		}
		*result = e
	}
}

// fail aborts the running program with a positioned runtime error.
func fail(pos token.Position, format string, args ...any) {
	panic(&object.Error{Message: fmt.Sprintf(format, args...), Pos: pos})
}

// failWith aborts with err, giving it pos if it has none (builtin errors).
func failWith(pos token.Position, err *object.Error) {
	if !err.Pos.IsValid() {
		err = &object.Error{Message: err.Message, Pos: pos}
	}
	panic(err)
}
