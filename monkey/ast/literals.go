package ast

import (
	"strings"

	"github.com/gee-project/gee/monkey/token"
)

// Identifier is a name reference.
type Identifier struct {
	Token token.Token // the IDENT token
	Value string
}

func (e *Identifier) expressionNode() {}

// TokenLiteral returns the name.
func (e *Identifier) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the name.
func (e *Identifier) Pos() token.Position { return e.Token.Pos }

// String returns the name.
func (e *Identifier) String() string { return e.Value }

// IntegerLiteral is a decimal 64-bit integer.
type IntegerLiteral struct {
	Token token.Token
	Value int64
}

func (e *IntegerLiteral) expressionNode() {}

// TokenLiteral returns the digits.
func (e *IntegerLiteral) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the first digit.
func (e *IntegerLiteral) Pos() token.Position { return e.Token.Pos }

// String returns the digits.
func (e *IntegerLiteral) String() string { return e.Token.Literal }

// StringLiteral is a double-quoted string; Value has its escapes resolved.
type StringLiteral struct {
	Token token.Token
	Value string
}

func (e *StringLiteral) expressionNode() {}

// TokenLiteral returns the string's contents.
func (e *StringLiteral) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the opening quote.
func (e *StringLiteral) Pos() token.Position { return e.Token.Pos }

// String returns the contents without quotes, as the book does.
func (e *StringLiteral) String() string { return e.Token.Literal }

// Boolean is true or false.
type Boolean struct {
	Token token.Token
	Value bool
}

func (e *Boolean) expressionNode() {}

// TokenLiteral returns "true" or "false".
func (e *Boolean) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the keyword.
func (e *Boolean) Pos() token.Position { return e.Token.Pos }

// String returns "true" or "false".
func (e *Boolean) String() string { return e.Token.Literal }

// ArrayLiteral is `[a, b, c]`.
type ArrayLiteral struct {
	Token    token.Token // the [ token
	Elements []Expression
}

func (e *ArrayLiteral) expressionNode() {}

// TokenLiteral returns "[".
func (e *ArrayLiteral) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the opening bracket.
func (e *ArrayLiteral) Pos() token.Position { return e.Token.Pos }

// String renders "[a, b]".
func (e *ArrayLiteral) String() string { return "[" + joinExpressions(e.Elements) + "]" }

// HashPair is one `key: value` entry of a hash literal.
type HashPair struct {
	Key   Expression
	Value Expression
}

// HashLiteral is `{k: v, ...}`. Pairs keep source order, so evaluation
// order and output are deterministic.
type HashLiteral struct {
	Token token.Token // the { token
	Pairs []HashPair
}

func (e *HashLiteral) expressionNode() {}

// TokenLiteral returns "{".
func (e *HashLiteral) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the opening brace.
func (e *HashLiteral) Pos() token.Position { return e.Token.Pos }

// String renders "{k: v, ...}".
func (e *HashLiteral) String() string {
	parts := make([]string, len(e.Pairs))
	for i, p := range e.Pairs {
		parts[i] = p.Key.String() + ":" + p.Value.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// FunctionLiteral is `fn(params) { body }`. Name is set by the parser when the
// literal is directly bound by a let statement (used for messages only).
type FunctionLiteral struct {
	Token      token.Token // the fn token
	Parameters []*Identifier
	Body       *BlockStatement
	Name       string
}

func (e *FunctionLiteral) expressionNode() {}

// TokenLiteral returns "fn".
func (e *FunctionLiteral) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the fn keyword.
func (e *FunctionLiteral) Pos() token.Position { return e.Token.Pos }

// String renders "fn(a, b) body".
func (e *FunctionLiteral) String() string {
	return e.TokenLiteral() + "(" + joinIdentifiers(e.Parameters) + ") " + e.Body.String()
}

// MacroLiteral is `macro(params) { body }`.
type MacroLiteral struct {
	Token      token.Token // the macro token
	Parameters []*Identifier
	Body       *BlockStatement
}

func (e *MacroLiteral) expressionNode() {}

// TokenLiteral returns "macro".
func (e *MacroLiteral) TokenLiteral() string { return e.Token.Literal }

// Pos is the position of the macro keyword.
func (e *MacroLiteral) Pos() token.Position { return e.Token.Pos }

// String renders "macro(a, b) body".
func (e *MacroLiteral) String() string {
	return e.TokenLiteral() + "(" + joinIdentifiers(e.Parameters) + ") " + e.Body.String()
}
