// Package object defines the runtime values of Monkey, shared by the
// tree-walking evaluator and the bytecode VM, and the builtin functions.
package object

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/token"
)

// ObjectType names a kind of value as it appears in error messages.
type ObjectType string

// The value kinds.
const (
	INTEGER_OBJ      ObjectType = "INTEGER"
	BOOLEAN_OBJ      ObjectType = "BOOLEAN"
	NULL_OBJ         ObjectType = "NULL"
	STRING_OBJ       ObjectType = "STRING"
	ARRAY_OBJ        ObjectType = "ARRAY"
	HASH_OBJ         ObjectType = "HASH"
	FUNCTION_OBJ     ObjectType = "FUNCTION"
	BUILTIN_OBJ      ObjectType = "BUILTIN"
	ERROR_OBJ        ObjectType = "ERROR"
	RETURN_VALUE_OBJ ObjectType = "RETURN_VALUE"
	QUOTE_OBJ        ObjectType = "QUOTE"
	MACRO_OBJ        ObjectType = "MACRO"
)

// Object is any Monkey value.
type Object interface {
	Type() ObjectType
	// Inspect renders the value as the book's REPL prints it.
	Inspect() string
}

// Integer is a 64-bit signed integer.
type Integer struct{ Value int64 }

// Type returns INTEGER.
func (i *Integer) Type() ObjectType { return INTEGER_OBJ }

// Inspect prints the decimal value.
func (i *Integer) Inspect() string { return strconv.FormatInt(i.Value, 10) }

// Boolean is true or false; use TRUE and FALSE rather than new values.
type Boolean struct{ Value bool }

// Type returns BOOLEAN.
func (b *Boolean) Type() ObjectType { return BOOLEAN_OBJ }

// Inspect prints "true" or "false".
func (b *Boolean) Inspect() string { return strconv.FormatBool(b.Value) }

// Null is the absent value; use NULL.
type Null struct{}

// Type returns NULL.
func (n *Null) Type() ObjectType { return NULL_OBJ }

// Inspect prints "null".
func (n *Null) Inspect() string { return "null" }

// String is an immutable string.
type String struct{ Value string }

// Type returns STRING.
func (s *String) Type() ObjectType { return STRING_OBJ }

// Inspect prints the contents without quotes, as the book does.
func (s *String) Inspect() string { return s.Value }

// Array is an ordered list of values. Elements must not be modified once
// the array is visible to a program: arrays made by push share buffers.
type Array struct {
	Elements []Object
	// buf, when set, is the buffer Elements is a prefix of, which push may
	// extend in place while Elements ends at its used length.
	buf *arrayBuf
}

// Type returns ARRAY.
func (a *Array) Type() ObjectType { return ARRAY_OBJ }

// Inspect prints "[a, b]".
func (a *Array) Inspect() string { return inspectBounded(a) }

// Function is a closure of the tree-walking evaluator. Code and Frame are the
// evaluator's compiled body and captured scope; other packages ignore them.
type Function struct {
	Parameters []*ast.Identifier
	Body       *ast.BlockStatement
	Env        *Environment
	Name       string
	Code       any
	Frame      any
}

// Type returns FUNCTION.
func (f *Function) Type() ObjectType { return FUNCTION_OBJ }

// Inspect prints "fn(params) {\nbody\n}".
func (f *Function) Inspect() string { return inspectFn("fn", f.Parameters, f.Body) }

func inspectFn(kw string, params []*ast.Identifier, body *ast.BlockStatement) string {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.String()
	}
	return kw + "(" + strings.Join(names, ", ") + ") {\n" + body.String() + "\n}"
}

// BuiltinFunction is a function implemented in Go. Output such as puts goes
// to out. It reports misuse by returning an *Error (without a position).
type BuiltinFunction func(out io.Writer, args ...Object) Object

// Builtin is a Go function callable from Monkey.
type Builtin struct {
	Name string
	Fn   BuiltinFunction
}

// Type returns BUILTIN.
func (b *Builtin) Type() ObjectType { return BUILTIN_OBJ }

// Inspect prints "builtin function".
func (b *Builtin) Inspect() string { return "builtin function" }

// Error is a runtime error. It aborts the program; Pos is where it happened.
// Cause, when set, is the Go error behind it (a context's error, a limit's
// sentinel), for errors.Is.
type Error struct {
	Message string
	Pos     token.Position
	Cause   error
	// Trace lists the calls active when the error happened, outermost
	// first, when the engine was asked to record them (the REPL does).
	Trace []Frame
}

// Frame is one active call: where the call was made and where the called
// function was defined.
type Frame struct {
	Call, Def token.Position
}

// Unwrap returns Cause.
func (e *Error) Unwrap() error { return e.Cause }

// Type returns ERROR.
func (e *Error) Type() ObjectType { return ERROR_OBJ }

// Inspect prints "ERROR: message".
func (e *Error) Inspect() string { return "ERROR: " + e.Message }

// Error formats "line:col: message", or just the message without a position.
func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return e.Pos.String() + ": " + e.Message
	}
	return e.Message
}

// NewError returns an error with a formatted message and no position.
func NewError(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// ReturnValue wraps the value of a return statement while it unwinds.
type ReturnValue struct{ Value Object }

// Type returns RETURN_VALUE.
func (r *ReturnValue) Type() ObjectType { return RETURN_VALUE_OBJ }

// Inspect prints the wrapped value.
func (r *ReturnValue) Inspect() string { return r.Value.Inspect() }

// Quote is an unevaluated syntax tree produced by quote(...).
type Quote struct{ Node ast.Node }

// Type returns QUOTE.
func (q *Quote) Type() ObjectType { return QUOTE_OBJ }

// Inspect prints "QUOTE(node)".
func (q *Quote) Inspect() string { return "QUOTE(" + q.Node.String() + ")" }

// Macro is a macro definition; it runs on syntax trees before evaluation.
type Macro struct {
	Parameters []*ast.Identifier
	Body       *ast.BlockStatement
	Env        *Environment
}

// Type returns MACRO.
func (m *Macro) Type() ObjectType { return MACRO_OBJ }

// Inspect prints "macro(params) {\nbody\n}".
func (m *Macro) Inspect() string { return inspectFn("macro", m.Parameters, m.Body) }

// The shared singletons. Comparing against them by pointer is how both
// engines test for booleans and null.
var (
	NULL  = &Null{}
	TRUE  = &Boolean{Value: true}
	FALSE = &Boolean{Value: false}
)

// NativeBool returns TRUE or FALSE.
func NativeBool(b bool) *Boolean {
	if b {
		return TRUE
	}
	return FALSE
}

// IsTruthy reports whether v counts as true: everything but false and null.
func IsTruthy(v Object) bool { return v != FALSE && v != NULL }

const smallIntMin, smallIntMax = -256, 1024

var smallInts = func() []Integer {
	s := make([]Integer, smallIntMax-smallIntMin+1)
	for i := range s {
		s[i].Value = int64(i + smallIntMin)
	}
	return s
}()

// NewInteger returns an Integer for v, shared for small values so common
// arithmetic does not allocate. Integers are immutable, so sharing is safe.
func NewInteger(v int64) *Integer {
	if v >= smallIntMin && v <= smallIntMax {
		return &smallInts[v-smallIntMin]
	}
	return &Integer{Value: v}
}
