package orm

import (
	"fmt"
	"unsafe"

	"github.com/gee-project/gee/orm/dialect"
	"github.com/gee-project/gee/orm/schema"
)

// opUpsertKey is an upsert of one row whose generated key is read back.
const opUpsertKey = "upsert key"

// upsertKeyed upserts rows without a key one statement each (in one
// transaction), so every row's key — new or of the row it conflicted with —
// is known exactly: RETURNING on PostgreSQL and SQLite, LAST_INSERT_ID(key)
// on MySQL. A multi-row RETURNING would not say which row each key belongs
// to (SQLite documents its order as arbitrary).
func (s *Session) upsertKeyed(sch *schema.Schema, bases []unsafe.Pointer) (int64, error) {
	cols := insertFields(sch, true, 0)
	var total int64
	run := func(ts *Session) error {
		for _, b := range bases {
			n, err := ts.upsertOne(sch, cols, b)
			total += n
			if err != nil {
				return err
			}
		}
		return nil
	}
	// RETURNING reads rows: outside a transaction it would run on a SQLite
	// file engine's reader pool, so take the writer through a transaction.
	if s.tx != nil || (len(bases) == 1 && s.e.wdb == nil) {
		return total, run(s)
	}
	err := s.Transaction(func(tx *Session) error {
		tx.confl, tx.updCols, tx.doNoth = s.confl, s.updCols, s.doNoth
		return run(tx)
	})
	return total, err
}

func (s *Session) upsertOne(sch *schema.Schema, cols []*schema.Field, base unsafe.Pointer) (int64, error) {
	one := []unsafe.Pointer{base}
	b := s.builder()
	if _, ok := s.e.dialect.(dialect.KeyUpserter); ok {
		s.writeInsert(b, opUpsertKey, sch, cols, one, false)
		query := b.String()
		res, err := s.exec(query, b.Args)
		if err != nil {
			return 0, s.fail("upsert", query, err)
		}
		n, _ := res.RowsAffected()
		id, err := res.LastInsertId()
		if err != nil {
			return n, s.fail("upsert", query, fmt.Errorf("reading the key: %w", err))
		}
		if id != 0 {
			sch.AutoInc.SetInt64(base, id)
		}
		return n, nil
	}
	s.writeInsert(b, opUpsertKey, sch, cols, one, true)
	query := b.String()
	n, err := s.insertReturning("upsert", sch, query, one)
	if err != nil || n > 0 {
		return n, err
	}
	return 0, s.reselectKey(sch, base) // DoNothing kept a conflicting row
}

// reselectKey reads the key of the row that conflicted with the row at base
// on the OnConflict columns; without them the conflict target was the
// primary key, which the row does not carry, so it is left unset.
func (s *Session) reselectKey(sch *schema.Schema, base unsafe.Pointer) error {
	if len(s.confl) == 0 {
		return nil
	}
	b := s.builder()
	b.Raw("SELECT ")
	b.Ident(sch.AutoInc.Column)
	b.Raw(" FROM ")
	b.Ident(sch.Table)
	for i, c := range s.confl {
		f, err := s.field(sch, c)
		if err != nil {
			return err
		}
		if i == 0 {
			b.Raw(" WHERE ")
		} else {
			b.Raw(" AND ")
		}
		b.Ident(f.Column)
		b.Raw(" = ")
		b.Bind(f.Value(base))
	}
	query := b.String()
	rows, err := s.query(query, b.Args)
	if err != nil {
		return s.fail("upsert", query, err)
	}
	defer rows.Close()
	var id int64
	if rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return s.fail("upsert", query, err)
		}
		sch.AutoInc.SetInt64(base, id)
	}
	return rows.Err()
}
