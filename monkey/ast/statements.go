package ast

import "github.com/gee-project/gee/monkey/token"

// LetStatement binds Name to Value: `let x = 5;`.
type LetStatement struct {
	Token token.Token // the let token
	Name  *Identifier
	Value Expression
}

func (s *LetStatement) statementNode() {}

// TokenLiteral returns "let".
func (s *LetStatement) TokenLiteral() string { return s.Token.Literal }

// Pos is the position of the let keyword.
func (s *LetStatement) Pos() token.Position { return s.Token.Pos }

// String renders "let name = value;".
func (s *LetStatement) String() string {
	v := ""
	if s.Value != nil {
		v = s.Value.String()
	}
	return s.TokenLiteral() + " " + s.Name.String() + " = " + v + ";"
}

// ReturnStatement leaves the enclosing function (or the program) with a value.
type ReturnStatement struct {
	Token       token.Token // the return token
	ReturnValue Expression
}

func (s *ReturnStatement) statementNode() {}

// TokenLiteral returns "return".
func (s *ReturnStatement) TokenLiteral() string { return s.Token.Literal }

// Pos is the position of the return keyword.
func (s *ReturnStatement) Pos() token.Position { return s.Token.Pos }

// String renders "return value;".
func (s *ReturnStatement) String() string {
	v := ""
	if s.ReturnValue != nil {
		v = s.ReturnValue.String()
	}
	return s.TokenLiteral() + " " + v + ";"
}

// ExpressionStatement is an expression used as a statement.
type ExpressionStatement struct {
	Token      token.Token // the first token of the expression
	Expression Expression
}

func (s *ExpressionStatement) statementNode() {}

// TokenLiteral returns the first token's literal.
func (s *ExpressionStatement) TokenLiteral() string { return s.Token.Literal }

// Pos is the position of the expression's first token.
func (s *ExpressionStatement) Pos() token.Position { return s.Token.Pos }

// String renders the expression.
func (s *ExpressionStatement) String() string {
	if s.Expression != nil {
		return s.Expression.String()
	}
	return ""
}

// BlockStatement is a braced statement list. Blocks do not open a scope.
type BlockStatement struct {
	Token      token.Token // the { token
	Statements []Statement
}

func (s *BlockStatement) statementNode() {}

// TokenLiteral returns "{".
func (s *BlockStatement) TokenLiteral() string { return s.Token.Literal }

// Pos is the position of the opening brace.
func (s *BlockStatement) Pos() token.Position { return s.Token.Pos }

// String concatenates the statements.
func (s *BlockStatement) String() string { return joinStatements(s.Statements) }
