package main

import (
	"io"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
)

// Engine runs a parsed, macro-expanded program under meter's context and
// limits; puts output goes to out. It returns the final value, or the
// runtime error as a *object.Error (Message + Pos) returned through the
// error interface.
type Engine func(prog *ast.Program, out io.Writer, meter *budget.Meter) (object.Object, error)

// engines holds the runnable engines by -engine name; vm.go adds "vm".
var engines = map[string]Engine{"eval": evalEngine}

// evalEngine runs prog on the tree-walking evaluator.
func evalEngine(prog *ast.Program, out io.Writer, meter *budget.Meter) (object.Object, error) {
	env := object.NewEnvironment()
	env.SetOutput(out)
	res := evaluator.EvalMetered(prog, env, meter)
	if err, ok := res.(*object.Error); ok {
		return nil, err
	}
	return res, nil
}

// defaultEngine is "vm" when it is built in, else "eval".
func defaultEngine() string {
	if _, ok := engines["vm"]; ok {
		return "vm"
	}
	return "eval"
}
