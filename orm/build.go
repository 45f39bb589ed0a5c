package orm

import (
	"fmt"

	"github.com/gee-project/gee/orm/clause"
	"github.com/gee-project/gee/orm/schema"
)

// field resolves a column or Go field name of the session's model.
func (s *Session) field(sch *schema.Schema, name string) (*schema.Field, error) {
	if f := sch.LookupField(name); f != nil {
		return f, nil
	}
	return nil, &Error{Op: "resolve", Table: sch.Table, Column: name, Err: fmt.Errorf("no such column in %s", sch.Type)}
}

// selected returns the fields Find and First read.
func (s *Session) selected(sch *schema.Schema) ([]*schema.Field, error) {
	if len(s.cols) == 0 {
		return sch.Fields, nil
	}
	out := make([]*schema.Field, 0, len(s.cols))
	for _, c := range s.cols {
		f, err := s.field(sch, c)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// joined reports whether the model's columns are qualified with its table
// name, because a join may bring same-named columns.
func (s *Session) joined() bool { return len(s.xr().joins) > 0 }

// colRef appends a model column, qualified when joined.
func (s *Session) colRef(b *clause.Builder, sch *schema.Schema, column string) {
	if s.joined() {
		qualified(b, sch.Table, column)
		return
	}
	b.Ident(column)
}

// writeHead appends SELECT [DISTINCT] fields FROM table joins.
func (s *Session) writeHead(b *clause.Builder, sch *schema.Schema, fields []*schema.Field) error {
	b.Raw("SELECT ")
	if s.xr().distinct {
		b.Raw("DISTINCT ")
	}
	for i, f := range fields {
		if i > 0 {
			b.Raw(", ")
		}
		s.colRef(b, sch, f.Column)
	}
	return s.writeFrom(b, sch)
}

// writeFrom appends FROM table and the joins.
func (s *Session) writeFrom(b *clause.Builder, sch *schema.Schema) error {
	b.Raw(" FROM ")
	b.Ident(sch.Table)
	for _, j := range s.xr().joins {
		b.Raw(" ")
		if err := b.Expr(j.sql, j.args); err != nil {
			return &Error{Op: "join", Table: sch.Table, Err: err}
		}
	}
	return nil
}

// writeGroup appends GROUP BY and HAVING.
func (s *Session) writeGroup(b *clause.Builder, sch *schema.Schema) error {
	for i, g := range s.xr().group {
		if i == 0 {
			b.Raw(" GROUP BY ")
		} else {
			b.Raw(", ")
		}
		b.Raw(g)
	}
	for i, h := range s.xr().having {
		if i == 0 {
			b.Raw(" HAVING (")
		} else {
			b.Raw(" AND (")
		}
		if err := b.Expr(h.sql, h.args); err != nil {
			return &Error{Op: "having", Table: sch.Table, Err: err}
		}
		b.Raw(")")
	}
	return nil
}

func writeSelect(b *clause.Builder, sch *schema.Schema, fields []*schema.Field) {
	b.Raw("SELECT ")
	for i, f := range fields {
		if i > 0 {
			b.Raw(", ")
		}
		b.Ident(f.Column)
	}
	b.Raw(" FROM ")
	b.Ident(sch.Table)
}

// writeWhere appends the chained conditions plus the soft-delete filter.
func (s *Session) writeWhere(b *clause.Builder, sch *schema.Schema) error {
	soft := sch.SoftDelete != nil && !s.unscope
	if len(s.conds) == 0 && !soft {
		return nil
	}
	b.Raw(" WHERE ")
	if soft && len(s.conds) > 0 {
		b.Raw("(")
	}
	for i, c := range s.conds {
		if i > 0 {
			if c.or {
				b.Raw(" OR ")
			} else {
				b.Raw(" AND ")
			}
		}
		b.Raw("(")
		if err := s.writeCond(b, sch, c); err != nil {
			return err
		}
		b.Raw(")")
	}
	if soft {
		if len(s.conds) > 0 {
			b.Raw(") AND ")
		}
		s.colRef(b, sch, sch.SoftDelete.Column)
		b.Raw(" IS NULL")
	}
	return nil
}

func (s *Session) writeCond(b *clause.Builder, sch *schema.Schema, c cond) error {
	if c.col == "" {
		if err := b.Expr(c.sql, c.args); err != nil {
			return &Error{Op: "where", Table: sch.Table, Err: err}
		}
		return nil
	}
	f, err := s.field(sch, c.col)
	if err != nil {
		return err
	}
	s.colRef(b, sch, f.Column)
	b.Raw(" IN (")
	b.Placeholders(c.args)
	b.Raw(")")
	return nil
}

func (s *Session) writeOrderLimit(b *clause.Builder, sch *schema.Schema) error {
	for i, o := range s.order {
		f, err := s.field(sch, o.col)
		if err != nil {
			return err
		}
		if i == 0 {
			b.Raw(" ORDER BY ")
		} else {
			b.Raw(", ")
		}
		s.colRef(b, sch, f.Column)
		if o.desc {
			b.Raw(" DESC")
		}
	}
	for i, o := range s.xr().orderExpr {
		if i == 0 && len(s.order) == 0 {
			b.Raw(" ORDER BY ")
		} else {
			b.Raw(", ")
		}
		if err := b.Expr(o.sql, o.args); err != nil {
			return &Error{Op: "order", Table: sch.Table, Err: err}
		}
	}
	s.writeLimit(b)
	return nil
}

func (s *Session) writeLimit(b *clause.Builder) {
	if s.hasLim {
		b.Raw(" LIMIT ")
		b.Bind(int64(s.limit))
	}
	if s.hasOff {
		if !s.hasLim && s.e.dialect.Name() != "postgres" {
			b.Raw(" LIMIT ")
			b.Raw(noLimit(s.e.dialect.Name()))
		}
		b.Raw(" OFFSET ")
		b.Bind(int64(s.offset))
	}
}

// noLimit is the "no limit" literal needed before OFFSET in SQLite and MySQL.
func noLimit(dialect string) string {
	if dialect == "mysql" {
		return "18446744073709551615"
	}
	return "-1"
}

// writePKWhere appends "WHERE pk = ? [AND ...]" binding the keys of the row
// at base, plus the soft-delete filter.
func (s *Session) writePK(b *clause.Builder, sch *schema.Schema, keys []any) error {
	if len(sch.PrimaryKeys) == 0 {
		return &Error{Op: "key lookup", Table: sch.Table, Err: fmt.Errorf("%s has no primary key", sch.Type)}
	}
	if len(keys) != len(sch.PrimaryKeys) {
		return &Error{Op: "key lookup", Table: sch.Table,
			Err: fmt.Errorf("got %d key values for %d primary key columns", len(keys), len(sch.PrimaryKeys))}
	}
	b.Raw(" WHERE ")
	for i, f := range sch.PrimaryKeys {
		if i > 0 {
			b.Raw(" AND ")
		}
		s.colRef(b, sch, f.Column)
		b.Raw(" = ")
		b.Bind(keys[i])
	}
	if sch.SoftDelete != nil && !s.unscope {
		b.Raw(" AND ")
		s.colRef(b, sch, sch.SoftDelete.Column)
		b.Raw(" IS NULL")
	}
	return nil
}
