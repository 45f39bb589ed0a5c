package orm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Transaction runs fn in a transaction: committed when fn returns nil,
// rolled back when it returns an error or panics (the panic is re-raised).
func (e *Engine) Transaction(ctx context.Context, fn func(*Session) error) error {
	return e.NewSession(ctx).Transaction(fn)
}

// Transaction runs fn in a new transaction, or in a savepoint when the
// session is already in one, with the same commit/rollback rules.
func (s *Session) Transaction(fn func(*Session) error) (err error) {
	if s.dry != nil {
		return fn(s.child())
	}
	if s.tx != nil {
		return s.savepoint(fn)
	}
	db, _ := s.e.writer()
	tx, err := db.BeginTx(s.ctx, nil)
	if err != nil {
		return fmt.Errorf("orm: begin: %w", err)
	}
	return s.runTx(tx, fn)
}

// TransactionWith is Transaction with an isolation level and read-only
// flag. It cannot nest (a savepoint has no options). SQLite runs every
// transaction serializable, so any level is met; read-only is enforced there
// with PRAGMA query_only for the transaction's duration.
func (s *Session) TransactionWith(opts *sql.TxOptions, fn func(*Session) error) error {
	if s.dry != nil {
		return fn(s.child())
	}
	if s.tx != nil {
		return fmt.Errorf("orm: TransactionWith inside a transaction: a savepoint cannot change isolation or read-only")
	}
	db, _ := s.e.writer()
	if opts == nil || !opts.ReadOnly || s.e.dialect.Name() != "sqlite" {
		tx, err := db.BeginTx(s.ctx, opts)
		if err != nil {
			return fmt.Errorf("orm: begin: %w", err)
		}
		return s.runTx(tx, fn)
	}
	conn, err := db.Conn(s.ctx)
	if err != nil {
		return fmt.Errorf("orm: begin: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(s.ctx, "PRAGMA query_only = ON"); err != nil {
		return fmt.Errorf("orm: begin read-only: %w", err)
	}
	// Reset even if ctx is canceled: the connection goes back to the pool.
	defer conn.ExecContext(context.WithoutCancel(s.ctx), "PRAGMA query_only = OFF")
	tx, err := conn.BeginTx(s.ctx, opts)
	if err != nil {
		return fmt.Errorf("orm: begin: %w", err)
	}
	return s.runTx(tx, fn)
}

// runTx runs fn in tx, committing on nil and rolling back on error or panic.
func (s *Session) runTx(tx *sql.Tx, fn func(*Session) error) (err error) {
	ts := &Session{e: s.e, ctx: s.ctx, q: tx, tx: tx}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(ts); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil {
			return errors.Join(err, fmt.Errorf("orm: rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("orm: commit: %w", err)
	}
	return nil
}

// savepoint runs fn inside SAVEPOINT sp<depth>, rolling back to it on error
// or panic while the outer transaction continues.
func (s *Session) savepoint(fn func(*Session) error) error {
	name := "sp" + itoa(s.depth+1)
	if _, err := s.tx.ExecContext(s.ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("orm: savepoint: %w", err)
	}
	ts := &Session{e: s.e, ctx: s.ctx, q: s.tx, tx: s.tx, depth: s.depth + 1}
	rollback := func() error {
		_, err := s.tx.ExecContext(s.ctx, "ROLLBACK TO SAVEPOINT "+name)
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = rollback()
			panic(p)
		}
	}()
	if err := fn(ts); err != nil {
		if rbErr := rollback(); rbErr != nil {
			return errors.Join(err, fmt.Errorf("orm: rollback to savepoint: %w", rbErr))
		}
		return err
	}
	if _, err := s.tx.ExecContext(s.ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return fmt.Errorf("orm: release savepoint: %w", err)
	}
	return nil
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
