// Package monkey embeds the Monkey language in Go programs, on either
// engine: the bytecode VM (the default) or the tree-walking evaluator.
//
// An Interpreter is a session: each Run sees the globals and macros of the
// earlier ones, as in a REPL. A Program is compiled once and run many times,
// concurrently, each run with its own globals.
//
//	in := monkey.New()
//	in.Register("double", func(args ...object.Object) (object.Object, error) { ... })
//	in.Set("limit", 10)
//	v, err := in.Run(`double(limit)`)
//
//	p, err := monkey.Compile(`price * qty > 100`, monkey.Options{})
//	v, err = p.Run(ctx, map[string]any{"price": 30, "qty": 4})
//
// Runs, calls and macro expansion obey a context and the limits of
// Options.Limits (steps, allocated bytes; see package budget).
package monkey

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/vm"
)

// Engine selects how code runs. Both give the same results and errors.
type Engine int

const (
	// VM compiles to bytecode and runs it on the register VM (the default).
	VM Engine = iota
	// Eval walks the syntax tree.
	Eval
)

// Options configure an Interpreter or a Program.
type Options struct {
	Engine Engine
	// Output is where puts writes; nil means os.Stdout.
	Output io.Writer
	// Limits bound every run, Call and macro expansion.
	Limits budget.Limits
}

func (o Options) output() io.Writer {
	if o.Output == nil {
		return os.Stdout
	}
	return o.Output
}

// Interpreter runs Monkey code in one session: globals and macros defined
// by one Run are visible to the next. It is not safe for concurrent use;
// use one Interpreter per goroutine, or a Program.
type Interpreter struct {
	opts    Options
	macros  *object.Environment
	env     *object.Environment // the evaluator's globals
	globals *vm.Globals         // the VM's globals
}

// New returns an interpreter on the VM whose puts writes to os.Stdout.
func New() *Interpreter { return NewWith(Options{}) }

// NewWith returns an interpreter with opts.
func NewWith(opts Options) *Interpreter {
	in := &Interpreter{opts: opts, macros: object.NewEnvironment()}
	if opts.Engine == Eval {
		in.env = object.NewEnvironment()
		in.env.SetOutput(opts.output())
	} else {
		in.globals = vm.NewGlobals()
	}
	return in
}

// SetOutput sets where puts writes.
func (in *Interpreter) SetOutput(w io.Writer) {
	in.opts.Output = w
	if in.env != nil {
		in.env.SetOutput(in.opts.output())
	}
}

// SetLimits bounds each later Run and Call (macro expansion included): its
// steps and its allocations, see budget.Limits. The zero Limits, the
// default, means no limits.
func (in *Interpreter) SetLimits(l budget.Limits) { in.opts.Limits = l }

// Run parses, macro-expands and runs src. It returns the value of the last
// statement (nil if that was a let). Syntax errors come back as a
// parser.ErrorList holding all of them, runtime errors as *object.Error.
func (in *Interpreter) Run(src string) (object.Object, error) {
	return in.RunContext(context.Background(), src)
}

// RunContext is Run under ctx: once ctx is done the run ends with an error
// wrapping ctx.Err(), within a few microseconds of running code.
func (in *Interpreter) RunContext(ctx context.Context, src string) (object.Object, error) {
	meter := budget.New(ctx, in.opts.Limits)
	prog, err := prepare(src, in.macros, meter)
	if err != nil {
		return nil, err
	}
	if in.env != nil {
		return result(evaluator.EvalMetered(prog, in.env, meter))
	}
	// Names not bound yet may be bound by a later input (a function may call
	// one defined after it), so all are globals, as in the evaluator.
	p, err := load(prog, append(in.globals.Names(), identifiers(prog)...))
	if err != nil {
		return nil, err
	}
	return vm.RunGlobals(p, in.globals, in.opts.output(), vm.Options{Meter: meter})
}

// result splits the evaluator's result into a value and an error.
func result(res object.Object) (object.Object, error) {
	if e, ok := res.(*object.Error); ok {
		return nil, e
	}
	return res, nil
}

// load compiles prog for the VM with predeclared globals.
func load(prog *ast.Program, predeclared []string) (*vm.Program, error) {
	bc, err := compiler.CompileWith(prog, predeclared)
	if err != nil {
		if ce, ok := err.(*compiler.Error); ok {
			return nil, &object.Error{Message: ce.Message, Pos: ce.Pos}
		}
		return nil, err
	}
	return vm.Load(bc)
}

// Prepare parses src and expands its macros, as the monkey command does before
// handing the program to an engine. Errors are a parser.ErrorList or an
// *object.Error from macro expansion.
func Prepare(src string) (*ast.Program, error) {
	return prepare(src, object.NewEnvironment(), budget.Unlimited())
}

// PrepareContext is Prepare with macro expansion under ctx and lim.
func PrepareContext(ctx context.Context, src string, lim budget.Limits) (*ast.Program, error) {
	return prepare(src, object.NewEnvironment(), budget.New(ctx, lim))
}

func prepare(src string, macros *object.Environment, meter *budget.Meter) (*ast.Program, error) {
	prog, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	evaluator.DefineMacros(prog, macros)
	expanded, merr := evaluator.ExpandMacrosMetered(prog, macros, meter)
	if merr != nil {
		return nil, merr
	}
	return expanded.(*ast.Program), nil
}

// Set binds the global name to a Go value converted by ToObject.
func (in *Interpreter) Set(name string, value any) error {
	obj, err := toVar(name, value)
	if err != nil {
		return err
	}
	in.set(name, obj)
	return nil
}

func (in *Interpreter) set(name string, obj object.Object) {
	if in.env != nil {
		in.env.Set(name, obj)
		return
	}
	in.globals.Set(name, obj)
}

// Get returns the value of the global name. A function defined by the VM
// comes back as an *object.Function to inspect; call it with Call.
func (in *Interpreter) Get(name string) (object.Object, bool) {
	if in.env != nil {
		return in.env.Get(name)
	}
	return in.globals.Get(name)
}

// GetAs stores the value of the global name in the Go variable dst points
// to, converted as Decode does. If dst points to a func variable, the func
// calls the Monkey function through Call: its arguments are converted by
// ToObject, its result decoded into the func's first result, and a last
// error result, if the func has one, gets the runtime error (else the func
// panics with it). Like the interpreter, the func is not safe for
// concurrent use.
func (in *Interpreter) GetAs(name string, dst any) error {
	v, ok := in.Get(name)
	if !ok {
		return fmt.Errorf("monkey: identifier not found: %s", name)
	}
	if rv := reflect.ValueOf(dst); rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Func {
		return in.funcInto(name, v, rv.Elem())
	}
	return Decode(v, dst)
}

// funcInto sets the func variable dst to a Go func calling the Monkey
// function name.
func (in *Interpreter) funcInto(name string, v object.Object, dst reflect.Value) error {
	if v.Type() != object.FUNCTION_OBJ && v.Type() != object.BUILTIN_OBJ {
		return fmt.Errorf("monkey: %s is %s, not a function", name, v.Type())
	}
	t := dst.Type()
	hasErr := t.NumOut() > 0 && t.Out(t.NumOut()-1) == errorType
	if n := t.NumOut(); n > 2 || (n == 2 && !hasErr) {
		return fmt.Errorf("monkey: %s: func type %s returns %d values; want at most a value and an error", name, t, n)
	}
	dst.Set(reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		goArgs := make([]any, len(args))
		for i, a := range args {
			goArgs[i] = a.Interface()
		}
		res, err := in.Call(name, goArgs...)
		out := make([]reflect.Value, t.NumOut())
		for i := range out {
			out[i] = reflect.Zero(t.Out(i))
		}
		if err == nil && t.NumOut() > 0 && !(hasErr && t.NumOut() == 1) {
			v := reflect.New(t.Out(0)).Elem()
			if err = decode(res, v); err == nil {
				out[0] = v
			}
		}
		if err != nil {
			if !hasErr {
				panic(err)
			}
			out[len(out)-1] = reflect.ValueOf(&err).Elem()
		}
		return out
	}))
	return nil
}

// Func is a Go function callable from Monkey. A returned error aborts the
// Monkey program with the error's text, positioned at the call; so does a
// panic, as "builtin NAME panicked: ...".
type Func func(args ...object.Object) (object.Object, error)

// Register makes fn callable from Monkey as the global name.
func (in *Interpreter) Register(name string, fn Func) { in.set(name, builtin(name, fn)) }

func builtin(name string, fn Func) *object.Builtin {
	return &object.Builtin{Name: name, Fn: func(_ io.Writer, args ...object.Object) object.Object {
		res, err := fn(args...)
		if err != nil {
			return &object.Error{Message: err.Error()}
		}
		if res == nil {
			return object.NULL
		}
		return res
	}}
}

// Call calls the Monkey function (or builtin) bound to the global name with
// arguments converted by ToObject.
func (in *Interpreter) Call(name string, args ...any) (object.Object, error) {
	return in.CallContext(context.Background(), name, args...)
}

// CallContext is Call under ctx and the interpreter's limits.
func (in *Interpreter) CallContext(ctx context.Context, name string, args ...any) (object.Object, error) {
	objs := make([]object.Object, len(args))
	for i, a := range args {
		o, err := ToObject(a)
		if err != nil {
			return nil, fmt.Errorf("monkey: argument %d: %w", i+1, err)
		}
		objs[i] = o
	}
	meter := budget.New(ctx, in.opts.Limits)
	if in.env == nil {
		p, err := load(&ast.Program{}, in.globals.Names())
		if err != nil {
			return nil, err
		}
		return vm.Call(p, in.globals, name, objs, in.opts.output(), vm.Options{Meter: meter})
	}
	fn, ok := in.env.Get(name)
	if !ok {
		return nil, fmt.Errorf("monkey: identifier not found: %s", name)
	}
	return result(evaluator.ApplyMetered(fn, objs, in.env, meter))
}
