// Package dialect holds what differs between SQL databases: type mapping,
// identifier quoting, placeholders, key generation, upsert syntax and catalog
// queries. Dialects are registered under database/sql driver names.
package dialect

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/gee-project/gee/orm/schema"
)

// Dialect describes one SQL database flavour.
type Dialect interface {
	// Name is a short identifier: "sqlite", "postgres" or "mysql".
	Name() string
	// Quote appends ident quoted as an identifier.
	Quote(buf []byte, ident string) []byte
	// Placeholder appends the n-th (1-based) bind placeholder.
	Placeholder(buf []byte, n int) []byte
	// ColumnType returns the SQL type of a field, without constraints.
	ColumnType(f *schema.Field) string
	// AutoIncrement returns the column definition tail for an
	// auto-increment primary key, which replaces type and constraints.
	AutoIncrement(f *schema.Field) string
	// Returning reports whether generated keys come back through RETURNING
	// (true) or LastInsertId (false).
	Returning() bool
	// Upsert appends the conflict clause updating cols from the proposed row.
	Upsert(buf []byte, conflict, cols []string) []byte
	// MaxParams is the number of bind parameters one statement may carry.
	MaxParams() int
	// TableExists returns a query yielding one row when table exists.
	TableExists(table string) (string, []any)
	// Columns returns a query yielding the table's column names, one per row.
	Columns(table string) (string, []any)
	// Indexes returns a query yielding the table's index names, one per row.
	Indexes(table string) (string, []any)
	// RebuildToAlter reports whether dropping columns or adding constrained
	// ones needs a table rebuild (SQLite).
	RebuildToAlter() bool
}

var (
	mu       sync.RWMutex
	registry = map[string]Dialect{}
)

// Register makes d available for the database/sql driver named driverName.
func Register(driverName string, d Dialect) {
	mu.Lock()
	defer mu.Unlock()
	registry[driverName] = d
}

// Get returns the dialect registered for driverName.
func Get(driverName string) (Dialect, error) {
	mu.RLock()
	defer mu.RUnlock()
	if d, ok := registry[driverName]; ok {
		return d, nil
	}
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("dialect: no dialect for driver %q (known: %s)", driverName, strings.Join(names, ", "))
}

func init() {
	Register("sqlite", SQLite{})
	Register("sqlite3", SQLite{})
	Register("pgx", Postgres{})
	Register("postgres", Postgres{})
	Register("mysql", MySQL{})
}

// QuoteString returns ident quoted by d.
func QuoteString(d Dialect, ident string) string { return string(d.Quote(nil, ident)) }

func quoteWith(buf []byte, ident string, q byte) []byte {
	buf = append(buf, q)
	for i := 0; i < len(ident); i++ {
		if ident[i] == q {
			buf = append(buf, q)
		}
		buf = append(buf, ident[i])
	}
	return append(buf, q)
}

func stringType(f *schema.Field, unsized string) string {
	if f.Size > 0 {
		return "VARCHAR(" + itoa(f.Size) + ")"
	}
	return unsized
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func appendInt(buf []byte, n int) []byte {
	if n < 10 {
		return append(buf, byte('0'+n))
	}
	return append(buf, itoa(n)...)
}

// KeyUpserter is implemented by dialects without RETURNING whose upsert can
// still report the key of the affected row through LastInsertId (MySQL).
type KeyUpserter interface {
	UpsertKey(buf []byte, key string, cols []string) []byte
}
