package compiler

import (
	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/code"
)

// In the evaluator a return statement does not jump: it records the value
// and a flag in the frame, and every block checks the flag after each
// statement. A return reached only through blocks and statement-level ifs
// therefore leaves the function at once, and compiles to a plain Return.
// A return inside an if that is an operand, argument, condition, element...
// ("indirect") lets the enclosing expression finish evaluating first, with
// all its side effects and errors. Such returns compile to writes of a flag
// register and a value register, which blocks test after their statements.

// needsFlag reports whether a body has an indirect return.
func needsFlag(stmts []ast.Statement) bool {
	for _, s := range stmts {
		if scanStmt(s, true) {
			return true
		}
	}
	return false
}

func scanStmt(s ast.Statement, direct bool) bool {
	switch s := s.(type) {
	case *ast.ReturnStatement:
		return !direct || scanValue(s.ReturnValue, direct)
	case *ast.LetStatement:
		return scanValue(s.Value, direct)
	case *ast.ExpressionStatement:
		return scanValue(s.Expression, direct)
	case *ast.BlockStatement:
		return s != nil && scanBlock(s, direct)
	}
	return false
}

func scanBlock(b *ast.BlockStatement, direct bool) bool {
	if b == nil {
		return false
	}
	for _, s := range b.Statements {
		if scanStmt(s, direct) {
			return true
		}
	}
	return false
}

// scanValue scans an expression whose own if (if it is one) keeps the
// context; everything below it is indirect.
func scanValue(e ast.Expression, direct bool) bool {
	if ie, ok := e.(*ast.IfExpression); ok {
		return hasReturn(ie.Condition) || scanBlock(ie.Consequence, direct) || scanBlock(ie.Alternative, direct)
	}
	return hasReturn(e)
}

// hasReturn reports whether evaluating e can run a return statement of the
// current function.
func hasReturn(e ast.Expression) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.ReturnStatement:
			found = true
		case *ast.FunctionLiteral, *ast.MacroLiteral:
			return false // its returns belong to another function
		}
		return !found
	})
	return found
}

func stmtHasReturn(s ast.Statement) bool {
	switch s := s.(type) {
	case *ast.ReturnStatement:
		return true
	case *ast.LetStatement:
		return hasReturn(s.Value)
	case *ast.ExpressionStatement:
		return hasReturn(s.Expression)
	}
	return false
}

// reserveFlag gives the function its flag and value registers if it needs
// them, cleared in the prologue.
func (c *Compiler) reserveFlag(stmts []ast.Statement) {
	fs := c.fs
	fs.flag = -1
	if !needsFlag(stmts) {
		return
	}
	fs.flag = c.temp(noPos)
	fs.retv = c.temp(noPos)
	c.emit(noPos, code.OpLoadFalse, fs.flag)
}

// deferredReturn compiles a return in an indirect context.
func (c *Compiler) deferredReturn(s *ast.ReturnStatement, dst int) {
	fs := c.fs
	if s.ReturnValue == nil {
		c.emit(noPos, code.OpLoadNull, fs.retv)
	} else {
		c.expr(s.ReturnValue, fs.retv)
	}
	c.emit(noPos, code.OpLoadTrue, fs.flag)
	c.move(dst, fs.retv)
}

// checkFlag emits, after a statement that may have run an indirect return,
// the block's reaction: leave the function (direct context) or end the
// block with the returned value (indirect). It returns the offset of the
// jump to the block's end, or -1.
func (c *Compiler) checkFlag(s ast.Statement, dst int) int {
	fs := c.fs
	// In an indirect context the flag may have been set before the block
	// began (by an earlier operand), and the evaluator checks it after
	// every statement.
	if fs.flag < 0 || (fs.indirect == 0 && !stmtHasReturn(s)) {
		return -1
	}
	skip := c.emitJump(noPos, code.OpJumpFalse, fs.flag)
	end := -1
	if fs.indirect == 0 {
		c.emit(noPos, code.OpReturn, fs.retv)
	} else {
		c.move(dst, fs.retv)
		end = c.emitJump(noPos, code.OpJump)
	}
	c.patch(skip)
	return end
}

// checkBeforeReturn is checkFlag for a tail statement in direct context,
// emitted between computing the value and returning it.
func (c *Compiler) checkBeforeReturn(e ast.Expression) {
	fs := c.fs
	if fs.flag < 0 || !fs.tailChecks || !hasReturn(e) {
		return
	}
	skip := c.emitJump(noPos, code.OpJumpFalse, fs.flag)
	c.emit(noPos, code.OpReturn, fs.retv)
	c.patch(skip)
}
