package evaluator

import "github.com/gee-project/gee/monkey/ast"

// scope is the compile-time view of one function's slots. The top level has
// no scope: its names live in the Environment.
type scope struct {
	parent  *scope
	slots   map[string]int  // params and every let in the body (hoisted)
	visible map[string]bool // names declared so far in source order
	// captures is set when the body makes closures, which may keep the frame.
	captures bool
}

func newScope(parent *scope, params []*ast.Identifier, body *ast.BlockStatement) *scope {
	s := &scope{parent: parent, slots: map[string]int{}, visible: map[string]bool{}}
	for _, p := range params {
		s.slots[p.Value] = len(s.slots)
		s.visible[p.Value] = true
	}
	collectLets(body, func(name string) {
		if _, ok := s.slots[name]; !ok {
			s.slots[name] = len(s.slots)
		}
	})
	return s
}

// collectLets calls declare for each let in body, not entering nested
// function or macro literals (they have scopes of their own).
func collectLets(n ast.Node, declare func(string)) {
	switch n := n.(type) {
	case *ast.BlockStatement:
		if n == nil {
			return
		}
		for _, s := range n.Statements {
			collectLets(s, declare)
		}
	case *ast.LetStatement:
		declare(n.Name.Value)
		collectLets(n.Value, declare)
	case *ast.ReturnStatement:
		collectLets(n.ReturnValue, declare)
	case *ast.ExpressionStatement:
		collectLets(n.Expression, declare)
	case *ast.IfExpression:
		collectLets(n.Condition, declare)
		collectLets(n.Consequence, declare)
		collectLets(n.Alternative, declare)
	case *ast.PrefixExpression:
		collectLets(n.Right, declare)
	case *ast.InfixExpression:
		collectLets(n.Left, declare)
		collectLets(n.Right, declare)
	case *ast.CallExpression:
		collectLets(n.Function, declare)
		for _, a := range n.Arguments {
			collectLets(a, declare)
		}
	case *ast.IndexExpression:
		collectLets(n.Left, declare)
		collectLets(n.Index, declare)
	case *ast.ArrayLiteral:
		for _, e := range n.Elements {
			collectLets(e, declare)
		}
	case *ast.HashLiteral:
		for _, p := range n.Pairs {
			collectLets(p.Key, declare)
			collectLets(p.Value, declare)
		}
	}
}
