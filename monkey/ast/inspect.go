package ast

// Inspect walks the tree rooted at node in source order, calling f for each
// node before its children; when f returns false the children are skipped.
// Nil children (a missing else, a statement that failed to parse) are not
// visited. Analyses that ask "can evaluating this reach X?" are built on it.
func Inspect(node Node, f func(Node) bool) {
	if isNil(node) || !f(node) {
		return
	}
	switch n := node.(type) {
	case *Program:
		inspectStatements(n.Statements, f)
	case *BlockStatement:
		inspectStatements(n.Statements, f)
	case *ExpressionStatement:
		Inspect(n.Expression, f)
	case *ReturnStatement:
		Inspect(n.ReturnValue, f)
	case *LetStatement:
		Inspect(n.Value, f)
	case *PrefixExpression:
		Inspect(n.Right, f)
	case *InfixExpression:
		Inspect(n.Left, f)
		Inspect(n.Right, f)
	case *IndexExpression:
		Inspect(n.Left, f)
		Inspect(n.Index, f)
	case *IfExpression:
		Inspect(n.Condition, f)
		Inspect(n.Consequence, f)
		Inspect(n.Alternative, f)
	case *CallExpression:
		Inspect(n.Function, f)
		inspectExpressions(n.Arguments, f)
	case *ArrayLiteral:
		inspectExpressions(n.Elements, f)
	case *HashLiteral:
		for _, p := range n.Pairs {
			Inspect(p.Key, f)
			Inspect(p.Value, f)
		}
	case *FunctionLiteral:
		Inspect(n.Body, f)
	case *MacroLiteral:
		Inspect(n.Body, f)
	}
}

func inspectStatements(stmts []Statement, f func(Node) bool) {
	for _, s := range stmts {
		Inspect(s, f)
	}
}

func inspectExpressions(exprs []Expression, f func(Node) bool) {
	for _, e := range exprs {
		Inspect(e, f)
	}
}

// isNil reports a nil interface or a typed nil pointer, such as an absent else.
func isNil(n Node) bool {
	switch n := n.(type) {
	case nil:
		return true
	case *BlockStatement:
		return n == nil
	case *Program:
		return n == nil
	}
	return false
}
