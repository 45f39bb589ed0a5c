package dialect

import "github.com/gee-project/gee/orm/schema"

// SQLite is the dialect of SQLite (modernc.org/sqlite and compatible drivers).
type SQLite struct{}

// Name implements Dialect.
func (SQLite) Name() string { return "sqlite" }

// Quote implements Dialect.
func (SQLite) Quote(buf []byte, ident string) []byte { return quoteWith(buf, ident, '"') }

// Placeholder implements Dialect.
func (SQLite) Placeholder(buf []byte, _ int) []byte { return append(buf, '?') }

// ColumnType implements Dialect.
func (SQLite) ColumnType(f *schema.Field) string {
	if f.SQLType != "" {
		return f.SQLType
	}
	switch f.SQLKind() {
	case schema.KindBool:
		return "BOOLEAN"
	case schema.KindInt32, schema.KindInt64:
		return "INTEGER"
	case schema.KindFloat32, schema.KindFloat64:
		return "REAL"
	case schema.KindString:
		return stringType(f, "TEXT")
	case schema.KindBytes:
		return "BLOB"
	case schema.KindTime:
		return "DATETIME"
	}
	return "TEXT"
}

// AutoIncrement implements Dialect.
func (SQLite) AutoIncrement(*schema.Field) string { return "INTEGER PRIMARY KEY AUTOINCREMENT" }

// Returning implements Dialect: SQLite reports keys through LastInsertId.
func (SQLite) Returning() bool { return false }

// Upsert implements Dialect.
func (d SQLite) Upsert(buf []byte, conflict, cols []string) []byte {
	return upsertExcluded(buf, d, conflict, cols)
}

// MaxParams implements Dialect (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
func (SQLite) MaxParams() int { return 32766 }

// TableExists implements Dialect.
func (SQLite) TableExists(table string) (string, []any) {
	return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", []any{table}
}

// Columns implements Dialect.
func (SQLite) Columns(table string) (string, []any) {
	return "SELECT name FROM pragma_table_info(?) ORDER BY cid", []any{table}
}

// Indexes implements Dialect.
func (SQLite) Indexes(table string) (string, []any) {
	return "SELECT name FROM pragma_index_list(?) WHERE origin = 'c'", []any{table}
}

// RebuildToAlter implements Dialect.
func (SQLite) RebuildToAlter() bool { return true }

// upsertExcluded writes the ON CONFLICT ... DO UPDATE form shared by SQLite and PostgreSQL.
func upsertExcluded(buf []byte, d Dialect, conflict, cols []string) []byte {
	buf = append(buf, " ON CONFLICT ("...)
	for i, c := range conflict {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = d.Quote(buf, c)
	}
	if len(cols) == 0 {
		return append(buf, ") DO NOTHING"...)
	}
	buf = append(buf, ") DO UPDATE SET "...)
	for i, c := range cols {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = d.Quote(buf, c)
		buf = append(buf, " = excluded."...)
		buf = d.Quote(buf, c)
	}
	return buf
}
