package dialect

import "github.com/gee-project/gee/orm/schema"

// Postgres is the dialect of PostgreSQL (pgx stdlib driver).
type Postgres struct{}

// Name implements Dialect.
func (Postgres) Name() string { return "postgres" }

// Quote implements Dialect.
func (Postgres) Quote(buf []byte, ident string) []byte { return quoteWith(buf, ident, '"') }

// Placeholder implements Dialect.
func (Postgres) Placeholder(buf []byte, n int) []byte { return appendInt(append(buf, '$'), n) }

// ColumnType implements Dialect.
func (Postgres) ColumnType(f *schema.Field) string {
	if f.SQLType != "" {
		return f.SQLType
	}
	switch f.SQLKind() {
	case schema.KindBool:
		return "BOOLEAN"
	case schema.KindInt32:
		return "INTEGER"
	case schema.KindInt64:
		return "BIGINT"
	case schema.KindFloat32:
		return "REAL"
	case schema.KindFloat64:
		return "DOUBLE PRECISION"
	case schema.KindString:
		return stringType(f, "TEXT")
	case schema.KindBytes:
		return "BYTEA"
	case schema.KindTime:
		return "TIMESTAMPTZ"
	}
	return "TEXT"
}

// AutoIncrement implements Dialect.
func (Postgres) AutoIncrement(f *schema.Field) string {
	if f.SQLKind() == schema.KindInt32 {
		return "SERIAL PRIMARY KEY"
	}
	return "BIGSERIAL PRIMARY KEY"
}

// Returning implements Dialect.
func (Postgres) Returning() bool { return true }

// Upsert implements Dialect.
func (d Postgres) Upsert(buf []byte, conflict, cols []string) []byte {
	return upsertExcluded(buf, d, conflict, cols)
}

// MaxParams implements Dialect.
func (Postgres) MaxParams() int { return 65535 }

// TableExists implements Dialect.
func (Postgres) TableExists(table string) (string, []any) {
	return "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1", []any{table}
}

// Columns implements Dialect.
func (Postgres) Columns(table string) (string, []any) {
	return "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position", []any{table}
}

// Indexes implements Dialect.
func (Postgres) Indexes(table string) (string, []any) {
	return "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1", []any{table}
}

// RebuildToAlter implements Dialect.
func (Postgres) RebuildToAlter() bool { return false }
