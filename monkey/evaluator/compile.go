package evaluator

import (
	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/object"
)

// compiler resolves a syntax tree into executable nodes. sc is nil at the
// top level, where names are globals of env.
type compiler struct {
	env  *object.Environment
	sc   *scope
	nest int // syntactic nesting inside the current function body
}

func newCompiler(env *object.Environment) *compiler { return &compiler{env: env} }

// compileTop compiles a whole program or a single statement or expression.
func (c *compiler) compileTop(n ast.Node) (node, *object.Error) {
	switch n := n.(type) {
	case *ast.Program:
		p := &programNode{stmts: make([]node, len(n.Statements))}
		for i, s := range n.Statements {
			p.stmts[i] = c.statement(s)
		}
		p.endsWithLet = len(n.Statements) > 0 && isLet(n.Statements[len(n.Statements)-1])
		return p, nil
	case ast.Statement:
		p := &programNode{stmts: []node{c.statement(n)}, endsWithLet: isLet(n)}
		return p, nil
	case ast.Expression:
		return c.expr(n), nil
	}
	return nil, object.NewError("cannot evaluate %T", n)
}

func isLet(s ast.Statement) bool {
	_, ok := s.(*ast.LetStatement)
	return ok
}

func (c *compiler) statement(s ast.Statement) node {
	switch s := s.(type) {
	case *ast.LetStatement:
		return c.let(s)
	case *ast.ReturnStatement:
		return &returnNode{value: c.expr(s.ReturnValue)}
	case *ast.ExpressionStatement:
		return c.expr(s.Expression)
	case *ast.BlockStatement:
		return c.block(s)
	}
	return &constNode{NULL}
}

func (c *compiler) let(s *ast.LetStatement) node {
	value := c.expr(s.Value)
	name := s.Name.Value
	if c.sc == nil {
		return &letGlobalNode{env: c.env, slot: c.env.Slot(name), value: value}
	}
	c.sc.visible[name] = true
	return &letLocalNode{slot: c.sc.slots[name], value: value}
}

func (c *compiler) block(b *ast.BlockStatement) *blockNode {
	c.nest++
	defer func() { c.nest-- }()
	n := &blockNode{stmts: make([]node, len(b.Statements))}
	for i, s := range b.Statements {
		n.stmts[i] = c.statement(s)
	}
	return n
}

func (c *compiler) exprs(list []ast.Expression) []node {
	out := make([]node, len(list))
	for i, e := range list {
		out[i] = c.expr(e)
	}
	return out
}

func (c *compiler) expr(e ast.Expression) node {
	c.nest++
	defer func() { c.nest-- }()
	switch e := e.(type) {
	case *ast.IntegerLiteral:
		return &constNode{object.NewInteger(e.Value)}
	case *ast.StringLiteral:
		return &constNode{&object.String{Value: e.Value}}
	case *ast.Boolean:
		return &constNode{object.NativeBool(e.Value)}
	case *ast.Identifier:
		return c.identifier(e)
	case *ast.PrefixExpression:
		return &prefixNode{op: e.Operator, right: c.expr(e.Right), pos: e.Token.Pos}
	case *ast.InfixExpression:
		return c.infix(e)
	case *ast.IfExpression:
		n := &ifNode{cond: c.expr(e.Condition), cons: c.block(e.Consequence)}
		if cmp, ok := n.cond.(*infixConstNode); ok && cmp.kind >= opLT {
			n.cmp = cmp
		}
		if e.Alternative != nil {
			n.alt = c.block(e.Alternative)
		}
		return n
	case *ast.FunctionLiteral:
		if c.sc != nil {
			c.sc.captures = true
		}
		p := c.function(e.Parameters, e.Body, e.Name)
		p.pos = e.Token.Pos
		return &fnNode{proto: p}
	case *ast.MacroLiteral:
		return &constNode{&object.Macro{Parameters: e.Parameters, Body: e.Body, Env: c.env}}
	case *ast.CallExpression:
		return c.call(e)
	case *ast.ArrayLiteral:
		return &arrayNode{elems: c.exprs(e.Elements), pos: e.Token.Pos}
	case *ast.HashLiteral:
		n := &hashNode{keys: make([]node, len(e.Pairs)), values: make([]node, len(e.Pairs)), pos: e.Token.Pos}
		for i, p := range e.Pairs {
			n.keys[i], n.values[i] = c.expr(p.Key), c.expr(p.Value)
		}
		return n
	case *ast.IndexExpression:
		return &indexNode{left: c.expr(e.Left), index: c.expr(e.Index), pos: e.Token.Pos}
	}
	return &constNode{NULL}
}

// identifier resolves a name the way the book's environments look it up at
// run time: this function's binding, else an enclosing function's, else a
// global or builtin. A slot that is still unbound (its let has not run) falls
// back to the next candidate, so lookups behave as with nested maps.
func (c *compiler) identifier(id *ast.Identifier) node {
	return c.lookup(c.sc, 0, id)
}

func (c *compiler) lookup(s *scope, depth int, id *ast.Identifier) node {
	for ; s != nil; s, depth = s.parent, depth+1 {
		slot, declared := s.slots[id.Value]
		if depth == 0 && s == c.sc {
			declared = declared && s.visible[id.Value]
		}
		if !declared {
			continue
		}
		fallback := c.lookup(s.parent, depth+1, id)
		if depth == 0 {
			return &localNode{slot: slot, fallback: fallback}
		}
		return &outerNode{depth: depth, slot: slot, fallback: fallback}
	}
	return &globalNode{env: c.env, slot: c.env.Slot(id.Value), name: id.Value, pos: id.Token.Pos,
		builtin: object.GetBuiltinByName(id.Value)}
}

// function compiles a function body in a new scope nested in the current one.
func (c *compiler) function(params []*ast.Identifier, body *ast.BlockStatement, name string) *proto {
	inner := &compiler{env: c.env, sc: newScope(c.sc, params, body)}
	p := &proto{params: params, body: body, name: name, env: c.env}
	p.code = inner.block(body)
	p.nslots = len(inner.sc.slots)
	p.leaf = !inner.sc.captures
	return p
}

func (c *compiler) call(e *ast.CallExpression) node {
	if id, ok := e.Function.(*ast.Identifier); ok && id.Value == "quote" {
		return c.quote(e)
	}
	return &callNode{fn: c.expr(e.Function), args: c.exprs(e.Arguments), pos: e.Token.Pos, weight: max(c.nest, 2)}
}
