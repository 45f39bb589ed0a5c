package dialect

import "github.com/gee-project/gee/orm/schema"

// MySQL is the dialect of MySQL and MariaDB (go-sql-driver/mysql).
type MySQL struct{}

// Name implements Dialect.
func (MySQL) Name() string { return "mysql" }

// Quote implements Dialect.
func (MySQL) Quote(buf []byte, ident string) []byte { return quoteWith(buf, ident, '`') }

// Placeholder implements Dialect.
func (MySQL) Placeholder(buf []byte, _ int) []byte { return append(buf, '?') }

// ColumnType implements Dialect. Unsized strings are LONGTEXT unless the
// column is keyed, where MySQL needs a bounded VARCHAR.
func (MySQL) ColumnType(f *schema.Field) string {
	if f.SQLType != "" {
		return f.SQLType
	}
	switch f.SQLKind() {
	case schema.KindBool:
		return "BOOLEAN"
	case schema.KindInt32:
		return "INT"
	case schema.KindInt64:
		return "BIGINT"
	case schema.KindFloat32:
		return "FLOAT"
	case schema.KindFloat64:
		return "DOUBLE"
	case schema.KindString:
		if f.PrimaryKey || f.Unique || f.IndexName != "" {
			return stringType(f, "VARCHAR(255)")
		}
		return stringType(f, "LONGTEXT")
	case schema.KindBytes:
		return "LONGBLOB"
	case schema.KindTime:
		return "DATETIME(6)"
	}
	return "LONGTEXT"
}

// AutoIncrement implements Dialect.
func (d MySQL) AutoIncrement(f *schema.Field) string {
	return d.ColumnType(f) + " NOT NULL AUTO_INCREMENT PRIMARY KEY"
}

// Returning implements Dialect.
func (MySQL) Returning() bool { return false }

// Upsert implements Dialect. The conflict target is implied by the keys.
func (d MySQL) Upsert(buf []byte, conflict, cols []string) []byte {
	buf = append(buf, " ON DUPLICATE KEY UPDATE "...)
	if len(cols) == 0 { // no-op update keeps the row, like DO NOTHING
		cols = conflict[:1]
	}
	for i, c := range cols {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = d.Quote(buf, c)
		buf = append(buf, " = VALUES("...)
		buf = d.Quote(buf, c)
		buf = append(buf, ')')
	}
	return buf
}

// MaxParams implements Dialect.
func (MySQL) MaxParams() int { return 65535 }

// TableExists implements Dialect.
func (MySQL) TableExists(table string) (string, []any) {
	return "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", []any{table}
}

// Columns implements Dialect.
func (MySQL) Columns(table string) (string, []any) {
	return "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position", []any{table}
}

// Indexes implements Dialect.
func (MySQL) Indexes(table string) (string, []any) {
	return "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY'", []any{table}
}

// RebuildToAlter implements Dialect.
func (MySQL) RebuildToAlter() bool { return false }

// UpsertKey is Upsert that also makes LastInsertId report the key of a row
// updated (or kept) on conflict: key = LAST_INSERT_ID(key) comes first in
// the update list, MySQL's documented way to return the existing row's id.
func (d MySQL) UpsertKey(buf []byte, key string, cols []string) []byte {
	buf = append(buf, " ON DUPLICATE KEY UPDATE "...)
	buf = d.Quote(buf, key)
	buf = append(buf, " = LAST_INSERT_ID("...)
	buf = d.Quote(buf, key)
	buf = append(buf, ')')
	for _, c := range cols {
		buf = append(buf, ", "...)
		buf = d.Quote(buf, c)
		buf = append(buf, " = VALUES("...)
		buf = d.Quote(buf, c)
		buf = append(buf, ')')
	}
	return buf
}
