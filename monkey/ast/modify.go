package ast

// ModifierFunc rewrites one node; it is applied bottom-up by Modify.
type ModifierFunc func(Node) Node

// Modify returns a copy of node in which every child has been rewritten by
// Modify and then node itself by modifier. The input tree is not changed, so a
// quoted tree can be expanded again and again. A child rewritten to a node of
// the wrong kind (a statement where an expression belongs) keeps its original.
func Modify(node Node, modifier ModifierFunc) Node {
	switch n := node.(type) {
	case *Program:
		c := *n
		c.Statements = modifyStatements(n.Statements, modifier)
		return modifier(&c)
	case *BlockStatement:
		if n == nil {
			return modifier(n)
		}
		c := *n
		c.Statements = modifyStatements(n.Statements, modifier)
		return modifier(&c)
	case *ExpressionStatement:
		c := *n
		c.Expression = modifyExpr(n.Expression, modifier)
		return modifier(&c)
	case *ReturnStatement:
		c := *n
		c.ReturnValue = modifyExpr(n.ReturnValue, modifier)
		return modifier(&c)
	case *LetStatement:
		c := *n
		c.Value = modifyExpr(n.Value, modifier)
		return modifier(&c)
	}
	return modifier(modifyExpressionChildren(node, modifier))
}

// modifyExpressionChildren copies an expression node with rewritten children.
func modifyExpressionChildren(node Node, m ModifierFunc) Node {
	switch n := node.(type) {
	case *InfixExpression:
		c := *n
		c.Left, c.Right = modifyExpr(n.Left, m), modifyExpr(n.Right, m)
		return &c
	case *PrefixExpression:
		c := *n
		c.Right = modifyExpr(n.Right, m)
		return &c
	case *IndexExpression:
		c := *n
		c.Left, c.Index = modifyExpr(n.Left, m), modifyExpr(n.Index, m)
		return &c
	case *IfExpression:
		c := *n
		c.Condition = modifyExpr(n.Condition, m)
		c.Consequence = modifyBlock(n.Consequence, m)
		c.Alternative = modifyBlock(n.Alternative, m)
		return &c
	case *FunctionLiteral:
		c := *n
		c.Body = modifyBlock(n.Body, m)
		return &c
	case *MacroLiteral:
		c := *n
		c.Body = modifyBlock(n.Body, m)
		return &c
	case *CallExpression:
		c := *n
		c.Function = modifyExpr(n.Function, m)
		c.Arguments = modifyExpressions(n.Arguments, m)
		return &c
	case *ArrayLiteral:
		c := *n
		c.Elements = modifyExpressions(n.Elements, m)
		return &c
	case *HashLiteral:
		c := *n
		c.Pairs = make([]HashPair, len(n.Pairs))
		for i, p := range n.Pairs {
			c.Pairs[i] = HashPair{Key: modifyExpr(p.Key, m), Value: modifyExpr(p.Value, m)}
		}
		return &c
	}
	return node
}

func modifyExpr(e Expression, m ModifierFunc) Expression {
	if e == nil {
		return nil
	}
	if r, ok := Modify(e, m).(Expression); ok && r != nil {
		return r
	}
	return e
}

func modifyBlock(b *BlockStatement, m ModifierFunc) *BlockStatement {
	if b == nil {
		return nil
	}
	if r, ok := Modify(b, m).(*BlockStatement); ok && r != nil {
		return r
	}
	return b
}

func modifyExpressions(exprs []Expression, m ModifierFunc) []Expression {
	out := make([]Expression, len(exprs))
	for i, e := range exprs {
		out[i] = modifyExpr(e, m)
	}
	return out
}

func modifyStatements(stmts []Statement, m ModifierFunc) []Statement {
	out := make([]Statement, len(stmts))
	for i, s := range stmts {
		if r, ok := Modify(s, m).(Statement); ok && r != nil {
			out[i] = r
		} else {
			out[i] = s
		}
	}
	return out
}
