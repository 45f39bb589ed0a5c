package orm

import (
	"database/sql"
	"time"
)

// SQLiteTimeLayout is how times are stored on SQLite: UTC, RFC 3339, with a
// fixed nine fractional digits, so text order is time order and equal
// instants are equal text whatever zone they were written in. SQLite's own
// date functions read it. Times come back in UTC; compare them with
// time.Time.Equal.
const SQLiteTimeLayout = "2006-01-02T15:04:05.000000000Z"

// sqliteTimes returns args with every time (time.Time, *time.Time,
// sql.NullTime) rewritten as SQLiteTimeLayout text. args is copied before the
// first change, since it may be the caller's slice.
func sqliteTimes(args []any) []any {
	copied := false
	for i, a := range args {
		s, ok := sqliteTime(a)
		if !ok {
			continue
		}
		if !copied {
			args = append([]any(nil), args...)
			copied = true
		}
		args[i] = s
	}
	return args
}

func sqliteTime(a any) (any, bool) {
	switch v := a.(type) {
	case time.Time:
		return v.UTC().Format(SQLiteTimeLayout), true
	case *time.Time:
		if v == nil {
			return nil, true
		}
		return v.UTC().Format(SQLiteTimeLayout), true
	case sql.NullTime:
		if !v.Valid {
			return nil, true
		}
		return v.Time.UTC().Format(SQLiteTimeLayout), true
	}
	return nil, false
}
