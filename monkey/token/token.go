// Package token defines the lexical tokens of the Monkey language and the
// source positions they carry.
package token

import "fmt"

// Type names a kind of token, e.g. IDENT or "+".
type Type string

// Position is a 1-based line and column (columns count runes) in the source.
type Position struct {
	Line int
	Col  int
}

// String formats the position as "line:col".
func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// IsValid reports whether the position points into a source (line >= 1).
func (p Position) IsValid() bool { return p.Line > 0 }

// Token is one lexical unit with the literal text it was read from.
type Token struct {
	Type    Type
	Literal string
	Pos     Position
}

// The token types. Operators and delimiters use their own spelling, which
// keeps error messages readable ("expected ), found ;").
const (
	ILLEGAL Type = "ILLEGAL"
	EOF     Type = "EOF"

	IDENT  Type = "IDENT"
	INT    Type = "INT"
	STRING Type = "STRING"

	ASSIGN   Type = "="
	PLUS     Type = "+"
	MINUS    Type = "-"
	BANG     Type = "!"
	ASTERISK Type = "*"
	SLASH    Type = "/"
	LT       Type = "<"
	GT       Type = ">"
	EQ       Type = "=="
	NOT_EQ   Type = "!="

	COMMA     Type = ","
	SEMICOLON Type = ";"
	COLON     Type = ":"
	LPAREN    Type = "("
	RPAREN    Type = ")"
	LBRACE    Type = "{"
	RBRACE    Type = "}"
	LBRACKET  Type = "["
	RBRACKET  Type = "]"

	FUNCTION Type = "FUNCTION"
	LET      Type = "LET"
	TRUE     Type = "TRUE"
	FALSE    Type = "FALSE"
	IF       Type = "IF"
	ELSE     Type = "ELSE"
	RETURN   Type = "RETURN"
	MACRO    Type = "MACRO"
)

var keywords = map[string]Type{
	"fn":     FUNCTION,
	"let":    LET,
	"true":   TRUE,
	"false":  FALSE,
	"if":     IF,
	"else":   ELSE,
	"return": RETURN,
	"macro":  MACRO,
}

// LookupIdent returns the keyword type for ident, or IDENT if it is not a keyword.
func LookupIdent(ident string) Type {
	if t, ok := keywords[ident]; ok {
		return t
	}
	return IDENT
}

// Describe renders a token for error messages: the literal for most tokens,
// "end of input" for EOF and a quoted literal for strings.
func (t Token) Describe() string {
	switch t.Type {
	case EOF:
		return "end of input"
	case STRING:
		return fmt.Sprintf("string %q", t.Literal)
	case ILLEGAL:
		return fmt.Sprintf("illegal %q", t.Literal)
	}
	return fmt.Sprintf("%q", t.Literal)
}
