package orm

import (
	"context"
	"database/sql"
	"time"

	"github.com/gee-project/gee/orm/clause"
	"github.com/gee-project/gee/orm/schema"
)

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Session carries a context, an optional transaction and the clauses of the
// statement being chained. Terminal methods (Find, Insert, ...) run it and
// clear the clauses, so a session can be reused. Not safe for concurrent use.
type Session struct {
	e       *Engine
	ctx     context.Context
	q       querier
	tx      *sql.Tx
	depth   int // savepoint nesting
	model   any
	sch     *schema.Schema
	conds   []cond
	condBuf [2]cond
	order   []orderItem
	cols    []string
	limit   int
	offset  int
	hasLim  bool
	hasOff  bool
	unscope bool
	forUpd  bool
	confl   []string
	updCols []string     // DoUpdate columns of Upsert; nil = every non-key column
	doNoth  bool         // DoNothing: Upsert keeps conflicting rows
	x       *queryExt    // less common chain state, allocated on first use
	dry     *[]Statement // ToSQL: record statements instead of running them
	err     error
	b       clause.Builder
	argBuf  [8]any // backs b.Args for statements with few arguments
}

type cond struct {
	or   bool
	col  string // set for In
	sql  string
	args []any
}

type orderItem struct {
	col  string
	desc bool
}

// Context returns the session's context.
func (s *Session) Context() context.Context { return s.ctx }

// Engine returns the engine the session belongs to.
func (s *Session) Engine() *Engine { return s.e }

// InTransaction reports whether the session runs inside a transaction.
func (s *Session) InTransaction() bool { return s.tx != nil }

// child returns a clean session sharing the context and transaction, given to
// hooks so their statements do not disturb the caller's chain.
func (s *Session) child() *Session {
	return &Session{e: s.e, ctx: s.ctx, q: s.q, tx: s.tx, depth: s.depth, dry: s.dry}
}

// reset clears the chained clauses after a terminal method.
func (s *Session) reset() {
	s.model, s.sch = nil, nil
	s.conds = s.conds[:0]
	s.order, s.cols, s.confl = s.order[:0], s.cols[:0], s.confl[:0]
	s.updCols, s.doNoth = s.updCols[:0], false
	s.x = nil
	s.hasLim, s.hasOff, s.unscope, s.forUpd = false, false, false, false
	s.err = nil
}

func (s *Session) builder() *clause.Builder {
	s.b.D = s.e.dialect
	if s.b.Args == nil {
		s.b.Args = s.argBuf[:0]
	}
	s.b.Reset()
	return &s.b
}

// exec runs a statement, prepared through the cache outside transactions.
func (s *Session) exec(query string, args []any) (sql.Result, error) {
	var start time.Time
	if s.e.log != nil {
		start = time.Now()
	}
	if s.e.timeText {
		args = sqliteTimes(args)
	}
	if s.dry != nil {
		return nil, s.dryRecord(query, args)
	}
	var res sql.Result
	q, cache := s.q, s.e.wstmts
	if s.tx == nil {
		q, cache = s.e.writer()
	} else if cache == nil {
		cache = s.e.stmts
	}
	st, err := s.stmtFrom(cache, query)
	if err == nil {
		if st != nil {
			res, err = st.ExecContext(s.ctx, args...)
		} else {
			res, err = q.ExecContext(s.ctx, query, args...)
		}
	}
	if s.e.log != nil {
		s.e.logStmt(s.ctx, start, query, args, err)
	}
	return res, err
}

// query runs a statement returning rows; the caller closes them and, when
// logging, calls done.
func (s *Session) query(query string, args []any) (*sql.Rows, error) {
	var start time.Time
	if s.e.log != nil {
		start = time.Now()
	}
	if s.e.timeText {
		args = sqliteTimes(args)
	}
	if s.dry != nil {
		return nil, s.dryRecord(query, args)
	}
	var rows *sql.Rows
	cache := s.e.stmts
	if s.tx != nil && s.e.wstmts != nil {
		cache = s.e.wstmts // transactions run on the writer pool
	}
	st, err := s.stmtFrom(cache, query)
	if err == nil {
		if st != nil {
			rows, err = st.QueryContext(s.ctx, args...)
		} else {
			rows, err = s.q.QueryContext(s.ctx, query, args...)
		}
	}
	if s.e.log != nil {
		s.e.logStmt(s.ctx, start, query, args, err)
	}
	return rows, err
}

// stmtFrom returns a prepared statement from cache, bound to the transaction when in
// one, or nil to run unprepared.
func (s *Session) stmtFrom(cache *stmtCache, query string) (*sql.Stmt, error) {
	if cache == nil {
		return nil, nil
	}
	if s.tx != nil {
		// Preparing through the pool would need a second connection while
		// the transaction holds one; reuse only what is already cached.
		if st := cache.lookup(query); st != nil {
			return s.tx.StmtContext(s.ctx, st), nil
		}
		return nil, nil
	}
	return cache.get(s.ctx, query)
}

func (s *Session) fail(op, sqlText string, err error) error {
	e := &Error{Op: op, SQL: sqlText, Err: err}
	if s.sch != nil {
		e.Table = s.sch.Table
	}
	return e
}

// queryExt is the chain state of preloads, joins, grouping and Scan, kept
// out of Session so the common statements do not carry (or clear) it.
type queryExt struct {
	preloads  []*preloadNode
	joins     []cond
	group     []string
	having    []cond
	selExpr   []cond
	orderExpr []cond
	distinct  bool
	extraCols bool
}

// noExt is read when a session has no extended state; never written.
var noExt queryExt

// xr returns the extended chain state for reading.
func (s *Session) xr() *queryExt {
	if s.x == nil {
		return &noExt
	}
	return s.x
}

// ext returns the extended chain state for writing, allocating it.
func (s *Session) ext() *queryExt {
	if s.x == nil {
		s.x = &queryExt{}
	}
	return s.x
}
