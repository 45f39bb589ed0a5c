package orm_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// DSNs of this test run: each run works in its own PostgreSQL schema and
// MySQL database, so a developer's run and CI's on the same servers do not
// drop each other's tables.
var postgresDSN, mysqlDSN string

func TestMain(m *testing.M) {
	run := fmt.Sprintf("orm_run_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	var cleanup []func()
	if dsn := os.Getenv("ORM_TEST_POSTGRES_DSN"); dsn != "" {
		postgresDSN, cleanup = isolatePostgres(dsn, run, cleanup)
	}
	if dsn := os.Getenv("ORM_TEST_MYSQL_DSN"); dsn != "" {
		mysqlDSN, cleanup = isolateMySQL(dsn, run, cleanup)
	}
	code := m.Run()
	for _, c := range cleanup {
		c()
	}
	os.Exit(code)
}

// isolatePostgres creates schema run and returns a DSN whose search_path is
// it. A DSN that is not a URL is used as is.
func isolatePostgres(dsn, run string, cleanup []func()) (string, []func()) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn, cleanup
	}
	if !execOn("pgx", dsn, "CREATE SCHEMA "+run) {
		return dsn, cleanup
	}
	q := u.Query()
	q.Set("search_path", run)
	u.RawQuery = q.Encode()
	return u.String(), append(cleanup, func() { execOn("pgx", dsn, "DROP SCHEMA "+run+" CASCADE") })
}

// isolateMySQL creates database run and returns a DSN using it.
func isolateMySQL(dsn, run string, cleanup []func()) (string, []func()) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil || !execOn("mysql", dsn, "CREATE DATABASE "+run) {
		return dsn, cleanup
	}
	cfg.DBName = run
	return cfg.FormatDSN(), append(cleanup, func() { execOn("mysql", dsn, "DROP DATABASE "+run) })
}

func execOn(driver, dsn, stmt string) bool {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return false
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		fmt.Fprintf(os.Stderr, "orm tests: %s: %v (using the DSN's own schema)\n", stmt, err)
		return false
	}
	return true
}
