package orm

import (
	"context"
	"fmt"

	"github.com/gee-project/gee/orm/dialect"
	"github.com/gee-project/gee/orm/migrate"
	"github.com/gee-project/gee/orm/schema"
)

// CreateTable creates the Model's table and its indexes.
func (s *Session) CreateTable() error {
	defer s.reset()
	sch, err := s.needModel("CreateTable")
	if err != nil {
		return err
	}
	defer s.e.flushStatements()
	for _, q := range migrate.CreateTable(s.e.dialect, sch) {
		if _, err := s.exec(q, nil); err != nil {
			return s.fail("create table", q, err)
		}
	}
	return nil
}

// DropTable drops the Model's table if it exists.
func (s *Session) DropTable() error {
	defer s.reset()
	sch, err := s.needModel("DropTable")
	if err != nil {
		return err
	}
	defer s.e.flushStatements()
	q := "DROP TABLE IF EXISTS " + string(s.e.dialect.Quote(nil, sch.Table))
	if _, err := s.exec(q, nil); err != nil {
		return s.fail("drop table", q, err)
	}
	return nil
}

// HasTable reports whether the Model's table exists.
func (s *Session) HasTable() (bool, error) {
	defer s.reset()
	sch, err := s.needModel("HasTable")
	if err != nil {
		return false, err
	}
	return s.e.hasTable(s.ctx, sch.Table)
}

func (s *Session) needModel(op string) (*schema.Schema, error) {
	if err := s.takeErr(); err != nil {
		return nil, err
	}
	if s.sch == nil {
		return nil, fmt.Errorf("orm: %s needs Model", op)
	}
	return s.sch, schemaColumns(op, s.sch)
}

func (e *Engine) hasTable(ctx context.Context, table string) (bool, error) {
	q, args := e.dialect.TableExists(table)
	rows, err := e.db.QueryContext(ctx, q, args...)
	if err != nil {
		return false, &Error{Op: "has table", Table: table, SQL: q, Err: err}
	}
	defer rows.Close()
	ok := rows.Next()
	return ok, rows.Err()
}

// describe reads the current columns and indexes of a table.
func (e *Engine) describe(ctx context.Context, table string) (migrate.Table, error) {
	var t migrate.Table
	exists, err := e.hasTable(ctx, table)
	if err != nil || !exists {
		return t, err
	}
	t.Exists = true
	q, args := e.dialect.Columns(table)
	if t.Columns, err = e.strings(ctx, q, args); err != nil {
		return t, &Error{Op: "describe", Table: table, SQL: q, Err: err}
	}
	q, args = e.dialect.Indexes(table)
	if t.Indexes, err = e.strings(ctx, q, args); err != nil {
		return t, &Error{Op: "describe", Table: table, SQL: q, Err: err}
	}
	if err := e.describeColumns(ctx, table, &t); err != nil {
		return t, err
	}
	q = "SELECT 1 FROM " + dialect.QuoteString(e.dialect, table) + " LIMIT 1"
	rows, err := e.db.QueryContext(ctx, q)
	if err != nil {
		return t, &Error{Op: "describe", Table: table, SQL: q, Err: err}
	}
	t.HasRows = rows.Next()
	rows.Close()
	return t, rows.Err()
}

// describeColumns reads column types, nullability and single-column unique
// indexes when the dialect can.
func (e *Engine) describeColumns(ctx context.Context, table string, t *migrate.Table) error {
	d, ok := e.dialect.(dialect.Describer)
	if !ok {
		return nil
	}
	q, args := d.ColumnInfo(table)
	rows, err := e.db.QueryContext(ctx, q, args...)
	if err != nil {
		return &Error{Op: "describe", Table: table, SQL: q, Err: err}
	}
	t.Details = map[string]migrate.Column{}
	for rows.Next() {
		var name, typ string
		var nullable int
		if err := rows.Scan(&name, &typ, &nullable); err != nil {
			rows.Close()
			return &Error{Op: "describe", Table: table, SQL: q, Err: err}
		}
		t.Details[name] = migrate.Column{Type: typ, Nullable: nullable != 0}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return &Error{Op: "describe", Table: table, SQL: q, Err: err}
	}
	q, args = d.UniqueColumns(table)
	if rows, err = e.db.QueryContext(ctx, q, args...); err != nil {
		return &Error{Op: "describe", Table: table, SQL: q, Err: err}
	}
	defer rows.Close()
	t.Unique = map[string]string{}
	for rows.Next() {
		var index, col string
		if err := rows.Scan(&index, &col); err != nil {
			return &Error{Op: "describe", Table: table, SQL: q, Err: err}
		}
		t.Unique[col] = index
	}
	return rows.Err()
}

func (e *Engine) strings(ctx context.Context, q string, args []any) ([]string, error) {
	rows, err := e.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// MigrationPlan compares model's struct with its table and returns the plan
// that would align them. By default it only creates tables and adds columns
// and indexes; drops and renames need migrate.DropColumns,
// migrate.DropUnknownColumns or migrate.RenameColumn. Print it, then pass it
// to ApplyMigration.
func (e *Engine) MigrationPlan(ctx context.Context, model any, opts ...migrate.Option) (*migrate.Plan, error) {
	sch, err := schema.Parse(model)
	if err == nil {
		err = schemaColumns("migrate", sch)
	}
	if err != nil {
		return nil, err
	}
	cur, err := e.describe(ctx, sch.Table)
	if err != nil {
		return nil, err
	}
	return migrate.Diff(e.dialect, sch, cur, opts...)
}

// ApplyMigration runs a plan's statements in one transaction (PostgreSQL and
// SQLite roll DDL back on failure; MySQL commits DDL implicitly).
func (e *Engine) ApplyMigration(ctx context.Context, p *migrate.Plan) error {
	if p.Empty() {
		return nil
	}
	defer e.flushStatements() // prepared statements may describe the old table
	return e.Transaction(ctx, func(s *Session) error {
		for _, q := range p.Statements() {
			if _, err := s.q.ExecContext(ctx, q); err != nil {
				return &Error{Op: "migrate", Table: p.Table, SQL: q, Err: err}
			}
		}
		return nil
	})
}

// Migrate is AutoMigrate without the report; differences it leaves alone
// are logged at Warn when the engine has a logger.
func (e *Engine) Migrate(ctx context.Context, models ...any) error {
	skipped, err := e.AutoMigrate(ctx, models...)
	if e.log != nil {
		for _, p := range skipped {
			for _, st := range p.Steps {
				e.log.WarnContext(ctx, "orm: migrate left a difference alone", "table", p.Table,
					"step", string(st.Kind), "target", st.Target, "detail", st.Detail)
			}
		}
	}
	return err
}

// AutoMigrate creates each model's table, or adds its missing columns and
// indexes. It never drops, renames or alters: it returns, per table with
// any, the differences it left alone (columns the struct lacks, and
// columns whose type, size, nullability or uniqueness differ) as
// informational plan steps. Use MigrationPlan with migrate options to
// apply those.
func (e *Engine) AutoMigrate(ctx context.Context, models ...any) ([]*migrate.Plan, error) {
	var skipped []*migrate.Plan
	for _, m := range models {
		p, err := e.MigrationPlan(ctx, m)
		if err != nil {
			return skipped, err
		}
		left := &migrate.Plan{Table: p.Table}
		for _, st := range p.Steps {
			if st.Informational() {
				left.Steps = append(left.Steps, st)
			}
		}
		if len(left.Steps) > 0 {
			skipped = append(skipped, left)
		}
		if err := e.ApplyMigration(ctx, p); err != nil {
			return skipped, err
		}
	}
	return skipped, nil
}
