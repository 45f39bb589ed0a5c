package ormbench

import (
	"database/sql"

	"gorm.io/gorm"
	"gorm.io/gorm/callbacks"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/migrator"
	"gorm.io/gorm/schema"
)

// gormSQLite is a minimal gorm dialector over an existing modernc *sql.DB.
// glebarez/sqlite cannot be linked next to modernc.org/sqlite: both register
// the database/sql driver name "sqlite". Its callback setup mirrors the
// glebarez dialector for SQLite >= 3.35 (RETURNING), so gorm does the same
// work it does in production.
type gormSQLite struct{ db *sql.DB }

func (gormSQLite) Name() string { return "sqlite" }

func (d gormSQLite) Initialize(db *gorm.DB) error {
	db.ConnPool = d.db
	callbacks.RegisterDefaultCallbacks(db, &callbacks.Config{
		CreateClauses:        []string{"INSERT", "VALUES", "ON CONFLICT", "RETURNING"},
		UpdateClauses:        []string{"UPDATE", "SET", "FROM", "WHERE", "RETURNING"},
		DeleteClauses:        []string{"DELETE", "FROM", "WHERE", "RETURNING"},
		LastInsertIDReversed: true,
	})
	return nil
}

func (d gormSQLite) Migrator(db *gorm.DB) gorm.Migrator {
	return migrator.Migrator{Config: migrator.Config{DB: db, Dialector: d}}
}

func (gormSQLite) DataTypeOf(f *schema.Field) string {
	switch f.DataType {
	case schema.Bool, schema.Int, schema.Uint:
		return "integer"
	case schema.Float:
		return "real"
	case schema.Time:
		return "datetime"
	case schema.Bytes:
		return "blob"
	}
	return "text"
}

func (gormSQLite) DefaultValueOf(*schema.Field) clause.Expression {
	return clause.Expr{SQL: "NULL"}
}

func (gormSQLite) BindVarTo(w clause.Writer, _ *gorm.Statement, _ any) { _ = w.WriteByte('?') }

func (gormSQLite) QuoteTo(w clause.Writer, s string) {
	_ = w.WriteByte('`')
	_, _ = w.WriteString(s)
	_ = w.WriteByte('`')
}

func (gormSQLite) Explain(sql string, vars ...any) string {
	return logger.ExplainSQL(sql, nil, `"`, vars...)
}
