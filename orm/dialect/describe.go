package dialect

import (
	"regexp"
	"strings"
)

// Describer reads the column details migrations compare with a struct.
// Every built-in dialect implements it.
type Describer interface {
	// ColumnInfo returns a query yielding name, type and nullable (1 or 0)
	// for each column of table.
	ColumnInfo(table string) (string, []any)
	// UniqueColumns returns a query yielding index name and column of each
	// single-column unique index or constraint of table, primary key aside.
	UniqueColumns(table string) (string, []any)
	// NormType returns a type in the spelling the catalog reports, so a
	// declared type and an existing one compare equal when they are the same.
	NormType(sqlType string) string
}

// ColumnInfo implements Describer.
func (SQLite) ColumnInfo(table string) (string, []any) {
	return `SELECT name, type, CASE WHEN "notnull" = 1 OR pk > 0 THEN 0 ELSE 1 END FROM pragma_table_info(?) ORDER BY cid`, []any{table}
}

// UniqueColumns implements Describer.
func (SQLite) UniqueColumns(table string) (string, []any) {
	return `SELECT il.name, ii.name FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii
		WHERE il."unique" = 1 AND il.origin <> 'pk' AND (SELECT COUNT(*) FROM pragma_index_info(il.name)) = 1`, []any{table}
}

// NormType implements Describer: SQLite keeps the declared text.
func (SQLite) NormType(t string) string { return strings.ToUpper(strings.Join(strings.Fields(t), " ")) }

const pgSchema = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"

// ColumnInfo implements Describer.
func (Postgres) ColumnInfo(table string) (string, []any) {
	return `SELECT a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 0 ELSE 1 END
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relname = $1 AND c.relnamespace = ` + pgSchema + ` AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, []any{table}
}

// UniqueColumns implements Describer.
func (Postgres) UniqueColumns(table string) (string, []any) {
	return `SELECT ic.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
		WHERE c.relname = $1 AND c.relnamespace = ` + pgSchema + ` AND i.indisunique AND NOT i.indisprimary AND i.indnatts = 1`, []any{table}
}

var pgTypes = map[string]string{
	"bigint": "bigint", "int8": "bigint", "bigserial": "bigint",
	"integer": "integer", "int": "integer", "int4": "integer", "serial": "integer",
	"smallint": "smallint", "int2": "smallint",
	"text": "text", "boolean": "boolean", "bool": "boolean", "bytea": "bytea",
	"double precision": "double precision", "float8": "double precision",
	"real": "real", "float4": "real",
	"timestamptz": "timestamp with time zone", "timestamp with time zone": "timestamp with time zone",
	"timestamp": "timestamp without time zone", "timestamp without time zone": "timestamp without time zone",
	"date": "date", "jsonb": "jsonb", "json": "json", "uuid": "uuid",
}

var sizedType = regexp.MustCompile(`^([a-z ]+?)\s*\((\d+)\)$`)

// NormType implements Describer, mapping to format_type's spelling.
func (Postgres) NormType(t string) string {
	t = strings.ToLower(strings.Join(strings.Fields(t), " "))
	if n, ok := pgTypes[t]; ok {
		return n
	}
	if m := sizedType.FindStringSubmatch(t); m != nil {
		switch m[1] {
		case "varchar", "character varying":
			return "character varying(" + m[2] + ")"
		case "char", "character":
			return "character(" + m[2] + ")"
		}
	}
	return t
}

// ColumnInfo implements Describer.
func (MySQL) ColumnInfo(table string) (string, []any) {
	return `SELECT column_name, column_type, CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END
		FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position`, []any{table}
}

// UniqueColumns implements Describer.
func (MySQL) UniqueColumns(table string) (string, []any) {
	return `SELECT index_name, MIN(column_name) FROM information_schema.statistics
		WHERE table_schema = DATABASE() AND table_name = ? AND non_unique = 0 AND index_name <> 'PRIMARY'
		GROUP BY index_name HAVING COUNT(*) = 1`, []any{table}
}

var intWidth = regexp.MustCompile(`^(bigint|int|integer|mediumint|smallint)\(\d+\)`)

// NormType implements Describer: lower case, integer display widths
// (MariaDB's bigint(20)) dropped, BOOLEAN as tinyint(1).
func (MySQL) NormType(t string) string {
	t = strings.ToLower(strings.Join(strings.Fields(t), " "))
	switch t {
	case "boolean", "bool":
		return "tinyint(1)"
	case "integer":
		return "int"
	}
	if strings.HasPrefix(t, "integer(") {
		t = "int" + t[len("integer"):]
	}
	return intWidth.ReplaceAllString(t, "$1")
}
