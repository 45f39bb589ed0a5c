package parser

import (
	"strings"

	"github.com/gee-project/gee/monkey/token"
)

// Error is one syntax error at a source position.
type Error struct {
	Pos token.Position
	Msg string
}

// Error formats the error as "line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every syntax error of a program, in source order.
type ErrorList []*Error

// Error joins the errors, one per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// describeType names a token type the parser expected.
func describeType(t token.Type) string {
	switch t {
	case token.IDENT:
		return "an identifier"
	case token.INT:
		return "an integer"
	case token.STRING:
		return "a string"
	case token.EOF:
		return "end of input"
	}
	return `"` + string(t) + `"`
}
