// Package migrate produces DDL for a schema and computes the plan that brings
// an existing table in line with it. Destructive steps (drop, rename) are only
// planned when asked for; SQLite alterations it cannot do in place become a
// table rebuild that keeps the data.
package migrate

import (
	"github.com/gee-project/gee/orm/dialect"
	"github.com/gee-project/gee/orm/schema"
)

// CreateTable returns the statements creating the table and its indexes.
func CreateTable(d dialect.Dialect, s *schema.Schema) []string {
	return append([]string{createTableAs(d, s, s.Table)}, createIndexes(d, s, nil)...)
}

func createTableAs(d dialect.Dialect, s *schema.Schema, table string) string {
	b := []byte("CREATE TABLE ")
	b = d.Quote(b, table)
	b = append(b, " ("...)
	for i, f := range s.Fields {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, ColumnDef(d, s, f)...)
	}
	if s.AutoInc == nil && len(s.PrimaryKeys) > 0 {
		b = append(b, ", PRIMARY KEY ("...)
		for i, f := range s.PrimaryKeys {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = d.Quote(b, f.Column)
		}
		b = append(b, ')')
	}
	return string(append(b, ')'))
}

// ColumnDef returns the quoted column name with its type and constraints.
func ColumnDef(d dialect.Dialect, s *schema.Schema, f *schema.Field) string {
	b := d.Quote(nil, f.Column)
	b = append(b, ' ')
	if f == s.AutoInc {
		return string(append(b, d.AutoIncrement(f)...))
	}
	b = append(b, d.ColumnType(f)...)
	if f.NotNull {
		b = append(b, " NOT NULL"...)
	}
	if f.Unique {
		b = append(b, " UNIQUE"...)
	}
	if f.HasDefault {
		b = append(b, " DEFAULT "...)
		b = append(b, f.Default...)
	}
	return string(b)
}

// createIndexes returns CREATE INDEX statements for indexes not in existing.
func createIndexes(d dialect.Dialect, s *schema.Schema, existing map[string]bool) []string {
	var out []string
	for _, ix := range s.Indexes {
		if existing[ix.Name] {
			continue
		}
		b := []byte("CREATE INDEX ")
		if ix.Unique {
			b = []byte("CREATE UNIQUE INDEX ")
		}
		b = d.Quote(b, ix.Name)
		b = append(b, " ON "...)
		b = d.Quote(b, s.Table)
		b = append(b, " ("...)
		for i, c := range ix.Columns {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = d.Quote(b, c)
		}
		out = append(out, string(append(b, ')')))
	}
	return out
}
