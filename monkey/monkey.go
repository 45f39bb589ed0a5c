// Package monkey embeds the Monkey language in Go programs: run source
// strings, set and read globals, and register Go functions as builtins.
//
//	in := monkey.New()
//	in.Register("double", func(args ...object.Object) (object.Object, error) { ... })
//	in.Set("limit", 10)
//	v, err := in.Run(`double(limit)`)
package monkey

import (
	"context"
	"fmt"
	"io"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

// Interpreter runs Monkey code on the tree-walking evaluator. Globals and
// macros defined by one Run are visible to the next. It is not safe for
// concurrent use; use one Interpreter per goroutine.
type Interpreter struct {
	env    *object.Environment
	macros *object.Environment
	limits budget.Limits
}

// SetLimits bounds each later Run and Call (macro expansion included): its
// steps and its allocations, see budget.Limits. The zero Limits, the
// default, means no limits.
func (in *Interpreter) SetLimits(l budget.Limits) { in.limits = l }

// New returns an interpreter whose puts writes to os.Stdout.
func New() *Interpreter {
	return &Interpreter{env: object.NewEnvironment(), macros: object.NewEnvironment()}
}

// SetOutput sets where puts writes.
func (in *Interpreter) SetOutput(w io.Writer) { in.env.SetOutput(w) }

// Run parses, macro-expands and evaluates src. It returns the value of the
// last statement (nil if that was a let). Syntax errors come back as a
// parser.ErrorList holding all of them, runtime errors as *object.Error.
func (in *Interpreter) Run(src string) (object.Object, error) {
	return in.RunContext(context.Background(), src)
}

// RunContext is Run under ctx: once ctx is done the run ends with an error
// wrapping ctx.Err(), within a few microseconds of running code.
func (in *Interpreter) RunContext(ctx context.Context, src string) (object.Object, error) {
	meter := budget.New(ctx, in.limits)
	prog, err := prepare(src, in.macros, meter)
	if err != nil {
		return nil, err
	}
	res := evaluator.EvalMetered(prog, in.env, meter)
	if e, ok := res.(*object.Error); ok {
		return nil, e
	}
	return res, nil
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
	obj, err := ToObject(value)
	if err != nil {
		return fmt.Errorf("monkey: global %s: %w", name, err)
	}
	in.env.Set(name, obj)
	return nil
}

// Get returns the value of the global name.
func (in *Interpreter) Get(name string) (object.Object, bool) { return in.env.Get(name) }

// Func is a Go function callable from Monkey. A returned error aborts the
// Monkey program with the error's text, positioned at the call.
type Func func(args ...object.Object) (object.Object, error)

// Register makes fn callable from Monkey as the global name.
func (in *Interpreter) Register(name string, fn Func) {
	in.env.Set(name, &object.Builtin{Name: name, Fn: func(_ io.Writer, args ...object.Object) object.Object {
		res, err := fn(args...)
		if err != nil {
			return &object.Error{Message: err.Error()}
		}
		if res == nil {
			return object.NULL
		}
		return res
	}})
}

// Call calls the Monkey function (or builtin) bound to the global name.
func (in *Interpreter) Call(name string, args ...any) (object.Object, error) {
	return in.CallContext(context.Background(), name, args...)
}

// CallContext is Call under ctx and the interpreter's limits.
func (in *Interpreter) CallContext(ctx context.Context, name string, args ...any) (object.Object, error) {
	fn, ok := in.env.Get(name)
	if !ok {
		return nil, fmt.Errorf("monkey: identifier not found: %s", name)
	}
	objs := make([]object.Object, len(args))
	for i, a := range args {
		o, err := ToObject(a)
		if err != nil {
			return nil, fmt.Errorf("monkey: argument %d: %w", i+1, err)
		}
		objs[i] = o
	}
	res := evaluator.ApplyMetered(fn, objs, in.env, budget.New(ctx, in.limits))
	if e, ok := res.(*object.Error); ok {
		return nil, e
	}
	return res, nil
}
