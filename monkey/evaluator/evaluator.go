// Package evaluator runs Monkey programs by walking the syntax tree.
//
// Eval first resolves the tree (every identifier becomes a frame slot, an
// enclosing frame's slot or a global slot) into a tree of small executable
// nodes, then runs that. Frames are slices, not maps, and small integers,
// booleans and null are shared, which makes it several times faster than the
// book's map-of-names evaluator while keeping its semantics.
package evaluator

import (
	"context"
	"fmt"
	"io"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
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
	depth int           // stack cost of the active calls
	meter *budget.Meter // context, step and allocation limits
	free  []*frame      // released frames of functions that cannot capture them
	// trace, when set, records the active calls in calls, for errors.
	trace bool
	calls []object.Frame
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
	return EvalContext(context.Background(), n, env, budget.Limits{})
}

// EvalContext is Eval under ctx (nil: none) and lim: the run ends with an
// error once ctx is done or a limit is passed (see package budget).
func EvalContext(ctx context.Context, n ast.Node, env *object.Environment, lim budget.Limits) object.Object {
	return EvalMetered(n, env, budget.New(ctx, lim))
}

// EvalMetered is Eval charging the steps and allocations to meter, which a
// host may share between several evaluations of one run (macro expansion,
// then the program).
func EvalMetered(n ast.Node, env *object.Environment, meter *budget.Meter) object.Object {
	return evalWith(n, newMachine(env, meter), env)
}

// EvalTraced is EvalMetered recording calls: a runtime error's Trace lists
// the calls active when it happened (with where each callee was defined).
// It costs a little per call, so only hosts showing errors to people, such
// as a REPL, should use it.
func EvalTraced(n ast.Node, env *object.Environment, meter *budget.Meter) object.Object {
	m := newMachine(env, meter)
	m.trace = true
	return evalWith(n, m, env)
}

func evalWith(n ast.Node, m *machine, env *object.Environment) (result object.Object) {
	c := newCompiler(env)
	code, err := c.compileTop(n)
	if err != nil {
		return err
	}
	defer func() {
		if e, ok := result.(*object.Error); ok && m.trace {
			e.Trace = append([]object.Frame(nil), m.calls...)
		}
	}()
	defer recoverError(&result)
	return code.eval(newFrame(0, nil, m))
}

func newMachine(env *object.Environment, meter *budget.Meter) *machine {
	return &machine{out: env.Output(), meter: meter}
}

// step is the slow path of counting a call against the step budget (the
// callers decrement meter.Tick inline): it polls the context and fails
// once a limit is passed.
func (m *machine) step(pos token.Position) {
	if err := m.meter.Step(); err != nil {
		failWith(pos, err)
	}
}

// alloc charges n bytes to the allocation budget.
func (m *machine) alloc(pos token.Position, n int64) {
	if err := m.meter.Alloc(n); err != nil {
		failWith(pos, err)
	}
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
		err = &object.Error{Message: err.Message, Pos: pos, Cause: err.Cause}
	}
	panic(err)
}
