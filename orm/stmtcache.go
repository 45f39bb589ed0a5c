package orm

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

var errEngineClosed = errors.New("orm: engine closed")

// stmtCache keeps one prepared statement per SQL text for the pool;
// database/sql re-prepares it lazily on each connection that runs it.
type stmtCache struct {
	db  *sql.DB
	cap int
	mu  sync.RWMutex
	m   map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB, capacity int) *stmtCache {
	return &stmtCache{db: db, cap: capacity, m: make(map[string]*sql.Stmt)}
}

// lookup returns the cached statement for query, or nil.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// get returns the cached statement for query, preparing it on a miss. It
// returns nil (run unprepared) once the cache is full.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	st, ok := c.m[query]
	full := len(c.m) >= c.cap
	c.mu.RUnlock()
	if ok || full {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[query]; ok {
		st.Close()
		return prev, nil
	}
	if c.m == nil { // closed meanwhile
		st.Close()
		return nil, errEngineClosed
	}
	c.m[query] = st
	return st, nil
}

// flush closes and forgets every statement, keeping the cache usable.
func (c *stmtCache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
	c.cap = 0
}
