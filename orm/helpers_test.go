package orm_test

import (
	"context"
	"path/filepath"
	"testing"

	_ "github.com/gee-project/gee/orm/driver/mysql"
	_ "github.com/gee-project/gee/orm/driver/postgres"

	"github.com/gee-project/gee/orm"
)

// target is one database the suite runs against.
type target struct {
	name   string
	engine *orm.Engine
}

// targets opens SQLite always, and PostgreSQL / MariaDB when their DSNs are
// set. Engines close at test end.
func targets(t *testing.T, opts ...orm.Option) []target {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	dsns := []struct{ name, driver, dsn string }{
		{"sqlite", "sqlite", "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate"},
		{"postgres", "pgx", postgresDSN},
		{"mysql", "mysql", mysqlDSN},
	}
	var out []target
	for _, d := range dsns {
		if d.dsn == "" {
			continue
		}
		e, err := orm.Open(d.driver, d.dsn, opts...)
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		t.Cleanup(func() { e.Close() })
		out = append(out, target{d.name, e})
	}
	return out
}

// each runs fn as a subtest per database, with model tables freshly created
// and dropped afterwards.
func each(t *testing.T, fn func(t *testing.T, e *orm.Engine), models ...any) {
	t.Helper()
	for _, tg := range targets(t) {
		t.Run(tg.name, func(t *testing.T) {
			fresh(t, tg.engine, models...)
			fn(t, tg.engine)
		})
	}
}

// fresh (re)creates the tables of models and drops them at cleanup.
func fresh(t *testing.T, e *orm.Engine, models ...any) {
	t.Helper()
	ctx := context.Background()
	for _, m := range models {
		s := e.NewSession(ctx)
		if err := s.Model(m).DropTable(); err != nil {
			t.Fatal(err)
		}
		if err := s.Model(m).CreateTable(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.NewSession(context.Background()).Model(m).DropTable() })
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
