// Package difftest runs Monkey programs on both engines, the tree-walking
// evaluator and the bytecode VM, and renders what each did (stdout, then the
// final value or the runtime error) so tests can require them to agree.
package difftest

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/gee-project/gee/monkey"
	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/vm"
)

// Engine runs a prepared program, printing to out.
type Engine func(prog *ast.Program, out *bytes.Buffer) (object.Object, error)

// Eval is the evaluator.
func Eval(prog *ast.Program, out *bytes.Buffer) (object.Object, error) {
	return LimitedEval(0)(prog, out)
}

// VM is the bytecode VM.
func VM(prog *ast.Program, out *bytes.Buffer) (object.Object, error) {
	return vm.Run(prog, out)
}

// LimitedEval is the evaluator failing after maxCalls steps (calls) (0: no limit).
func LimitedEval(maxCalls int64) Engine {
	return EvalUnder(context.Background(), budget.Limits{MaxSteps: maxCalls})
}

// LimitedVM is the VM failing after maxCalls steps (calls) (0: no limit).
func LimitedVM(maxCalls int64) Engine {
	return VMUnder(context.Background(), budget.Limits{MaxSteps: maxCalls})
}

// EvalUnder is the evaluator under ctx and lim.
func EvalUnder(ctx context.Context, lim budget.Limits) Engine {
	return func(prog *ast.Program, out *bytes.Buffer) (object.Object, error) {
		env := object.NewEnvironment()
		env.SetOutput(out)
		res := evaluator.EvalContext(ctx, prog, env, lim)
		if e, ok := res.(*object.Error); ok {
			return nil, e
		}
		return res, nil
	}
}

// VMUnder is the VM under ctx and lim.
func VMUnder(ctx context.Context, lim budget.Limits) Engine {
	return func(prog *ast.Program, out *bytes.Buffer) (object.Object, error) {
		return vm.RunWith(prog, out, vm.Options{Context: ctx, Limits: lim})
	}
}

// Run prepares src (parse, macro expansion) and renders its run on engine:
// the output, then "=> value" or "error: line:col: message". ok is false if
// src does not prepare (a syntax or macro error), which both engines share.
func Run(src string, engine Engine) (rendered string, ok bool) {
	prog, err := monkey.Prepare(src)
	var list parser.ErrorList
	if errors.As(err, &list) || err != nil {
		return fmt.Sprintf("prepare: %v\n", err), false
	}
	var out bytes.Buffer
	res, err := engine(prog, &out)
	switch {
	case err != nil:
		fmt.Fprintf(&out, "error: %s\n", err)
	case res == nil:
		out.WriteString("=> null\n")
	default:
		fmt.Fprintf(&out, "=> %s\n", res.Inspect())
	}
	return out.String(), true
}
