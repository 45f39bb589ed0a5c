// Package ormbench compares GeeORM with raw database/sql, sqlx, gorm, bun and
// xorm on SQLite (modernc, pure Go) and PostgreSQL (pgx stdlib).
//
//	cd bench && go run ./cmd/compare -bench ORM -pkgs ./orm/...
//
// PostgreSQL cases run when ORM_TEST_POSTGRES_DSN (or ORM_BENCH_POSTGRES_DSN)
// is set.
package ormbench

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"xorm.io/xorm"
	xormcore "xorm.io/xorm/core"
	xormlog "xorm.io/xorm/log"

	"github.com/gee-project/gee/orm"
	"github.com/gee-project/gee/orm/dialect"
	_ "modernc.org/sqlite"
)

type database struct {
	name string
	dsn  string
	db   *sql.DB
	pg   bool
}

const ddlSQLite = `CREATE TABLE bench_user (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
	email TEXT NOT NULL, age INTEGER NOT NULL, created_at DATETIME NOT NULL)`

const ddlPostgres = `CREATE TABLE bench_user (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL,
	email TEXT NOT NULL, age BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL)`

func databases(b testing.TB) []database {
	// In memory, one connection: measures library overhead, not disk noise.
	liteDSN := "file:bench?mode=memory"
	lite, err := sql.Open("sqlite", liteDSN)
	if err != nil {
		b.Fatal(err)
	}
	lite.SetMaxOpenConns(1)
	b.Cleanup(func() { lite.Close() })
	dbs := []database{{"sqlite", liteDSN, lite, false}}
	dsn := os.Getenv("ORM_BENCH_POSTGRES_DSN")
	if dsn == "" {
		dsn = os.Getenv("ORM_TEST_POSTGRES_DSN")
	}
	if dsn != "" {
		// Commits without waiting for fsync: the disk's flush latency would
		// otherwise dominate (and add noise to) every write case.
		pg, err := sql.Open("pgx", addParam(dsn, "synchronous_commit=off"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { pg.Close() })
		dbs = append(dbs, database{"postgres", dsn, pg, true})
	}
	return dbs
}

type named struct {
	name string
	impl impl
}

// impls builds every library over the same pool.
func impls(b testing.TB, d database) []named {
	raw := newRaw(d.db, d.pg)
	var gdial gorm.Dialector = gormSQLite{d.db}
	var bdial = bun.NewDB(d.db, sqlitedialect.New())
	drv, gd := "sqlite", dialect.Dialect(dialect.SQLite{})
	if d.pg {
		gdial = postgres.New(postgres.Config{Conn: d.db})
		bdial = bun.NewDB(d.db, pgdialect.New())
		drv, gd = "pgx", dialect.Postgres{}
	}
	quiet := logger.Default.LogMode(logger.Silent)
	gdef, err := gorm.Open(gdial, &gorm.Config{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	gtuned, err := gorm.Open(gdial, &gorm.Config{Logger: quiet, PrepareStmt: true, SkipDefaultTransaction: true})
	if err != nil {
		b.Fatal(err)
	}
	xe, err := xorm.NewEngineWithDB(drv, d.dsn, xormcore.FromDB(d.db))
	if err != nil {
		b.Fatal(err)
	}
	xe.SetLogLevel(xormlog.LOG_OFF)
	gee := orm.New(d.db, gd)
	return []named{
		{"raw", raw}, {"gee", geeImpl{gee}}, {"sqlx", sqlxImpl{sqlx.NewDb(d.db, drvName(d.pg)), raw}},
		{"gorm", gormImpl{gdef}}, {"gorm-tuned", gormImpl{gtuned}}, {"bun", bunImpl{bdial}}, {"xorm", xormImpl{xe}},
	}
}

func drvName(pg bool) string {
	if pg {
		return "pgx"
	}
	return "sqlite"
}

// reset recreates bench_user with 100 rows.
func reset(b testing.TB, d database) {
	ctx := context.Background()
	ddl := ddlSQLite
	if d.pg {
		ddl = ddlPostgres
	}
	for _, q := range []string{"DROP TABLE IF EXISTS bench_user", ddl} {
		if _, err := d.db.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	if err := newRaw(d.db, d.pg).insertMany(ctx, 100); err != nil {
		b.Fatal(err)
	}
	if d.pg {
		// Flush the previous case's writes now, so its checkpoint and WAL
		// work does not land on whichever library runs next.
		if _, err := d.db.ExecContext(ctx, "CHECKPOINT"); err != nil {
			b.Logf("CHECKPOINT: %v (needs superuser; results may be noisier)", err)
		}
	}
}

func BenchmarkORM(b *testing.B) {
	ctx := context.Background()
	type op struct {
		name string
		run  func(im impl, i int) error
	}
	ops := []op{
		{"insert-one", func(im impl, i int) error { return im.insertOne(ctx, i) }},
		{"insert-100", func(im impl, i int) error { return im.insertMany(ctx, 100) }},
		{"update-one", func(im impl, i int) error { return im.updateOne(ctx, int64(i%100+1), i) }},
		{"read-one", func(im impl, i int) error { return im.readOne(ctx, int64(i%100+1)) }},
		{"read-100", func(im impl, i int) error { return im.readMany(ctx, 100) }},
	}
	for _, d := range databases(b) {
		list := impls(b, d)
		for _, o := range ops {
			for _, im := range list {
				b.Run(d.name+"-"+o.name+"/"+im.name, func(b *testing.B) {
					reset(b, d)
					loop(b, func(i int) error { return o.run(im.impl, i) })
				})
			}
		}
	}
	dropBench(b)
}

func dropBench(b *testing.B) {
	for _, d := range databases(b) {
		_, _ = d.db.Exec("DROP TABLE IF EXISTS bench_user")
	}
}

// TestImplsWork runs every operation of every library once, so a broken
// comparison fails loudly instead of benchmarking errors.
func TestImplsWork(t *testing.T) {
	ctx := context.Background()
	for _, d := range databases(t) {
		for _, im := range impls(t, d) {
			reset(t, d)
			for name, err := range map[string]error{
				"insert-one": im.impl.insertOne(ctx, 1), "insert-100": im.impl.insertMany(ctx, 100),
				"update-one": im.impl.updateOne(ctx, 3, 1), "read-one": im.impl.readOne(ctx, 3),
				"read-100": im.impl.readMany(ctx, 100),
			} {
				if err != nil {
					t.Errorf("%s %s %s: %v", d.name, im.name, name, err)
				}
			}
		}
		_, _ = d.db.Exec("DROP TABLE IF EXISTS bench_user")
	}
}

func addParam(dsn, p string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + p
	}
	return dsn + "?" + p
}
