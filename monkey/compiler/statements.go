package compiler

import (
	"maps"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/token"
)

// block compiles a statement list whose value goes to dst (-1: unused) or,
// when tail is set, is returned from the function.
func (c *Compiler) block(stmts []ast.Statement, dst int, tail bool, pos token.Position) {
	if len(stmts) == 0 {
		c.fs.top = false
		c.noValue(dst, tail)
		return
	}
	// The evaluator's blocks check the return flag after each statement,
	// except a block of one statement (its value is returned as is); the
	// program checks always.
	checks := len(stmts) >= 2 || c.fs.top
	c.fs.top = false
	saved := c.fs.tailChecks
	if tail && checks {
		c.fs.tailChecks = true
	}
	defer func() { c.fs.tailChecks = saved }()
	var ends []int
	for i, s := range stmts {
		last := i == len(stmts)-1
		if !last {
			c.stmt(s, -1, false)
		} else {
			c.stmt(s, dst, tail)
		}
		if checks && (!last || !tail) {
			if e := c.checkFlag(s, dst); e >= 0 {
				ends = append(ends, e)
			}
		}
	}
	for _, e := range ends {
		c.patch(e)
	}
}

// noValue produces what an empty block or a let statement yields: null.
func (c *Compiler) noValue(dst int, tail bool) {
	c.null(dst, tail)
}

func (c *Compiler) stmt(s ast.Statement, dst int, tail bool) {
	mark := c.fs.next
	defer func() { c.fs.next = mark }()
	switch s := s.(type) {
	case *ast.LetStatement:
		c.let(s)
		if tail {
			c.checkBeforeReturn(s.Value)
		}
		c.noValue(dst, tail)
	case *ast.ReturnStatement:
		if c.fs.indirect > 0 {
			c.deferredReturn(s, dst)
			return
		}
		if s.ReturnValue == nil {
			t := c.temp(s.Pos())
			c.emit(token.Position{}, code.OpLoadNull, t)
			c.emit(token.Position{}, code.OpReturn, t)
			return
		}
		c.tail(s.ReturnValue, false)
	case *ast.ExpressionStatement:
		switch {
		case s.Expression == nil:
			c.noValue(dst, tail)
		case tail:
			c.tailExpr(s.Expression)
		case dst >= 0:
			c.value(s.Expression, dst)
		default:
			if ie, ok := s.Expression.(*ast.IfExpression); ok {
				c.ifExpr(ie, -1, false) // value unused: no null to load
				return
			}
			c.expr(s.Expression, c.temp(s.Pos()))
		}
	case *ast.BlockStatement:
		c.block(s.Statements, dst, tail, s.Pos())
	default:
		c.fail(s.Pos(), "cannot compile statement %T", s)
	}
}

func (c *Compiler) let(s *ast.LetStatement) {
	name := s.Name.Value
	fs := c.fs
	if fs.sc == nil {
		t := c.temp(s.Pos())
		if lit, ok := s.Value.(*ast.FunctionLiteral); ok {
			c.funcLit(lit, t, "", name)
		} else {
			c.value(s.Value, t)
		}
		c.emit(token.Position{}, code.OpSetGlobal, c.globals[name], t)
		fs.globals[name] = true
		return
	}
	l := fs.sc.locals[name]
	if l.cell {
		t := c.temp(s.Pos())
		c.expr(s.Value, t)
		c.emit(token.Position{}, code.OpSetCell, l.reg, t)
	} else if lit, ok := s.Value.(*ast.FunctionLiteral); ok && l.simple() {
		c.funcLit(lit, l.reg, name, "")
	} else {
		c.value(s.Value, l.reg)
	}
	fs.declared[name] = true
	fs.bound[name] = true
}

// funcLit compiles a function literal into a closure in dst. self names the
// local the literal is bound to; selfGlobal the global.
func (c *Compiler) funcLit(lit *ast.FunctionLiteral, dst int, self, selfGlobal string) {
	name := self
	if name == "" {
		name = selfGlobal
	}
	fn := &Function{Name: name, Literal: lit, NumParams: len(lit.Parameters)}
	var body []ast.Statement
	if lit.Body != nil {
		body = lit.Body.Statements
	}
	sc := analyze(lit.Parameters, body)
	outer := c.fs
	inner := &fnState{
		outer: outer, fn: fn, sc: sc, self: self,
		declared: map[string]bool{}, bound: map[string]bool{},
		globals: maps.Clone(outer.globals),
		undefAt: map[string]int{}, checked: map[string]bool{},
		next: len(sc.order),
	}
	if selfGlobal != "" {
		inner.globals[selfGlobal] = true
	}
	if inner.next > maxRegs {
		c.fail(lit.Pos(), "function needs more than %d registers", maxRegs)
	}
	fn.NumRegs = inner.next
	c.fs = inner
	c.prologue(sc)
	c.reserveFlag(body)
	c.block(body, -1, true, lit.Pos())
	for name, off := range inner.undefAt {
		if !inner.checked[name] {
			// Every read found the variable bound: no need to clear it.
			copy(fn.Instructions[off:], code.Make(code.OpNop, 0))
		}
	}
	c.fs = outer
	fn.NumFree = len(inner.free)
	k := c.addConst(fn)

	mark := outer.next
	base := outer.next
	for _, fv := range inner.free {
		t := c.temp(lit.Pos())
		switch fv.src.kind {
		case refReg:
			c.emit(token.Position{}, code.OpMove, t, fv.src.idx)
		case refFree:
			c.emit(token.Position{}, code.OpGetFree, t, fv.src.idx)
		case refSelf:
			c.emit(token.Position{}, code.OpCurrentClosure, t)
		}
	}
	c.emit(token.Position{}, code.OpClosure, dst, k, base, len(inner.free))
	outer.next = mark
}

// prologue binds parameters and prepares cells and maybe-unbound locals.
func (c *Compiler) prologue(sc *scope) {
	fs := c.fs
	for i, name := range sc.order {
		l := sc.locals[name]
		if l.reg != i {
			continue // a shadowed duplicate parameter
		}
		if l.param {
			fs.declared[name] = true
			fs.bound[name] = true
		}
		switch {
		case l.cell && l.param:
			mark := fs.next
			t := c.temp(token.Position{})
			c.emit(token.Position{}, code.OpMove, t, l.reg)
			c.emit(token.Position{}, code.OpNewCell, l.reg)
			c.emit(token.Position{}, code.OpSetCell, l.reg, t)
			fs.next = mark
		case l.cell:
			c.emit(token.Position{}, code.OpNewCell, l.reg)
		case l.nestedLets > 0 && !l.param:
			fs.undefAt[name] = c.emit(token.Position{}, code.OpLoadUndef, l.reg)
		}
	}
}

// value compiles an expression whose if, if it is one, keeps the
// statement's context (see returns.go).
func (c *Compiler) value(e ast.Expression, dst int) {
	if ie, ok := e.(*ast.IfExpression); ok {
		c.ifExpr(ie, dst, false)
		return
	}
	c.expr(e, dst)
}
