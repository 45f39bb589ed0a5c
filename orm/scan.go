package orm

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/gee-project/gee/orm/clause"
	"github.com/gee-project/gee/orm/schema"
)

// Scan runs the chained SELECT over the Model's table (with Join, Group,
// Having, Distinct, SelectExpr, Where, OrderBy, Limit) and reads the result
// into dest: a *[]T or *[]*T of any struct, a *T (the first row;
// ErrNotFound when none), or a *[]V of a scalar V (one column).
//
// The select list is: for each field of T that is a model struct (a join
// row), that model's columns qualified by its table name or alias tag,
// scanned in order; then Select's model columns and SelectExpr's
// expressions, matched to T's own fields by result column name. Without any
// of these it is the Model's columns. A result column no field maps is an
// error naming it, unless AllowUnknownColumns.
func (s *Session) Scan(dest any) error {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return err
	}
	if s.sch == nil {
		return fmt.Errorf("orm: Scan needs Model (the table of FROM)")
	}
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("orm: Scan needs a non-nil pointer, got %T", dest)
	}
	rv = rv.Elem()
	et, many := rv.Type(), false
	if et.Kind() == reflect.Slice && et.Elem().Kind() != reflect.Uint8 {
		et, many = et.Elem(), true
	}
	if many && schema.IsScalar(et) {
		return s.scanColumn(rv, et)
	}
	ptrs := et.Kind() == reflect.Pointer
	if ptrs {
		et = et.Elem()
	}
	if et.Kind() != reflect.Struct || (!many && ptrs) {
		return fmt.Errorf("orm: Scan needs *[]T, *[]*T or *T of a struct, or *[]V of a scalar, got %T", dest)
	}
	ds, err := schema.ParseType(et)
	if err != nil {
		return err
	}
	parts, err := joinParts(ds)
	if err != nil {
		return err
	}
	b := s.builder()
	if err := s.writeScanSelect(b, parts); err != nil {
		return err
	}
	query := b.String()
	if !many {
		found := false
		err := s.scanByName(ds, parts, query, func() unsafe.Pointer {
			if found {
				return nil
			}
			found = true
			return rv.Addr().UnsafePointer()
		})
		if err == nil && !found {
			return ErrNotFound
		}
		return err
	}
	rv.SetLen(0)
	return s.scanByName(ds, parts, query, func() unsafe.Pointer {
		if ptrs {
			p := reflect.New(et)
			rv.Set(reflect.Append(rv, p))
			return p.UnsafePointer()
		}
		n := rv.Len()
		if n == rv.Cap() {
			rv.Grow(1)
		}
		rv.SetLen(n + 1)
		e := rv.Index(n)
		e.SetZero()
		return e.Addr().UnsafePointer()
	})
}

// joinPart is a model embedded as a field of a join row.
type joinPart struct {
	alias  string
	sch    *schema.Schema
	fields []*schema.Field // shifted to the row's offsets
}

// joinParts returns the model fields of a join row type, in field order.
func joinParts(ds *schema.Schema) ([]joinPart, error) {
	var out []joinPart
	for _, r := range ds.Relations {
		if r.Many {
			continue
		}
		if r.Ptr {
			return nil, fmt.Errorf("orm: Scan into %s: field %s: a joined model must be a value field, not %s", ds.Type, r.Name, r.Type)
		}
		rs, err := schema.ParseType(r.Elem)
		if err != nil {
			return nil, fmt.Errorf("orm: Scan into %s: field %s: %w", ds.Type, r.Name, err)
		}
		p := joinPart{alias: r.Alias(rs), sch: rs, fields: make([]*schema.Field, len(rs.Fields))}
		for i, f := range rs.Fields {
			p.fields[i] = f.Shifted(r.Offset)
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *Session) writeScanSelect(b *clause.Builder, parts []joinPart) error {
	sch := s.sch
	b.Raw("SELECT ")
	if s.xr().distinct {
		b.Raw("DISTINCT ")
	}
	n := 0
	sep := func() {
		if n > 0 {
			b.Raw(", ")
		}
		n++
	}
	for _, p := range parts {
		for _, f := range p.sch.Fields {
			sep()
			qualified(b, p.alias, f.Column)
		}
	}
	cols := s.cols
	if len(parts) == 0 && len(cols) == 0 && len(s.xr().selExpr) == 0 {
		for _, f := range sch.Fields {
			cols = append(cols, f.Column)
		}
	}
	for _, c := range cols {
		f, err := s.field(sch, c)
		if err != nil {
			return err
		}
		sep()
		s.colRef(b, sch, f.Column)
	}
	for _, x := range s.xr().selExpr {
		sep()
		if err := b.Expr(x.sql, x.args); err != nil {
			return &Error{Op: "select", Table: sch.Table, Err: err}
		}
	}
	if err := s.writeFrom(b, sch); err != nil {
		return err
	}
	if err := s.writeWhere(b, sch); err != nil {
		return err
	}
	if err := s.writeGroup(b, sch); err != nil {
		return err
	}
	return s.writeOrderLimit(b, sch)
}

// scanByName runs query; the first columns fill the join parts in order,
// the rest are matched to ds's fields by name. next returns nil to stop.
func (s *Session) scanByName(ds *schema.Schema, parts []joinPart, query string, next func() unsafe.Pointer) error {
	rows, err := s.query(query, s.b.Args)
	if err != nil {
		return s.fail("scan", query, err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return s.fail("scan", query, err)
	}
	var fields []*schema.Field
	for _, p := range parts {
		fields = append(fields, p.fields...)
	}
	if len(names) < len(fields) {
		return s.fail("scan", query, fmt.Errorf("%d result columns for %d joined model columns", len(names), len(fields)))
	}
	var discard []int
	base := len(fields)
	for i, n := range names[base:] {
		f := ds.Column(n)
		if f == nil && !s.xr().extraCols {
			return &Error{Op: "scan", Table: s.sch.Table, Column: n, SQL: query,
				Err: fmt.Errorf("result column has no field in %s (AllowUnknownColumns skips it)", ds.Type)}
		}
		if f == nil {
			discard = append(discard, base+i)
			f = discardField
		}
		fields = append(fields, f)
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
			return s.fail("scan", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		return s.fail("scan", query, err)
	}
	return nil
}

// discardField stands for a skipped column; its destination is replaced.
var discardField, _ = schema.ScalarField(reflect.TypeFor[int64]())

// scanColumn reads a one-column result into rv, a []V of scalar V.
func (s *Session) scanColumn(rv reflect.Value, et reflect.Type) error {
	b := s.builder()
	if err := s.writeScanSelect(b, nil); err != nil {
		return err
	}
	query := b.String()
	rows, err := s.query(query, b.Args)
	if err != nil {
		return s.fail("scan", query, err)
	}
	defer rows.Close()
	return scanScalars(rows, query, rv, et)
}
