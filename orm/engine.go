// Package orm maps Go structs to tables over database/sql on SQLite,
// PostgreSQL and MySQL/MariaDB: a chainable, context-aware session API with
// hooks, transactions with savepoints, and migrations.
//
// Values always travel as bind arguments. Where, And and Or take SQL text
// with ? placeholders plus separate arguments: never build that text from
// user input.
package orm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gee-project/gee/orm/dialect"

	_ "modernc.org/sqlite" // the default, embedded, pure-Go SQLite driver
)

// Engine is a connection pool with its dialect, statement cache and logger.
// It is safe for concurrent use; sessions are not.
type Engine struct {
	db *sql.DB
	// wdb, when set, is a one-connection pool that runs every write and
	// transaction (SQLite files: one writer, many readers, no lock fights).
	wdb     *sql.DB
	wstmts  *stmtCache
	dialect dialect.Dialect
	stmts   *stmtCache
	log     *slog.Logger
	slow    time.Duration
	texts   sqlTexts
	// timeText stores times as SQLiteTimeLayout text (SQLite has no time type).
	timeText bool
}

// Option configures an Engine.
type Option func(*config)

type config struct {
	logger      *slog.Logger
	slow        time.Duration
	stmtCache   int8 // 0 = dialect default, 1 = on, -1 = off
	noStmtCache bool
	stmtCap     int
	interpolate bool
	pool        *Pool
}

// Pool sets database/sql connection pool limits. Zero fields keep
// database/sql's defaults (unlimited open connections, 2 idle, no
// lifetime limits).
type Pool struct {
	MaxOpenConns    int           // connections open at once (in use + idle)
	MaxIdleConns    int           // idle connections kept
	ConnMaxLifetime time.Duration // close connections older than this
	ConnMaxIdleTime time.Duration // close connections idle longer than this
}

// WithPool sets the pool limits of the engine's pool. On a SQLite file
// engine they apply to the reader pool (the writer is always one
// connection); a SQLite :memory: engine stays at one connection and rejects
// MaxOpenConns above 1.
func WithPool(p Pool) Option { return func(c *config) { c.pool = &p } }

func (p *Pool) apply(db *sql.DB) {
	if p == nil {
		return
	}
	if p.MaxOpenConns > 0 {
		db.SetMaxOpenConns(p.MaxOpenConns)
	}
	if p.MaxIdleConns > 0 {
		db.SetMaxIdleConns(p.MaxIdleConns)
	}
	if p.ConnMaxLifetime > 0 {
		db.SetConnMaxLifetime(p.ConnMaxLifetime)
	}
	if p.ConnMaxIdleTime > 0 {
		db.SetConnMaxIdleTime(p.ConnMaxIdleTime)
	}
}

func (p *Pool) check() error {
	if p != nil && (p.MaxOpenConns < 0 || p.MaxIdleConns < 0 || p.ConnMaxLifetime < 0 || p.ConnMaxIdleTime < 0) {
		return fmt.Errorf("orm: WithPool(%+v): negative limit", *p)
	}
	return nil
}

// WithLogger logs statements through l: errors at Error, statements slower
// than the slow-query threshold at Warn, every statement with its arguments
// at Debug.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithSlowThreshold sets the duration above which a statement logs at Warn.
func WithSlowThreshold(d time.Duration) Option { return func(c *config) { c.slow = d } }

// WithoutStatementCache executes every statement unprepared.
func WithoutStatementCache() Option { return func(c *config) { c.stmtCache = -1 } }

// WithStatementCache turns the prepared-statement cache on. It is on by
// default except on PostgreSQL, where pgx already prepares and caches every
// statement per connection (and going through sql.Stmt only adds work); use
// this with a PostgreSQL driver that does not.
func WithStatementCache() Option { return func(c *config) { c.stmtCache = 1 } }

// WithStatementCacheSize bounds the number of cached prepared statements
// (default 512); statements beyond it run unprepared.
func WithStatementCacheSize(n int) Option { return func(c *config) { c.stmtCap = n } }

// WithInterpolation makes the MySQL driver inline escaped arguments into the
// statement client-side (interpolateParams=true), saving the prepare round
// trip, and turns the statement cache off. Only valid with Open on "mysql".
func WithInterpolation() Option { return func(c *config) { c.interpolate = true } }

// Open opens a pool for a database/sql driver and picks the dialect
// registered under the driver's name ("sqlite", "pgx", "mysql").
func Open(driverName, dsn string, opts ...Option) (*Engine, error) {
	d, err := dialect.Get(driverName)
	if err != nil {
		return nil, err
	}
	if err := driverRegistered(driverName); err != nil {
		return nil, err
	}
	c := newConfig(opts)
	if err := c.pool.check(); err != nil {
		return nil, err
	}
	if c.interpolate {
		if d.Name() != "mysql" {
			return nil, fmt.Errorf("orm: WithInterpolation needs the mysql driver, not %q", driverName)
		}
		dsn = addDSNParam(dsn, "interpolateParams=true")
	}
	if d.Name() == "sqlite" && !isMemoryDSN(dsn) {
		return openSQLiteFile(driverName, sqliteDSN(dsn), d, c)
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("orm: open %s: %w", driverName, err)
	}
	if d.Name() == "sqlite" {
		if c.pool != nil && c.pool.MaxOpenConns > 1 {
			db.Close()
			return nil, fmt.Errorf("orm: WithPool: MaxOpenConns %d on SQLite %q: each connection would see its own empty in-memory database", c.pool.MaxOpenConns, dsn)
		}
		c.pool.apply(db)
		db.SetMaxOpenConns(1) // every connection would get its own empty database
	} else {
		c.pool.apply(db)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("orm: connect %s: %w", driverName, err)
	}
	return newEngine(db, d, c), nil
}

// openSQLiteFile opens a reader pool and a one-connection writer pool on the
// same file.
func openSQLiteFile(driverName, dsn string, d dialect.Dialect, c config) (*Engine, error) {
	w, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("orm: open %s: %w", driverName, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.Ping(); err != nil { // creates the file and switches it to WAL first
		w.Close()
		return nil, fmt.Errorf("orm: connect %s: %w", driverName, err)
	}
	r, err := sql.Open(driverName, dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("orm: open %s: %w", driverName, err)
	}
	r.SetMaxOpenConns(sqliteReaders)
	r.SetMaxIdleConns(sqliteReaders)
	c.pool.apply(r)
	e := newEngine(r, d, c)
	e.wdb = w
	if e.stmts != nil {
		e.wstmts = newStmtCache(w, c.stmtCap)
	}
	return e, nil
}

// sqliteReaders bounds the reader pool of a SQLite file engine.
const sqliteReaders = 8

// sqliteDSN adds the settings a file database needs for concurrent use,
// unless the DSN sets them already: WAL (readers never block the writer),
// a busy timeout (wait instead of SQLITE_BUSY), BEGIN IMMEDIATE (a
// transaction takes the write lock up front, so read-modify-write cannot
// fail on upgrade) and synchronous=NORMAL (durable across crashes in WAL).
func sqliteDSN(dsn string) string {
	for _, p := range []struct{ has, add string }{
		{"journal_mode", "_pragma=journal_mode(WAL)"},
		{"busy_timeout", "_pragma=busy_timeout(10000)"},
		{"_txlock", "_txlock=immediate"},
		{"synchronous", "_pragma=synchronous(NORMAL)"},
	} {
		if !strings.Contains(dsn, p.has) {
			dsn = addDSNParam(dsn, p.add)
		}
	}
	return dsn
}

// New wraps an open pool. The caller keeps ownership of db's settings
// (WithPool is applied to db if given; a negative limit in it is ignored);
// Close closes it.
func New(db *sql.DB, d dialect.Dialect, opts ...Option) *Engine {
	c := newConfig(opts)
	if c.pool.check() == nil {
		c.pool.apply(db)
	}
	return newEngine(db, d, c)
}

func newConfig(opts []Option) config {
	c := config{stmtCap: 512}
	for _, o := range opts {
		o(&c)
	}
	if c.interpolate {
		c.noStmtCache = true
	}
	return c
}

func newEngine(db *sql.DB, d dialect.Dialect, c config) *Engine {
	e := &Engine{db: db, dialect: d, log: c.logger, slow: c.slow, timeText: d.Name() == "sqlite"}
	cache := c.stmtCache > 0 || (c.stmtCache == 0 && d.Name() != "postgres")
	if cache && !c.noStmtCache && c.stmtCap > 0 {
		e.stmts = newStmtCache(db, c.stmtCap)
	}
	return e
}

func isMemoryDSN(dsn string) bool {
	return dsn == ":memory:" || strings.HasPrefix(dsn, ":memory:?") ||
		(strings.Contains(dsn, "mode=memory") && !strings.Contains(dsn, "cache=shared"))
}

func addDSNParam(dsn, p string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + p
	}
	return dsn + "?" + p
}

// DB returns the underlying pool.
func (e *Engine) DB() *sql.DB { return e.db }

// Dialect returns the engine's dialect.
func (e *Engine) Dialect() dialect.Dialect { return e.dialect }

// Close closes cached statements and the pool.
func (e *Engine) Close() error {
	if e.stmts != nil {
		e.stmts.close()
	}
	if e.wstmts != nil {
		e.wstmts.close()
	}
	err := e.db.Close()
	if e.wdb != nil {
		err = errors.Join(err, e.wdb.Close())
	}
	return err
}

// writer returns the pool that runs writes and transactions.
func (e *Engine) writer() (*sql.DB, *stmtCache) {
	if e.wdb != nil {
		return e.wdb, e.wstmts
	}
	return e.db, e.stmts
}

// NewSession starts a session bound to ctx.
func (e *Engine) NewSession(ctx context.Context) *Session {
	return &Session{e: e, ctx: ctx, q: e.db}
}

// WithContext is NewSession.
func (e *Engine) WithContext(ctx context.Context) *Session { return e.NewSession(ctx) }

// flushStatements drops cached prepared statements after DDL.
func (e *Engine) flushStatements() {
	if e.stmts != nil {
		e.stmts.flush()
	}
	if e.wstmts != nil {
		e.wstmts.flush()
	}
}

// driverImports names the package that registers each driver orm.Open knows.
var driverImports = map[string]string{
	"pgx":   "github.com/gee-project/gee/orm/driver/postgres",
	"mysql": "github.com/gee-project/gee/orm/driver/mysql",
}

// driverRegistered turns database/sql's "unknown driver (forgotten import?)" into an
// error that names the import to add.
func driverRegistered(name string) error {
	for _, d := range sql.Drivers() {
		if d == name {
			return nil
		}
	}
	if pkg, ok := driverImports[name]; ok {
		return fmt.Errorf("orm: driver %q is not registered: add `import _ %q` to your program", name, pkg)
	}
	return fmt.Errorf("orm: driver %q is not registered with database/sql (registered: %v)", name, sql.Drivers())
}
