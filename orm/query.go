package orm

import (
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/gee-project/gee/orm/clause"
	"github.com/gee-project/gee/orm/schema"
)

var scannerPool = sync.Pool{New: func() any { return new(schema.RowScanner) }}

// Find loads every matching row into dest, a *[]T or *[]*T, replacing its
// contents.
func (s *Session) Find(dest any) error {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return err
	}
	sv := reflect.ValueOf(dest)
	if sv.Kind() != reflect.Pointer || sv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("orm: Find needs a pointer to a slice, got %T", dest)
	}
	sv = sv.Elem()
	et := sv.Type().Elem()
	ptrs := et.Kind() == reflect.Pointer
	st := et
	if ptrs {
		st = et.Elem()
	}
	sch, err := s.modelFor(st)
	if err != nil {
		return err
	}
	if err := s.checkPreloads(sch); err != nil {
		return err
	}
	fields, query, err := s.buildSelect(sch)
	if err != nil {
		return err
	}
	sv.SetLen(0)
	err = s.scanRows(sch, query, fields, func() unsafe.Pointer {
		if ptrs {
			p := reflect.New(st)
			sv.Set(reflect.Append(sv, p))
			return p.UnsafePointer()
		}
		n := sv.Len()
		if n == sv.Cap() {
			sv.Grow(1)
		}
		sv.SetLen(n + 1)
		e := sv.Index(n)
		e.SetZero()
		return e.Addr().UnsafePointer()
	})
	if err != nil {
		return err
	}
	if hooksOf(sch)&afterQuery == 0 && len(s.xr().preloads) == 0 {
		return nil
	}
	bases := make([]unsafe.Pointer, sv.Len())
	for i := range bases {
		e := sv.Index(i)
		if !ptrs {
			e = e.Addr()
		}
		bases[i] = e.UnsafePointer()
		if err := s.runHook(sch, afterQuery, bases[i]); err != nil {
			return &Error{Op: "hook", Table: sch.Table, Err: err}
		}
	}
	return s.runPreloads(sch, bases)
}

// modelFor returns the schema of st, checking it against Model if set.
func (s *Session) modelFor(st reflect.Type) (*schema.Schema, error) {
	sch, err := schema.ParseType(st)
	if err != nil {
		return nil, err
	}
	if err := schemaColumns("query", sch); err != nil {
		return nil, err
	}
	if s.sch != nil && s.sch != sch {
		return nil, fmt.Errorf("orm: destination %s does not match Model %s", st, s.sch.Type)
	}
	s.sch = sch
	return sch, nil
}

func (s *Session) buildSelect(sch *schema.Schema) ([]*schema.Field, string, error) {
	fields, err := s.selected(sch)
	if err != nil {
		return nil, "", err
	}
	if len(s.xr().selExpr) > 0 {
		return nil, "", fmt.Errorf("orm: SelectExpr results are read with Scan, not Find/First")
	}
	b := s.builder()
	if err := s.writeHead(b, sch, fields); err != nil {
		return nil, "", err
	}
	if err := s.writeWhere(b, sch); err != nil {
		return nil, "", err
	}
	if err := s.writeGroup(b, sch); err != nil {
		return nil, "", err
	}
	if err := s.writeOrderLimit(b, sch); err != nil {
		return nil, "", err
	}
	s.writeLock(b)
	return fields, b.String(), nil
}

// scanRows runs query and scans each row into the struct next returns.
func (s *Session) scanRows(sch *schema.Schema, query string, fields []*schema.Field, next func() unsafe.Pointer) error {
	rows, err := s.query(query, s.b.Args)
	if err != nil {
		return s.fail("find", query, err)
	}
	defer rows.Close()
	rs := scannerPool.Get().(*schema.RowScanner)
	defer scannerPool.Put(rs)
	rs.Reset(fields)
	for rows.Next() {
		rs.Bind(next())
		if err := rows.Scan(rs.Dest()...); err != nil {
			return s.fail("scan", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		return s.fail("find", query, err)
	}
	return nil
}

// First loads the first matching row (by primary key unless OrderBy is
// given) into dest, a struct pointer. It returns ErrNotFound when none match.
func (s *Session) First(dest any) error {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return err
	}
	sch, base, err := s.structDest("First", dest)
	if err == nil {
		err = s.checkPreloads(sch)
	}
	if err != nil {
		return err
	}
	if len(s.order) == 0 {
		for _, f := range sch.PrimaryKeys {
			s.order = append(s.order, orderItem{col: f.Column})
		}
	}
	s.limit, s.hasLim = 1, true
	fields, query, err := s.buildSelect(sch)
	if err != nil {
		return err
	}
	if err := s.scanOne(sch, query, fields, base); err != nil {
		return err
	}
	if len(s.xr().preloads) == 0 {
		return nil // no slice: it would escape to the heap on every read
	}
	return s.runPreloads(sch, []unsafe.Pointer{base})
}

// Get loads the row whose primary key equals keys (in primary key column
// order) into dest. It returns ErrNotFound when there is none.
func (s *Session) Get(dest any, keys ...any) error {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return err
	}
	sch, base, err := s.structDest("Get", dest)
	if err == nil {
		err = s.checkPreloads(sch)
	}
	if err != nil {
		return err
	}
	fields, err := s.selected(sch)
	if err != nil {
		return err
	}
	if len(keys) != len(sch.PrimaryKeys) {
		return &Error{Op: "get", Table: sch.Table,
			Err: fmt.Errorf("got %d key values for %d primary key columns", len(keys), len(sch.PrimaryKeys))}
	}
	b := s.builder()
	var query string
	if len(s.cols) == 0 && len(s.conds) == 0 && !s.forUpd && !s.joined() && !s.xr().distinct {
		query, err = s.e.cachedSQL(sqlKey{sch: sch, op: opGet, unscope: s.unscope}, func(b *clause.Builder) error {
			writeSelect(b, sch, fields)
			return s.writePK(b, sch, keys)
		})
		b.Args = append(b.Args, keys...)
	} else {
		err = s.writeHead(b, sch, fields)
		if err == nil {
			err = s.writePK(b, sch, keys)
		}
		s.writeLock(b)
		query = b.String()
	}
	if err != nil {
		return err
	}
	if err := s.scanOne(sch, query, fields, base); err != nil {
		return err
	}
	if len(s.xr().preloads) == 0 {
		return nil // no slice: it would escape to the heap on every read
	}
	return s.runPreloads(sch, []unsafe.Pointer{base})
}

func (s *Session) scanOne(sch *schema.Schema, query string, fields []*schema.Field, base unsafe.Pointer) error {
	rows, err := s.query(query, s.b.Args)
	if err != nil {
		return s.fail("find", query, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return s.fail("find", query, err)
		}
		return ErrNotFound
	}
	rs := scannerPool.Get().(*schema.RowScanner)
	rs.Reset(fields)
	rs.Bind(base)
	err = rows.Scan(rs.Dest()...)
	scannerPool.Put(rs)
	if err != nil {
		return s.fail("scan", query, err)
	}
	if err := rows.Close(); err != nil {
		return s.fail("find", query, err)
	}
	if err := s.runHook(sch, afterQuery, base); err != nil {
		return &Error{Op: "hook", Table: sch.Table, Err: err}
	}
	return nil
}

// structDest checks that dest is a non-nil struct pointer.
func (s *Session) structDest(op string, dest any) (*schema.Schema, unsafe.Pointer, error) {
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, nil, fmt.Errorf("orm: %s needs a non-nil struct pointer, got %T", op, dest)
	}
	sch, err := s.modelFor(rv.Elem().Type())
	if err != nil {
		return nil, nil, err
	}
	return sch, rv.UnsafePointer(), nil
}

// Count returns the number of rows of the Model matching the conditions.
func (s *Session) Count() (int64, error) {
	var n int64
	err := s.aggregate("count", "SELECT COUNT(*)", false, &n)
	return n, err
}

// Exists reports whether any row of the Model matches the conditions.
func (s *Session) Exists() (bool, error) {
	var one int64
	err := s.aggregate("exists", "SELECT 1", true, &one)
	if err == ErrNotFound {
		return false, nil
	}
	return err == nil, err
}

func (s *Session) aggregate(op, head string, limit1 bool, dst *int64) error {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return err
	}
	if s.sch == nil {
		return fmt.Errorf("orm: %s needs Model", op)
	}
	sch := s.sch
	b := s.builder()
	if err := s.writeAggregate(b, sch, head); err != nil {
		return err
	}
	if limit1 {
		b.Raw(" LIMIT 1")
	}
	query := b.String()
	rows, err := s.query(query, b.Args)
	if err != nil {
		return s.fail(op, query, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return s.fail(op, query, err)
		}
		return ErrNotFound
	}
	if err := rows.Scan(dst); err != nil {
		return s.fail(op, query, err)
	}
	return nil
}

// writeLock appends FOR UPDATE where the dialect has row locks.
func (s *Session) writeLock(b *clause.Builder) {
	if s.forUpd && s.e.dialect.Name() != "sqlite" {
		b.Raw(" FOR UPDATE")
	}
}

// writeAggregate appends head (a select list) over the chained joins and
// conditions; with Group or Distinct the groups or distinct rows are
// counted through a subquery.
func (s *Session) writeAggregate(b *clause.Builder, sch *schema.Schema, head string) error {
	sub := len(s.xr().group) > 0 || s.xr().distinct
	b.Raw(head)
	if !sub {
		if err := s.writeFrom(b, sch); err != nil {
			return err
		}
	} else {
		b.Raw(" FROM (")
		fields, err := s.selected(sch)
		if err != nil {
			return err
		}
		if s.xr().distinct {
			err = s.writeHead(b, sch, fields)
		} else {
			b.Raw("SELECT 1")
			err = s.writeFrom(b, sch)
		}
		if err != nil {
			return err
		}
	}
	if err := s.writeWhere(b, sch); err != nil {
		return err
	}
	if err := s.writeGroup(b, sch); err != nil {
		return err
	}
	if sub {
		b.Raw(") orm_sub")
	}
	return nil
}
