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

// collectLets calls declare for each let in body, in source order, not
// entering nested function or macro literals (they have scopes of their own).
func collectLets(body ast.Node, declare func(string)) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.LetStatement:
			declare(n.Name.Value)
		case *ast.FunctionLiteral, *ast.MacroLiteral:
			return false
		}
		return true
	})
}
