package orm

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Statement is SQL text with its bind arguments, as sent to the driver.
type Statement struct {
	SQL  string
	Args []any
}

// String renders the statement and its arguments for reading (not for
// running: the arguments are not escaped into the text).
func (st Statement) String() string {
	if len(st.Args) == 0 {
		return st.SQL
	}
	var b strings.Builder
	b.WriteString(st.SQL)
	b.WriteString(" -- args:")
	for _, a := range st.Args {
		fmt.Fprintf(&b, " %#v", a)
	}
	return b.String()
}

// errDryRun stops a terminal method of a ToSQL session at its first
// statement.
var errDryRun = errors.New("orm: dry run: statement not executed")

// ToSQL builds, without running, the first statement fn would execute on
// the session it is given: ToSQL(func(s *orm.Session) error { return
// s.Where("age > ?", 18).Find(&users) }). Every terminal method works
// (Find, First, Get, Count, Pluck, Scan, Insert, Upsert, Update, UpdateMap,
// Delete, CreateTable, Raw Exec/Rows/Find); hooks run, transactions are not
// begun. Statements that depend on an earlier one's result (keys, preloads)
// are not reached.
func (s *Session) ToSQL(fn func(*Session) error) (Statement, error) {
	ds := s.child()
	var got []Statement
	ds.dry = &got
	err := fn(ds)
	if err != nil && !errors.Is(err, errDryRun) {
		return Statement{}, err
	}
	if len(got) == 0 {
		return Statement{}, fmt.Errorf("orm: ToSQL: fn ran no statement")
	}
	return got[0], nil
}

// dryRecord records a statement of a dry-run session.
func (s *Session) dryRecord(query string, args []any) error {
	*s.dry = append(*s.dry, Statement{SQL: query, Args: slices.Clone(args)})
	return errDryRun
}
