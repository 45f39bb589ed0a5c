package orm

import (
	"database/sql"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/gee-project/gee/orm/schema"
)

// RawQuery is a hand-written statement with its arguments. A ? outside
// quotes becomes the dialect's placeholder; text without any ? is passed
// through as written (so $1 works on PostgreSQL).
type RawQuery struct {
	s     *Session
	sql   string
	args  []any
	extra bool // skip result columns without a field
}

// AllowUnknownColumns makes Find and First skip result columns that no field
// maps, instead of failing on them.
func (r *RawQuery) AllowUnknownColumns() *RawQuery {
	r.extra = true
	return r
}

// Raw prepares a hand-written statement. Values must go in args, never into
// the SQL text.
func (s *Session) Raw(sql string, args ...any) *RawQuery {
	return &RawQuery{s: s, sql: sql, args: args}
}

func (r *RawQuery) text() (string, []any, error) {
	b := r.s.builder()
	if err := b.Expr(r.sql, r.args); err != nil {
		if !hasPlaceholder(r.sql) {
			return r.sql, r.args, nil
		}
		return "", nil, &Error{Op: "raw", Err: err}
	}
	return b.String(), b.Args, nil
}

func hasPlaceholder(sql string) bool {
	var quote byte
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '?':
			return true
		}
	}
	return false
}

// Exec runs the statement.
func (r *RawQuery) Exec() (sql.Result, error) {
	q, args, err := r.text()
	if err != nil {
		return nil, err
	}
	res, err := r.s.exec(q, args)
	if err != nil {
		return nil, &Error{Op: "exec", SQL: q, Err: err}
	}
	return res, nil
}

// QueryRow runs the statement and returns its first row.
func (r *RawQuery) QueryRow() *sql.Row {
	q, args, err := r.text()
	if err != nil {
		q, args = "SELECT orm_invalid_raw_query", nil // yields an error on Scan
	}
	if r.s.e.timeText {
		args = sqliteTimes(args)
	}
	var start time.Time
	if r.s.e.log != nil {
		start = time.Now()
	}
	row := r.s.q.QueryRowContext(r.s.ctx, q, args...)
	if r.s.e.log != nil {
		r.s.e.logStmt(r.s.ctx, start, q, args, row.Err())
	}
	return row
}

// Rows runs the statement and returns its rows; the caller closes them.
func (r *RawQuery) Rows() (*sql.Rows, error) {
	q, args, err := r.text()
	if err != nil {
		return nil, err
	}
	rows, err := r.s.query(q, args)
	if err != nil {
		return nil, &Error{Op: "query", SQL: q, Err: err}
	}
	return rows, nil
}

// Find scans every row into dest (*[]T or *[]*T), matching result columns
// to fields by column name; an unknown column is an error. When T is a
// scalar (int64, string, time.Time, a sql.Scanner, ...) the result must have
// exactly one column, scanned into each element.
func (r *RawQuery) Find(dest any) error {
	sv := reflect.ValueOf(dest)
	if sv.Kind() != reflect.Pointer || sv.IsNil() || sv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("orm: Raw.Find needs a non-nil pointer to a slice, got %T", dest)
	}
	sv = sv.Elem()
	et := sv.Type().Elem()
	if schema.IsScalar(et) {
		return r.findScalars(sv, et)
	}
	ptrs := et.Kind() == reflect.Pointer
	if ptrs {
		et = et.Elem()
	}
	sch, err := schema.ParseType(et)
	if err != nil {
		return err
	}
	sv.SetLen(0)
	return r.scan(sch, func() unsafe.Pointer {
		if ptrs {
			p := reflect.New(et)
			sv.Set(reflect.Append(sv, p))
			return p.UnsafePointer()
		}
		sv.Set(reflect.Append(sv, reflect.Zero(et)))
		return sv.Index(sv.Len() - 1).Addr().UnsafePointer()
	})
}

// findScalars scans a one-column result into sv, a []T of scalar T.
func (r *RawQuery) findScalars(sv reflect.Value, et reflect.Type) error {
	rows, err := r.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	return scanScalars(rows, r.sql, sv, et)
}

// scanScalars appends every row of a one-column result to sv, a []T of
// scalar T, after emptying it.
func scanScalars(rows *sql.Rows, sqlText string, sv reflect.Value, et reflect.Type) error {
	f, err := schema.ScalarField(et)
	if err != nil {
		return fmt.Errorf("orm: scan: %w", err)
	}
	names, err := rows.Columns()
	if err != nil {
		return &Error{Op: "query", SQL: sqlText, Err: err}
	}
	if len(names) != 1 {
		return &Error{Op: "scan", SQL: sqlText, Err: fmt.Errorf("scanning into []%s needs one column, the result has %d", et, len(names))}
	}
	sv.SetLen(0)
	rs := schema.NewRowScanner([]*schema.Field{f})
	for rows.Next() {
		sv.Set(reflect.Append(sv, reflect.Zero(et)))
		rs.Bind(sv.Index(sv.Len() - 1).Addr().UnsafePointer())
		if err := rows.Scan(rs.Dest()...); err != nil {
			return &Error{Op: "scan", SQL: sqlText, Err: err}
		}
	}
	if err := rows.Err(); err != nil {
		return &Error{Op: "query", SQL: sqlText, Err: err}
	}
	return nil
}

// First scans the first row into dest, a struct pointer; ErrNotFound if none.
func (r *RawQuery) First(dest any) error {
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("orm: Raw.First needs a non-nil struct pointer, got %T", dest)
	}
	sch, err := schema.ParseType(rv.Elem().Type())
	if err != nil {
		return err
	}
	found := false
	err = r.scan(sch, func() unsafe.Pointer {
		if found {
			return nil
		}
		found = true
		return rv.UnsafePointer()
	})
	if err == nil && !found {
		return ErrNotFound
	}
	return err
}

// scan runs the query and scans rows until next returns nil.
func (r *RawQuery) scan(sch *schema.Schema, next func() unsafe.Pointer) error {
	rows, err := r.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return &Error{Op: "query", Table: sch.Table, SQL: r.sql, Err: err}
	}
	fields := make([]*schema.Field, len(names))
	var discard []int
	for i, n := range names {
		if fields[i] = sch.Column(n); fields[i] == nil {
			if !r.extra {
				return &Error{Op: "scan", Table: sch.Table, Column: n, SQL: r.sql, Err: fmt.Errorf("result column has no field in %s (AllowUnknownColumns skips it)", sch.Type)}
			}
			fields[i] = discardField
			discard = append(discard, i)
		}
	}
	rs := schema.NewRowScanner(fields)
	dest := rs.Dest()
	for _, i := range discard {
		dest[i] = new(any)
	}
	for rows.Next() {
		base := next()
		if base == nil {
			break
		}
		rs.Bind(base)
		if err := rows.Scan(dest...); err != nil {
			return &Error{Op: "scan", Table: sch.Table, SQL: r.sql, Err: err}
		}
	}
	if err := rows.Err(); err != nil {
		return &Error{Op: "query", Table: sch.Table, SQL: r.sql, Err: err}
	}
	return nil
}
