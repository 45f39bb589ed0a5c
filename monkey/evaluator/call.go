package evaluator

import (
	"io"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/token"
)

// proto is a compiled function body, shared by all closures made from one
// function literal.
type proto struct {
	params []*ast.Identifier
	body   *ast.BlockStatement
	name   string
	env    *object.Environment
	code   *blockNode
	nslots int
	pos    token.Position // the function literal's, for error traces
	// leaf functions contain no function literal, so nothing can capture
	// their frame and it is reused after the call.
	leaf bool
}

// reuseFrames enables the frame pool; tests turn it off to check that
// reusing frames never changes a program's result.
var reuseFrames = true

type fnNode struct{ proto *proto }

func (f *fnNode) eval(fr *frame) object.Object {
	p := f.proto
	return &object.Function{Parameters: p.params, Body: p.body, Env: p.env, Name: p.name, Code: p, Frame: fr}
}

type callNode struct {
	fn     node
	args   []node
	pos    token.Position
	weight int // stack cost: the call site's nesting in its function body
}

func (c *callNode) eval(fr *frame) object.Object {
	var callee object.Object
	if g, ok := c.fn.(*globalNode); ok {
		callee = g.eval(fr) // direct call: most callees are global functions
	} else {
		callee = c.fn.eval(fr)
	}
	if f, ok := callee.(*object.Function); ok {
		if p, ok := f.Code.(*proto); ok {
			return c.callFunction(fr, f, p)
		}
	}
	args := make([]object.Object, len(c.args))
	for i, a := range c.args {
		args[i] = a.eval(fr)
	}
	if b, ok := callee.(*object.Builtin); ok {
		return fr.m.callBuiltin(b, args, c.pos)
	}
	fail(c.pos, "not a function: %s", callee.Type())
	return nil
}

// callFunction evaluates the arguments straight into the callee's new frame.
func (c *callNode) callFunction(fr *frame, f *object.Function, p *proto) object.Object {
	parent, _ := f.Frame.(*frame)
	m := fr.m
	var nf *frame
	if p.leaf && reuseFrames {
		nf = m.acquire(p.nslots, min(len(c.args), p.nslots), parent)
	} else {
		nf = newFrame(p.nslots, parent, m)
	}
	for i, a := range c.args {
		v := a.eval(fr)
		if i < len(nf.slots) {
			nf.slots[i] = v
		}
	}
	if len(c.args) != len(p.params) {
		fail(c.pos, "wrong number of arguments: want=%d, got=%d", len(p.params), len(c.args))
	}
	if m.depth+c.weight > MaxStack {
		fail(c.pos, "stack overflow")
	}
	if m.meter.Tick--; m.meter.Tick < 0 {
		m.step(c.pos)
	}
	m.depth += c.weight
	if m.trace {
		m.calls = append(m.calls, object.Frame{Call: c.pos, Def: p.pos})
	}
	res := p.code.eval(nf)
	if m.trace {
		m.calls = m.calls[:len(m.calls)-1]
	}
	m.depth -= c.weight
	if p.leaf && reuseFrames {
		m.release(nf)
	}
	return res
}

// callBuiltin runs a Go builtin. A panic in it becomes a runtime error
// naming the builtin, at the call, instead of crashing the host.
func (m *machine) callBuiltin(b *object.Builtin, args []object.Object, pos token.Position) (res object.Object) {
	if b == pushBuiltin && len(args) == 2 && m.meter.Limited() {
		if arr, ok := args[0].(*object.Array); ok {
			res, slots := object.Push(arr, args[1])
			m.alloc(pos, int64(slots)*budget.ElementSize)
			return res
		}
	}
	res = safeCall(b, m.out, args)
	if err, isErr := res.(*object.Error); isErr {
		failWith(pos, err)
	}
	if res == nil {
		return NULL
	}
	return res
}

var pushBuiltin = object.GetBuiltinByName("push")

func safeCall(b *object.Builtin, out io.Writer, args []object.Object) (res object.Object) {
	defer func() {
		if r := recover(); r != nil {
			res = object.NewError("builtin %s panicked: %v", b.Name, r)
		}
	}()
	return b.Fn(out, args...)
}

// Apply calls a Monkey function or builtin with args, for Go code embedding
// Monkey. It returns the result or the runtime error.
func Apply(fn object.Object, args []object.Object, env *object.Environment) object.Object {
	return ApplyMetered(fn, args, env, budget.Unlimited())
}

// ApplyMetered is Apply charging steps and allocations to meter.
func ApplyMetered(fn object.Object, args []object.Object, env *object.Environment, meter *budget.Meter) (result object.Object) {
	m := newMachine(env, meter)
	defer recoverError(&result)
	consts := make([]node, len(args))
	for i, a := range args {
		consts[i] = &constNode{a}
	}
	call := &callNode{fn: &constNode{fn}, args: consts, weight: 2}
	return call.eval(newFrame(0, nil, m))
}
