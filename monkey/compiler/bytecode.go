// Package compiler translates a Monkey syntax tree into register-VM bytecode
// (see package code). Names are resolved before running: parameters and
// locals become registers, top-level lets become global slots, captured
// variables become free variables of closures, and a function bound by `let`
// refers to itself directly. Where the tree-walking evaluator's dynamic
// environments could observe a difference (a name bound only on one branch of
// an if, a closure created before the variable it reads is bound) the
// compiler emits checked reads or shared cells, so both engines agree.
package compiler

import (
	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/token"
)

// Builtins names the built-in functions in the order of their numbers.
var Builtins = []string{"len", "puts", "first", "last", "rest", "push"}

// BuiltinIndex returns the number of the builtin called name, or -1.
func BuiltinIndex(name string) int {
	for i, b := range Builtins {
		if b == name {
			return i
		}
	}
	return -1
}

// Function is a compiled function body (or the main program).
type Function struct {
	Name         string
	Literal      *ast.FunctionLiteral // nil for the main program
	Instructions code.Instructions
	NumParams    int
	NumRegs      int        // registers the body needs, parameters included
	Positions    []PosEntry // source position of instructions that can fail
	NumFree      int        // free variables a closure of it captures
}

// PosEntry maps an instruction's byte offset to the source position that
// runtime errors raised by it report.
type PosEntry struct {
	Offset int
	Pos    token.Position
}

// Bytecode is the compiler's output.
type Bytecode struct {
	Main *Function
	// Constants holds int64, string, *Function, *Quote and
	// *ast.MacroLiteral values.
	Constants []any
	// Globals names the global slots, in slot order.
	Globals []string
}

// Quote is the template of a quote(...) call: the VM rebuilds Arg with each
// unquote(...) call inside replaced by the syntax of its value, in the order
// ast.Modify visits them, as the evaluator does.
type Quote struct {
	Arg      ast.Node // nil when the call does not have exactly one argument
	NArgs    int
	Unquotes int
	Pos      token.Position
}

// IsUnquote reports whether n is a call unquote(x) with one argument.
func IsUnquote(n ast.Node) (*ast.CallExpression, bool) {
	call, ok := n.(*ast.CallExpression)
	if !ok || len(call.Arguments) != 1 {
		return nil, false
	}
	id, ok := call.Function.(*ast.Identifier)
	return call, ok && id.Value == "unquote"
}
