// Package vm runs compiled Monkey bytecode on a register machine.
//
// Values are small tagged structs (see Value), so integer and boolean
// arithmetic never allocates. Every function activation owns a window of one
// growable register stack; a call's arguments are evaluated straight into the
// callee's first registers, so calls copy nothing. Frames live in one
// growable slice, which makes recursion depth a matter of memory (and of the
// configurable MaxDepth), never of the Go stack.
package vm

import (
	"context"
	"fmt"
	"io"
	"unsafe"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/object"
)

// DefaultMaxDepth is how many nested calls a program may make before it
// fails with "stack overflow".
const DefaultMaxDepth = 1 << 20

// maxStack bounds the register stack (in values) for the same reason.
const maxStack = 1 << 24

// Options configure a run.
type Options struct {
	// MaxDepth is the call depth at which a call fails with "stack
	// overflow"; 0 means DefaultMaxDepth.
	MaxDepth int
	// Context, if set, ends the run once it is done (checked at calls).
	Context context.Context
	// Limits bound the run's steps (function calls) and allocations.
	Limits budget.Limits
	// Meter, if set, replaces Context and Limits: runs sharing a meter
	// share one budget (macro expansion and the program, say).
	Meter *budget.Meter
	// Globals, if set, holds the global variables: the run starts from and
	// leaves its globals there. The program must have been compiled with
	// Globals.Names as its predeclared globals.
	Globals *Globals
}

// MaxStringLen bounds the length of a string built by +, as in the
// evaluator, so a runaway concatenation fails instead of exhausting memory.
const MaxStringLen = 1 << 28

// VM runs one compiled program.
type VM struct {
	prog     *Program
	globals  []Value
	stack    []Value
	frames   []frame
	out      io.Writer
	cl       *Closure // the running closure
	end      uintptr  // address just past the register stack
	maxDepth int
	meter    *budget.Meter
	ownMeter budget.Meter // the meter when Options.Meter is not set
}

// frame is a suspended caller: its closure, its next instruction and its
// register 0 (rebased when the stack grows).
type frame struct {
	cl *Closure
	pc unsafe.Pointer
	rp unsafe.Pointer
}

// Run compiles and runs a (macro-expanded) program, printing to out. It
// returns the program's value, or the runtime error (an *object.Error with
// the evaluator's message and position).
func Run(prog *ast.Program, out io.Writer) (object.Object, error) {
	return RunWith(prog, out, Options{})
}

// RunWith is Run with options.
func RunWith(prog *ast.Program, out io.Writer, opts Options) (object.Object, error) {
	bc, err := compiler.Compile(prog)
	if err != nil {
		if ce, ok := err.(*compiler.Error); ok {
			return nil, &object.Error{Message: ce.Message, Pos: ce.Pos}
		}
		return nil, err
	}
	m, err := New(bc, out, opts)
	if err != nil {
		return nil, err
	}
	return m.Run()
}

// New prepares a VM for bytecode.
func New(bc *compiler.Bytecode, out io.Writer, opts Options) (*VM, error) {
	p, err := Load(bc)
	if err != nil {
		return nil, err
	}
	return NewVM(p, out, opts), nil
}

// NewVM prepares a VM for a loaded program. Globals come from
// opts.Globals when set (and stay there), else are the run's own.
func NewVM(p *Program, out io.Writer, opts Options) *VM {
	m := &VM{prog: p, out: out}
	m.Reset(out, opts)
	m.setStack(make([]Value, 64))
	return m
}

// Reset prepares m for another run of its program with new options,
// keeping its stack.
func (m *VM) Reset(out io.Writer, opts Options) {
	m.out, m.maxDepth = out, opts.MaxDepth
	if m.maxDepth <= 0 {
		m.maxDepth = DefaultMaxDepth
	}
	m.meter = opts.Meter
	if m.meter == nil {
		m.ownMeter.Reset(opts.Context, opts.Limits)
		m.meter = &m.ownMeter
	}
	if opts.Globals != nil {
		m.globals = opts.Globals.slots(len(m.prog.globals))
		return
	}
	m.globals = m.globals[:0]
	for range m.prog.globals {
		m.globals = append(m.globals, Value{k: kUndef})
	}
}

// Run executes the program once and converts its value for the caller.
func (m *VM) Run() (object.Object, error) {
	v, err := m.run()
	if err != nil {
		return nil, err
	}
	return m.toObject(v), nil
}

// errorf builds a runtime error positioned at instruction ip of fn.
func errorf(fn *proto, ip int, format string, args ...any) *object.Error {
	e := &object.Error{Message: fmt.Sprintf(format, args...)}
	if ip >= 0 && ip < len(fn.pos) {
		e.Pos = fn.pos[ip]
	}
	return e
}

// grow makes the stack hold at least need values.
func (m *VM) grow(need int) bool {
	if need > maxStack {
		return false
	}
	s := make([]Value, max(need+need/2, 2*len(m.stack)))
	copy(s, m.stack)
	m.setStack(s)
	return true
}

func (m *VM) setStack(s []Value) {
	m.stack = s
	m.end = uintptr(unsafe.Pointer(&s[0])) + uintptr(len(s))*vsize
}

// growFor grows the stack so that n registers from the frame at rp fit,
// moves the suspended frames' register pointers along, and returns rp's
// new address.
func (m *VM) growFor(rp unsafe.Pointer, n int) (unsafe.Pointer, bool) {
	old := uintptr(unsafe.Pointer(&m.stack[0]))
	at := int((uintptr(rp) - old) / vsize)
	if !m.grow(at + n) {
		return rp, false
	}
	sb := unsafe.Pointer(&m.stack[0])
	for i := range m.frames {
		f := &m.frames[i]
		f.rp = unsafe.Add(sb, uintptr(f.rp)-old)
	}
	return unsafe.Add(sb, uintptr(at)*vsize), true
}

func newCell() Value {
	return Value{k: kCell, p: unsafe.Pointer(&Value{k: kUndef})}
}
