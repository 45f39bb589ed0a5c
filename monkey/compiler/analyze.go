package compiler

import "github.com/gee-project/gee/monkey/ast"

// local describes one name bound in a function body (a parameter or a let
// anywhere in the body, outside nested functions). Every let of a name in a
// function rebinds the same variable, as in the evaluator's environment.
type local struct {
	reg        int
	param      bool
	lets       int // lets at the top block of the body
	nestedLets int // lets inside if blocks
	letDone    int // walk sequence number right after the first top-level let
	captured   bool
	early      bool // captured by a closure created before letDone
	cell       bool // shared between frames through a heap cell
}

// simple reports whether the variable is bound exactly once, before any
// statement that can observe it: such a variable can be copied into closures.
func (l *local) simple() bool {
	if l.param {
		return l.lets == 0 && l.nestedLets == 0
	}
	return l.lets == 1 && l.nestedLets == 0
}

// capture is a reference from a nested function literal to a name.
type capture struct {
	name string
	seq  int    // when the literal's closure is created
	self string // the let name this literal is the direct value of
}

// scope is what analyze learns about one function body.
type scope struct {
	locals map[string]*local
	order  []string
}

type analyzer struct {
	sc       *scope
	seq      int
	captures []capture
}

// analyze finds a function body's variables, assigns them registers
// (parameters first) and decides which need cells.
func analyze(params []*ast.Identifier, body []ast.Statement) *scope {
	a := &analyzer{sc: &scope{locals: map[string]*local{}}}
	for i, p := range params {
		// Parameter i arrives in register i; for fn(x, x) the later one
		// wins, as in the evaluator.
		a.sc.locals[p.Value] = &local{reg: i, param: true, letDone: 1 << 62}
		a.sc.order = append(a.sc.order, p.Value)
	}
	a.block(body, 0)
	for _, c := range a.captures {
		l := a.sc.locals[c.name]
		if l == nil || (c.self == c.name && l.simple()) {
			continue
		}
		l.captured = true
		if !l.param && c.seq < l.letDone {
			l.early = true
		}
	}
	for _, l := range a.sc.locals {
		l.cell = l.captured && (!l.simple() || l.early)
	}
	return a.sc
}

func (a *analyzer) define(name string) *local {
	l := a.sc.locals[name]
	if l == nil {
		l = &local{reg: len(a.sc.order), letDone: 1 << 62}
		a.sc.locals[name] = l
		a.sc.order = append(a.sc.order, name)
	}
	return l
}

func (a *analyzer) block(stmts []ast.Statement, depth int) {
	for _, s := range stmts {
		a.stmt(s, depth)
	}
}

func (a *analyzer) stmt(s ast.Statement, depth int) {
	switch s := s.(type) {
	case *ast.LetStatement:
		a.letValue(s)
		l := a.define(s.Name.Value)
		a.seq++
		if depth == 0 {
			if l.lets == 0 {
				l.letDone = a.seq
			}
			l.lets++
		} else {
			l.nestedLets++
		}
	case *ast.ReturnStatement:
		a.expr(s.ReturnValue, depth, "")
	case *ast.ExpressionStatement:
		a.expr(s.Expression, depth, "")
	case *ast.BlockStatement:
		if s != nil {
			a.block(s.Statements, depth+1)
		}
	}
}

func (a *analyzer) letValue(s *ast.LetStatement) {
	a.expr(s.Value, 0, s.Name.Value)
}

// expr walks an expression; self is the let name when e is a let's value.
func (a *analyzer) expr(e ast.Expression, depth int, self string) {
	switch e := e.(type) {
	case *ast.PrefixExpression:
		a.expr(e.Right, depth, "")
	case *ast.InfixExpression:
		a.expr(e.Left, depth, "")
		a.expr(e.Right, depth, "")
	case *ast.IfExpression:
		a.expr(e.Condition, depth, "")
		a.stmt(e.Consequence, depth)
		if e.Alternative != nil {
			a.stmt(e.Alternative, depth)
		}
	case *ast.CallExpression:
		a.expr(e.Function, depth, "")
		for _, x := range e.Arguments {
			a.expr(x, depth, "")
		}
	case *ast.IndexExpression:
		a.expr(e.Left, depth, "")
		a.expr(e.Index, depth, "")
	case *ast.ArrayLiteral:
		for _, x := range e.Elements {
			a.expr(x, depth, "")
		}
	case *ast.HashLiteral:
		for _, p := range e.Pairs {
			a.expr(p.Key, depth, "")
			a.expr(p.Value, depth, "")
		}
	case *ast.FunctionLiteral:
		a.seq++
		seq := a.seq
		for name := range identifiers(e.Body) {
			a.captures = append(a.captures, capture{name: name, seq: seq, self: self})
		}
	}
}

// identifiers returns every name referenced anywhere under a block, nested
// functions included (a superset of what the function can capture).
func identifiers(b *ast.BlockStatement) map[string]bool {
	names := map[string]bool{}
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Identifier:
			names[n.Value] = true
		case *ast.MacroLiteral:
			return false // expanded away before compiling
		}
		return true
	})
	return names
}
