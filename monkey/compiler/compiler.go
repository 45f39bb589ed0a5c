package compiler

import (
	"fmt"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/token"
)

// MaxRegs is the register limit of one function: the VM's register stack
// holds at most 2^24 values, so a function needing more could never run.
const MaxRegs = 1 << 24

// maxRegs is MaxRegs, lowered by tests.
var maxRegs = MaxRegs

// MaxConstants bounds the constant pool (operands are 32-bit).
const MaxConstants = 1<<31 - 1

// Error is a compile-time error with its source position.
type Error struct {
	Pos     token.Position
	Message string
}

// Error formats "line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Message }

// fnState is the compiler's state for one function being compiled.
type fnState struct {
	outer    *fnState
	fn       *Function
	sc       *scope          // nil for the main program
	self     string          // the let name the function can call itself by
	declared map[string]bool // locals with a let compiled so far
	bound    map[string]bool // locals bound on every path to here
	globals  map[string]bool // globals bound on every path to here
	next     int             // first free temporary register
	free     []freeVar
	indirect int // > 0 while compiling below an operand (see returns.go)
	flag     int // register set by an indirect return, or -1
	retv     int // the value of that return
	// top marks the program's statement list for block; tailChecks is set
	// while some block on the way to a returned value checks the flag.
	top, tailChecks bool
	// undefAt holds the LoadUndef of each local let only inside ifs;
	// checked the locals some read may find unbound (they keep theirs).
	undefAt map[string]int
	checked map[string]bool
}

// freeVar is one captured variable and where the enclosing function finds it.
type freeVar struct {
	name  string
	level *fnState // the function owning the variable
	src   ref      // how the enclosing function loads it
}

// Compiler holds the state shared by all functions of one program.
type Compiler struct {
	constants []any
	ints      map[int64]int
	strs      map[string]int
	globals   map[string]int
	names     []string
	fs        *fnState
}

// Compile compiles a macro-expanded program.
func Compile(prog *ast.Program) (bc *Bytecode, err error) { return CompileWith(prog, nil) }

// CompileWith compiles prog with the names of predeclared as its first
// global slots, in that order, followed by the globals prog lets. A
// predeclared global may be unbound when the program runs: reading it then
// falls back to the builtin of that name or fails with "identifier not
// found", as in the evaluator. Sessions compile each input against the
// globals of the earlier ones this way.
func CompileWith(prog *ast.Program, predeclared []string) (bc *Bytecode, err error) {
	c := &Compiler{ints: map[int64]int{}, strs: map[string]int{}, globals: map[string]int{}}
	for _, name := range predeclared {
		if _, ok := c.globals[name]; !ok {
			c.globals[name] = len(c.names)
			c.names = append(c.names, name)
		}
	}
	c.collectGlobals(prog.Statements)
	main := &Function{Name: "main"}
	c.fs = &fnState{fn: main, declared: map[string]bool{}, bound: map[string]bool{}, globals: map[string]bool{}}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			bc, err = nil, ce
		}
	}()
	c.program(prog.Statements)
	return &Bytecode{Main: main, Constants: c.constants, Globals: c.names}, nil
}

func (c *Compiler) fail(pos token.Position, format string, args ...any) {
	panic(&Error{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// collectGlobals gives every name let-bound in top-level code a slot.
func (c *Compiler) collectGlobals(stmts []ast.Statement) {
	sc := analyze(nil, stmts)
	for _, name := range sc.order {
		if _, ok := c.globals[name]; !ok {
			c.globals[name] = len(c.names)
			c.names = append(c.names, name)
		}
	}
}

func (c *Compiler) emit(pos token.Position, op code.Opcode, operands ...int) int {
	fn := c.fs.fn
	off := len(fn.Instructions)
	if pos.IsValid() {
		fn.Positions = append(fn.Positions, PosEntry{Offset: off, Pos: pos})
	}
	fn.Instructions = append(fn.Instructions, code.Make(op, operands...)...)
	return off
}

// emitJump emits a jump with a placeholder target and returns its offset.
func (c *Compiler) emitJump(pos token.Position, op code.Opcode, operands ...int) int {
	return c.emit(pos, op, append(operands, 0)...)
}

// patch points the jump at off to the current end of the code.
func (c *Compiler) patch(off int) {
	ins := c.fs.fn.Instructions
	def, _ := code.Lookup(ins[off])
	operands, _ := code.ReadOperands(def, ins[off+1:])
	operands[len(operands)-1] = len(ins)
	copy(ins[off:], code.Make(code.Opcode(ins[off]), operands...))
}

// temp allocates a temporary register.
func (c *Compiler) temp(pos token.Position) int {
	r := c.fs.next
	c.fs.next++
	if c.fs.next > maxRegs {
		c.fail(pos, "function needs more than %d registers", maxRegs)
	}
	if c.fs.next > c.fs.fn.NumRegs {
		c.fs.fn.NumRegs = c.fs.next
	}
	return r
}

func (c *Compiler) intConst(v int64) int {
	if i, ok := c.ints[v]; ok {
		return i
	}
	c.ints[v] = c.addConst(v)
	return c.ints[v]
}

func (c *Compiler) strConst(s string) int {
	if i, ok := c.strs[s]; ok {
		return i
	}
	c.strs[s] = c.addConst(s)
	return c.strs[s]
}

func (c *Compiler) addConst(v any) int {
	c.constants = append(c.constants, v)
	if len(c.constants) > MaxConstants { // a source of gigabytes
		c.fail(token.Position{}, "more than %d constants", MaxConstants)
	}
	return len(c.constants) - 1
}

// program compiles the top level. Its value is the last statement's, except
// that a program ending in a let has no value (nil), as in the evaluator.
func (c *Compiler) program(stmts []ast.Statement) {
	c.reserveFlag(stmts)
	n := len(stmts)
	c.fs.top = true
	if n == 0 || !isLet(stmts[n-1]) {
		c.block(stmts, -1, true, token.Position{})
		return
	}
	c.block(stmts[:n-1], -1, false, token.Position{})
	c.stmt(stmts[n-1], -1, false)
	c.checkFlag(stmts[n-1], -1)
	t := c.temp(token.Position{})
	c.emit(token.Position{}, code.OpLoadNil, t)
	c.emit(token.Position{}, code.OpReturn, t)
}

func isLet(s ast.Statement) bool {
	_, ok := s.(*ast.LetStatement)
	return ok
}
