package ast

import "github.com/gee-project/gee/monkey/token"

// PrefixExpression is `!x` or `-x`.
type PrefixExpression struct {
	Token    token.Token // the operator token
	Operator string
	Right    Expression
}

func (e *PrefixExpression) expressionNode() {}

// TokenLiteral returns the operator.
func (e *PrefixExpression) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the operator.
func (e *PrefixExpression) Pos() token.Position { return e.Token.Pos }

// String renders "(-x)".
func (e *PrefixExpression) String() string { return "(" + e.Operator + e.Right.String() + ")" }

// InfixExpression is `left op right`.
type InfixExpression struct {
	Token    token.Token // the operator token
	Left     Expression
	Operator string
	Right    Expression
}

func (e *InfixExpression) expressionNode() {}

// TokenLiteral returns the operator.
func (e *InfixExpression) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the operator, which is where runtime errors point.
func (e *InfixExpression) Pos() token.Position { return e.Token.Pos }

// String renders "(a + b)".
func (e *InfixExpression) String() string {
	return "(" + e.Left.String() + " " + e.Operator + " " + e.Right.String() + ")"
}

// IfExpression is `if (cond) { } else { }`; Alternative may be nil.
type IfExpression struct {
	Token       token.Token // the if token
	Condition   Expression
	Consequence *BlockStatement
	Alternative *BlockStatement
}

func (e *IfExpression) expressionNode() {}

// TokenLiteral returns "if".
func (e *IfExpression) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the if keyword.
func (e *IfExpression) Pos() token.Position { return e.Token.Pos }

// String renders "if<cond> <conseq>else <alt>" as the book does.
func (e *IfExpression) String() string {
	s := "if" + e.Condition.String() + " " + e.Consequence.String()
	if e.Alternative != nil {
		s += "else " + e.Alternative.String()
	}
	return s
}

// CallExpression is `f(args)`.
type CallExpression struct {
	Token     token.Token // the ( token
	Function  Expression  // Identifier or FunctionLiteral (or any expression)
	Arguments []Expression
}

func (e *CallExpression) expressionNode() {}

// TokenLiteral returns "(".
func (e *CallExpression) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the opening parenthesis.
func (e *CallExpression) Pos() token.Position { return e.Token.Pos }

// String renders "f(a, b)".
func (e *CallExpression) String() string {
	return e.Function.String() + "(" + joinExpressions(e.Arguments) + ")"
}

// IndexExpression is `left[index]`.
type IndexExpression struct {
	Token token.Token // the [ token
	Left  Expression
	Index Expression
}

func (e *IndexExpression) expressionNode() {}

// TokenLiteral returns "[".
func (e *IndexExpression) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the opening bracket.
func (e *IndexExpression) Pos() token.Position { return e.Token.Pos }

// String renders "(a[i])".
func (e *IndexExpression) String() string {
	return "(" + e.Left.String() + "[" + e.Index.String() + "])"
}
