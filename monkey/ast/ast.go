// Package ast declares the syntax tree of Monkey programs. Every node keeps
// the token it starts with (for infix, call and index nodes: the operator
// token), so every node has a source position.
package ast

import (
	"strings"

	"github.com/gee-project/gee/monkey/token"
)

// Node is any node of the syntax tree.
type Node interface {
	TokenLiteral() string
	// String renders the node in the book's canonical parenthesised form.
	String() string
	// Pos is the position of the node's token.
	Pos() token.Position
}

// Statement is a node that appears in a statement list.
type Statement interface {
	Node
	statementNode()
}

// Expression is a node that produces a value.
type Expression interface {
	Node
	expressionNode()
}

// Program is the root of a parsed source file.
type Program struct {
	Statements []Statement
}

// TokenLiteral returns the first statement's token literal.
func (p *Program) TokenLiteral() string {
	if len(p.Statements) > 0 {
		return p.Statements[0].TokenLiteral()
	}
	return ""
}

// String concatenates the statements.
func (p *Program) String() string { return joinStatements(p.Statements) }

// Pos is the position of the first statement, or 1:1 for an empty program.
func (p *Program) Pos() token.Position {
	if len(p.Statements) > 0 {
		return p.Statements[0].Pos()
	}
	return token.Position{Line: 1, Col: 1}
}

func joinStatements(stmts []Statement) string {
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString(s.String())
	}
	return b.String()
}

func joinExpressions(exprs []Expression) string {
	parts := make([]string, len(exprs))
	for i, e := range exprs {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

func joinIdentifiers(ids []*Identifier) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return strings.Join(parts, ", ")
}
