package compiler

import (
	"maps"
	"math"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/token"
)

var noPos token.Position

// expr compiles e so that its value ends up in register dst. Temporaries it
// allocates are released on return.
func (c *Compiler) expr(e ast.Expression, dst int) {
	mark := c.fs.next
	defer func() { c.fs.next = mark }()
	switch e := e.(type) {
	case *ast.IntegerLiteral:
		c.loadInt(e.Value, dst)
	case *ast.StringLiteral:
		c.emit(noPos, code.OpLoadK, dst, c.strConst(e.Value))
	case *ast.Boolean:
		c.loadBool(e.Value, dst)
	case *ast.Identifier:
		c.loadName(e.Value, dst, e.Pos())
	case *ast.PrefixExpression:
		c.prefix(e, dst)
	case *ast.InfixExpression:
		c.infix(e, dst)
	case *ast.IfExpression:
		c.fs.indirect++
		c.ifExpr(e, dst, false)
		c.fs.indirect--
	case *ast.FunctionLiteral:
		c.funcLit(e, dst, "", "")
	case *ast.CallExpression:
		c.call(e, dst)
	case *ast.ArrayLiteral:
		c.array(e, dst)
	case *ast.HashLiteral:
		c.hash(e, dst)
	case *ast.MacroLiteral:
		c.emit(noPos, code.OpLoadK, dst, c.addConst(e))
	case *ast.IndexExpression:
		b := c.operand(e.Left, e.Index)
		x := c.operand(e.Index, nil)
		c.emit(e.Pos(), code.OpIndex, dst, b, x)
	default:
		c.fail(e.Pos(), "cannot compile expression %T", e)
	}
}

func (c *Compiler) loadInt(v int64, dst int) {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		c.emit(noPos, code.OpLoadInt, dst, int(v))
		return
	}
	c.emit(noPos, code.OpLoadK, dst, c.intConst(v))
}

func (c *Compiler) loadBool(v bool, dst int) {
	if v {
		c.emit(noPos, code.OpLoadTrue, dst)
	} else {
		c.emit(noPos, code.OpLoadFalse, dst)
	}
}

// sequence evaluates exprs, in order, into fresh consecutive registers and
// returns the first.
func (c *Compiler) sequence(exprs []ast.Expression) int {
	base := c.fs.next
	for _, x := range exprs {
		c.expr(x, c.temp(x.Pos()))
	}
	return base
}

// args evaluates call arguments like sequence; the first register is
// allocated even without arguments, as the call's result lands there. When
// dst is the newest temporary, the arguments start at dst itself, so the
// result needs no move.
func (c *Compiler) args(exprs []ast.Expression, dst int, pos token.Position) int {
	if dst >= 0 && dst == c.fs.next-1 && (c.fs.sc == nil || dst >= len(c.fs.sc.order)) {
		c.fs.next = dst
	}
	base := c.sequence(exprs)
	if len(exprs) == 0 {
		c.temp(pos)
	}
	return base
}

// operand returns a register holding e's value: the variable's own register
// when that is safe, else a new temporary. later is what is evaluated after e
// before the value is used; if it might rebind e's variable (a let inside an
// if), e is copied.
func (c *Compiler) operand(e ast.Expression, later ast.Expression) int {
	if id, ok := e.(*ast.Identifier); ok && !mayRebind(later) {
		if r, ok := c.directReg(id.Value); ok {
			return r
		}
	}
	t := c.temp(e.Pos())
	c.expr(e, t)
	return t
}

// mayRebind reports whether evaluating e may run a let of the current
// function (only if blocks hold statements).
func mayRebind(e ast.Expression) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.IfExpression:
			found = true
			return false
		case *ast.FunctionLiteral, *ast.MacroLiteral:
			return false // runs later, in its own frame
		}
		return !found
	})
	return found
}

func (c *Compiler) prefix(e *ast.PrefixExpression, dst int) {
	if v, ok := constInt(e); ok {
		c.loadInt(v, dst)
		return
	}
	r := c.operand(e.Right, nil)
	switch e.Operator {
	case "!":
		c.emit(e.Pos(), code.OpNot, dst, r)
	case "-":
		c.emit(e.Pos(), code.OpNeg, dst, r)
	default:
		c.fail(e.Pos(), "unknown operator: %s", e.Operator)
	}
}

var infixOps = map[string]code.Opcode{
	"+": code.OpAdd, "-": code.OpSub, "*": code.OpMul, "/": code.OpDiv,
	"==": code.OpEq, "!=": code.OpNotEq, "<": code.OpLt, ">": code.OpGt,
}

func (c *Compiler) infix(e *ast.InfixExpression, dst int) {
	if c.fold(e, dst) {
		return
	}
	if imm, ok := smallInt(e.Right); ok && (e.Operator == "+" || e.Operator == "-" || (e.Operator == "/" && imm != 0)) {
		b := c.operand(e.Left, nil)
		op := map[string]code.Opcode{"+": code.OpAddI, "-": code.OpSubI, "/": code.OpDivI}[e.Operator]
		c.emit(e.Pos(), op, dst, b, imm)
		return
	}
	b := c.operand(e.Left, e.Right)
	r := c.operand(e.Right, nil)
	op, ok := infixOps[e.Operator]
	if !ok {
		c.fail(e.Pos(), "unknown operator: %s", e.Operator)
	}
	c.emit(e.Pos(), op, dst, b, r)
}

// smallInt reports whether e is an integer literal that fits an immediate.
func smallInt(e ast.Expression) (int, bool) {
	lit, ok := e.(*ast.IntegerLiteral)
	if !ok || lit.Value < math.MinInt32+1 || lit.Value > math.MaxInt32 {
		return 0, false
	}
	return int(lit.Value), true
}

// fold evaluates integer arithmetic and comparisons on literals at compile
// time (division is left to run time: it can fail).
func (c *Compiler) fold(e *ast.InfixExpression, dst int) bool {
	if v, ok := constInt(e); ok {
		c.loadInt(v, dst)
		return true
	}
	a, ok1 := constInt(e.Left)
	b, ok2 := constInt(e.Right)
	if !ok1 || !ok2 {
		return false
	}
	switch e.Operator {
	case "<":
		c.loadBool(a < b, dst)
	case ">":
		c.loadBool(a > b, dst)
	case "==":
		c.loadBool(a == b, dst)
	case "!=":
		c.loadBool(a != b, dst)
	default:
		return false
	}
	return true
}

// constInt evaluates an integer expression made of literals, +, -, * and
// negation; wrapping matches the evaluator's int64 arithmetic.
func constInt(e ast.Expression) (int64, bool) {
	switch e := e.(type) {
	case *ast.IntegerLiteral:
		return e.Value, true
	case *ast.PrefixExpression:
		if e.Operator == "-" {
			v, ok := constInt(e.Right)
			return -v, ok
		}
	case *ast.InfixExpression:
		a, ok1 := constInt(e.Left)
		b, ok2 := constInt(e.Right)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch e.Operator {
		case "+":
			return a + b, true
		case "-":
			return a - b, true
		case "*":
			return a * b, true
		}
	}
	return 0, false
}

var condJumps = map[string][2]code.Opcode{
	"==": {code.OpJumpNotEq, code.OpJumpNotEqI},
	"!=": {code.OpJumpNotNotEq, code.OpJumpNotNotEqI},
	"<":  {code.OpJumpNotLt, code.OpJumpNotLtI},
	">":  {code.OpJumpNotGt, code.OpJumpNotGtI},
}

// cond compiles an if condition as a test that jumps when it is not truthy
// and returns the jump's offset for patching.
func (c *Compiler) cond(e ast.Expression) int {
	mark := c.fs.next
	defer func() { c.fs.next = mark }()
	if in, ok := e.(*ast.InfixExpression); ok {
		if ops, ok := condJumps[in.Operator]; ok {
			if _, lit := in.Left.(*ast.IntegerLiteral); !lit {
				if imm, ok := smallInt(in.Right); ok {
					b := c.operand(in.Left, nil)
					return c.emitJump(in.Pos(), ops[1], b, imm)
				}
				b := c.operand(in.Left, in.Right)
				r := c.operand(in.Right, nil)
				return c.emitJump(in.Pos(), ops[0], b, r)
			}
		}
	}
	r := c.operand(e, nil)
	return c.emitJump(noPos, code.OpJumpFalse, r)
}

// ifExpr compiles an if expression; with tail set each branch returns.
func (c *Compiler) ifExpr(e *ast.IfExpression, dst int, tail bool) {
	fs := c.fs
	fs.indirect++
	elseJump := c.cond(e.Condition)
	fs.indirect--
	if hasReturn(e.Condition) {
		// The flag may be set before a branch runs: the branches must
		// check it like indirect blocks do.
		fs.indirect++
		defer func() { fs.indirect-- }()
	}
	bound, globals := maps.Clone(fs.bound), maps.Clone(fs.globals)
	c.blockOf(e.Consequence, dst, tail)
	fs.bound, fs.globals = maps.Clone(bound), maps.Clone(globals)
	end := -1
	noElse := e.Alternative == nil && dst < 0 && !tail
	if !tail && !noElse && (fs.indirect > 0 || !returns(e.Consequence)) {
		end = c.emitJump(noPos, code.OpJump)
	}
	c.patch(elseJump)
	switch {
	case e.Alternative != nil:
		c.blockOf(e.Alternative, dst, tail)
	case !noElse:
		c.null(dst, tail)
	}
	fs.bound, fs.globals = bound, globals
	if end >= 0 {
		c.patch(end)
	}
}

func (c *Compiler) blockOf(b *ast.BlockStatement, dst int, tail bool) {
	if b == nil {
		c.noValue(dst, tail)
		return
	}
	c.block(b.Statements, dst, tail, b.Pos())
}

// null produces the value of an if without else whose condition failed.
func (c *Compiler) null(dst int, tail bool) {
	switch {
	case tail:
		mark := c.fs.next
		t := c.temp(noPos)
		c.emit(noPos, code.OpLoadNull, t)
		c.emit(noPos, code.OpReturn, t)
		c.fs.next = mark
	case dst >= 0:
		c.emit(noPos, code.OpLoadNull, dst)
	}
}

// tailExpr compiles e as the returned value of the function.
func (c *Compiler) tailExpr(e ast.Expression) {
	c.tail(e, true)
}

// tail compiles a returned value; check says whether an indirect return
// inside e wins over e's own value (it does for a block's last statement,
// not for a return statement, which overwrites the returned value).
func (c *Compiler) tail(e ast.Expression, check bool) {
	mark := c.fs.next
	defer func() { c.fs.next = mark }()
	if ie, ok := e.(*ast.IfExpression); ok {
		c.ifExpr(ie, -1, true)
		return
	}
	if imm, ok := smallInt(e); ok {
		c.emit(noPos, code.OpReturnInt, imm)
		return
	}
	if in, ok := e.(*ast.InfixExpression); ok && in.Operator == "+" && !hasReturn(e) {
		if _, folds := constInt(e); !folds {
			// A superinstruction for the common `f(a) + f(b)` tail.
			b := c.operand(in.Left, in.Right)
			r := c.operand(in.Right, nil)
			c.emit(in.Pos(), code.OpReturnAdd, b, r)
			return
		}
	}
	var r int
	if call, ok := e.(*ast.CallExpression); ok {
		r = c.callTo(call, -1) // return the result where it lands
	} else {
		r = c.operand(e, nil)
	}
	if check {
		c.checkBeforeReturn(e)
	}
	c.emit(noPos, code.OpReturn, r)
}

// call compiles a call: arguments go to consecutive registers at the top of
// the frame, where the callee's frame begins.
func (c *Compiler) call(e *ast.CallExpression, dst int) {
	c.move(dst, c.callTo(e, dst))
}

// callTo compiles a call and returns the register its result lands in:
// dst when dst is the newest temporary, else the first argument register
// (dst < 0 leaves the result there).
func (c *Compiler) callTo(e *ast.CallExpression, dst int) int {
	fs := c.fs
	if id, ok := e.Function.(*ast.Identifier); ok && id.Value == "quote" {
		if dst < 0 {
			dst = c.temp(e.Pos())
		}
		c.quote(e, dst)
		return dst
	}
	if id, ok := e.Function.(*ast.Identifier); ok {
		cands := c.candidates(fs, id.Value)
		if len(cands) == 1 && cands[0].kind == refSelf {
			base := c.args(e.Arguments, dst, e.Pos())
			c.emit(e.Pos(), code.OpCallSelf, base, len(e.Arguments))
			return base
		}
		if len(cands) == 1 && cands[0].kind == refGlobal && !cands[0].maybeUndef {
			base := c.args(e.Arguments, dst, e.Pos())
			c.emit(e.Pos(), code.OpCallGlobal, base, cands[0].idx, len(e.Arguments))
			return base
		}
	}
	var later ast.Expression
	if len(e.Arguments) > 0 {
		later = &ast.ArrayLiteral{Elements: e.Arguments}
	}
	f := c.operand(e.Function, later)
	base := c.args(e.Arguments, dst, e.Pos())
	c.emit(e.Pos(), code.OpCall, base, f, len(e.Arguments))
	return base
}

func (c *Compiler) move(dst, src int) {
	if dst >= 0 && dst != src {
		c.emit(noPos, code.OpMove, dst, src)
	}
}

// chunk bounds how many elements a literal evaluates into registers before
// adding them to the value being built, so literals of any size compile.
const chunk = 256

func (c *Compiler) array(e *ast.ArrayLiteral, dst int) {
	n := len(e.Elements)
	if n <= chunk {
		base := c.sequence(e.Elements)
		c.emit(e.Pos(), code.OpArray, dst, base, n)
		return
	}
	acc := c.temp(e.Pos())
	c.emit(e.Pos(), code.OpArray, acc, acc, 0)
	for i := 0; i < n; i += chunk {
		part := e.Elements[i:min(i+chunk, n)]
		mark := c.fs.next
		base := c.sequence(part)
		c.emit(e.Pos(), code.OpAppend, acc, base, len(part))
		c.fs.next = mark
	}
	c.move(dst, acc)
}

func (c *Compiler) hash(e *ast.HashLiteral, dst int) {
	n := len(e.Pairs)
	if n <= chunk {
		base := c.pairs(e.Pairs, e.Pos())
		c.emit(e.Pos(), code.OpHash, dst, base, n)
		return
	}
	acc := c.temp(e.Pos())
	// With no pairs, Hash's second operand is a size hint, not a register.
	c.emit(e.Pos(), code.OpHash, acc, min(n, 1<<16-1), 0)
	for i := 0; i < n; i += chunk {
		part := e.Pairs[i:min(i+chunk, n)]
		mark := c.fs.next
		base := c.pairs(part, e.Pos())
		c.emit(e.Pos(), code.OpAppend, acc, base, len(part))
		c.fs.next = mark
	}
	c.move(dst, acc)
}

// pairs evaluates keys and values, in order, into consecutive registers.
func (c *Compiler) pairs(pairs []ast.HashPair, pos token.Position) int {
	base := c.fs.next
	for _, p := range pairs {
		k := c.temp(pos)
		c.expr(p.Key, k)
		switch p.Key.(type) {
		case *ast.IntegerLiteral, *ast.StringLiteral, *ast.Boolean:
		default:
			// The evaluator rejects a bad key before evaluating its value.
			c.emit(pos, code.OpCheckKey, k)
		}
		c.expr(p.Value, c.temp(pos))
	}
	return base
}

// quote compiles quote(x): the unquote arguments are evaluated here, in the
// order the VM's rebuild of x meets them.
func (c *Compiler) quote(e *ast.CallExpression, dst int) {
	q := &Quote{NArgs: len(e.Arguments), Pos: e.Pos()}
	base := c.fs.next
	if len(e.Arguments) == 1 {
		q.Arg = e.Arguments[0]
		ast.Modify(q.Arg, func(n ast.Node) ast.Node {
			if call, ok := IsUnquote(n); ok {
				c.expr(call.Arguments[0], c.temp(call.Pos()))
				q.Unquotes++
			}
			return n
		})
	}
	c.emit(e.Pos(), code.OpQuote, dst, c.addConst(q), base)
}

// returns reports whether a block always ends in a return statement.
func returns(b *ast.BlockStatement) bool {
	if b == nil || len(b.Statements) == 0 {
		return false
	}
	_, ok := b.Statements[len(b.Statements)-1].(*ast.ReturnStatement)
	return ok
}
