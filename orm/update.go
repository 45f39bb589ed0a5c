package orm

import (
	"fmt"
	"slices"
	"time"
	"unsafe"

	"github.com/gee-project/gee/orm/clause"
	"github.com/gee-project/gee/orm/schema"
)

// Update writes the named columns (column or field names) of the struct
// pointed to by v to its row, found by primary key; with no names it writes
// every non-key column. Named columns are written even when zero. Chained
// Where conditions narrow it further. It returns the rows affected.
func (s *Session) Update(v any, cols ...string) (int64, error) {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return 0, err
	}
	sch, base, err := s.structDest("Update", v)
	if err != nil {
		return 0, err
	}
	fields, err := s.updateFields(sch, cols)
	if err != nil {
		return 0, err
	}
	if f := sch.UpdatedAt; f != nil {
		_ = f.SetAny(base, time.Now().Truncate(time.Microsecond))
		if len(cols) > 0 && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	if err := s.runHook(sch, beforeUpdate, base); err != nil {
		return 0, &Error{Op: "hook", Table: sch.Table, Err: err}
	}
	query, err := s.buildUpdate(sch, fields, base, len(cols) == 0)
	if err != nil {
		return 0, err
	}
	n, err := s.execCount("update", query)
	if err != nil {
		return n, err
	}
	if err := s.runHook(sch, afterUpdate, base); err != nil {
		return n, &Error{Op: "hook", Table: sch.Table, Err: err}
	}
	return n, nil
}

func (s *Session) updateFields(sch *schema.Schema, cols []string) ([]*schema.Field, error) {
	if len(cols) == 0 {
		return sch.NonKey, nil
	}
	out := make([]*schema.Field, 0, len(cols))
	for _, c := range cols {
		f, err := s.field(sch, c)
		if err != nil {
			return nil, err
		}
		if f.PrimaryKey {
			return nil, &Error{Op: "update", Table: sch.Table, Column: f.Column, Err: fmt.Errorf("cannot update a primary key column by key")}
		}
		out = append(out, f)
	}
	return out, nil
}

func (s *Session) buildUpdate(sch *schema.Schema, fields []*schema.Field, base unsafe.Pointer, all bool) (string, error) {
	build := func(b *clause.Builder) error {
		keys := make([]any, len(sch.PrimaryKeys))
		for i, f := range sch.PrimaryKeys {
			keys[i] = f.Value(base)
		}
		b.Raw("UPDATE ")
		b.Ident(sch.Table)
		b.Raw(" SET ")
		for i, f := range fields {
			if i > 0 {
				b.Raw(", ")
			}
			b.Ident(f.Column)
			b.Raw(" = ")
			b.Bind(f.Arg(base))
		}
		if err := s.writePK(b, sch, keys); err != nil {
			return err
		}
		for _, c := range s.conds {
			b.Raw(" AND (")
			if err := s.writeCond(b, sch, c); err != nil {
				return err
			}
			b.Raw(")")
		}
		return nil
	}
	b := s.builder()
	if !all || len(s.conds) > 0 {
		if err := build(b); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	query, err := s.e.cachedSQL(sqlKey{sch: sch, op: opUpdateAll, unscope: s.unscope}, build)
	for _, f := range fields {
		b.Args = append(b.Args, f.Arg(base))
	}
	for _, f := range sch.PrimaryKeys {
		b.Args = append(b.Args, f.Arg(base))
	}
	return query, err
}

// execCount runs the built statement and returns the rows affected.
func (s *Session) execCount(op, query string) (int64, error) {
	res, err := s.exec(query, s.b.Args)
	if err != nil {
		return 0, s.fail(op, query, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.fail(op, query, err)
	}
	return n, nil
}

// UpdateMap sets columns (column or field names) to values on the Model's
// rows matching the conditions; Where is required. Keys are checked against
// the model, values are bound, zero values are written. Hooks run on the
// Model value when it is a struct pointer.
func (s *Session) UpdateMap(values map[string]any) (int64, error) {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return 0, err
	}
	if s.sch == nil {
		return 0, fmt.Errorf("orm: UpdateMap needs Model")
	}
	sch := s.sch
	if len(s.conds) == 0 {
		return 0, &Error{Op: "update", Table: sch.Table, Err: ErrMissingWhere}
	}
	if len(values) == 0 {
		return 0, &Error{Op: "update", Table: sch.Table, Err: fmt.Errorf("no columns to update")}
	}
	base := s.modelBase()
	if base != nil {
		if err := s.runHook(sch, beforeUpdate, base); err != nil {
			return 0, &Error{Op: "hook", Table: sch.Table, Err: err}
		}
	}
	query, err := s.buildUpdateMap(sch, values)
	if err != nil {
		return 0, err
	}
	n, err := s.execCount("update", query)
	if err == nil && base != nil {
		if herr := s.runHook(sch, afterUpdate, base); herr != nil {
			return n, &Error{Op: "hook", Table: sch.Table, Err: herr}
		}
	}
	return n, err
}

func (s *Session) buildUpdateMap(sch *schema.Schema, values map[string]any) (string, error) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys) // stable text for the statement cache
	b := s.builder()
	b.Raw("UPDATE ")
	b.Ident(sch.Table)
	b.Raw(" SET ")
	for i, k := range keys {
		f, err := s.field(sch, k)
		if err != nil {
			return "", err
		}
		if i > 0 {
			b.Raw(", ")
		}
		b.Ident(f.Column)
		b.Raw(" = ")
		b.Bind(values[k])
	}
	if err := s.writeWhere(b, sch); err != nil {
		return "", err
	}
	return b.String(), nil
}

// modelBase returns the address of the Model struct, or nil if Model was
// not given a struct pointer.
func (s *Session) modelBase() unsafe.Pointer {
	_, base, err := s.structDest("Model", s.model)
	if err != nil {
		return nil
	}
	return base
}
