package orm

import (
	"errors"
	"strings"
)

// ErrNotFound is returned by First and Get when no row matches.
var ErrNotFound = errors.New("orm: record not found")

// ErrMissingWhere is returned by Update and Delete without conditions, which
// would touch every row. Use Where("1 = 1") to mean it.
var ErrMissingWhere = errors.New("orm: update or delete without a Where condition")

// Error reports a failed operation with the table, the column when known,
// and the statement.
type Error struct {
	Op     string // "insert", "find", ...
	Table  string
	Column string
	SQL    string
	Err    error
}

// Error formats the operation, table, column, cause and statement.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("orm: ")
	b.WriteString(e.Op)
	if e.Table != "" {
		b.WriteString(" table ")
		b.WriteString(quoteMsg(e.Table))
	}
	if e.Column != "" {
		b.WriteString(" column ")
		b.WriteString(quoteMsg(e.Column))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.SQL != "" {
		b.WriteString(" [sql: ")
		b.WriteString(e.SQL)
		b.WriteString("]")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func quoteMsg(s string) string { return "\"" + s + "\"" }
