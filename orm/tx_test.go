package orm_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gee-project/gee/orm"
)

type txItem struct {
	ID   int64 `orm:"primaryKey;autoIncrement"`
	Name string
}

func countItems(t *testing.T, e *orm.Engine) int64 {
	t.Helper()
	n, err := e.NewSession(context.Background()).Model(&txItem{}).Count()
	must(t, err)
	return n
}

func TestTransactionCommitRollbackPanic(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		must(t, e.Transaction(ctx, func(s *orm.Session) error {
			_, err := s.Insert(&txItem{Name: "kept"})
			return err
		}))
		boom := errors.New("boom")
		err := e.Transaction(ctx, func(s *orm.Session) error {
			if _, err := s.Insert(&txItem{Name: "gone"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Transaction error = %v, want boom", err)
		}
		func() {
			defer func() {
				if p := recover(); p != "panic!" {
					t.Fatalf("panic not re-raised: %v", p)
				}
			}()
			_ = e.Transaction(ctx, func(s *orm.Session) error {
				if _, err := s.Insert(&txItem{Name: "gone too"}); err != nil {
					return err
				}
				panic("panic!")
			})
		}()
		if n := countItems(t, e); n != 1 {
			t.Fatalf("%d rows after commit+rollback+panic, want 1", n)
		}
	}, &txItem{})
}

func TestSavepoints(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		err := e.Transaction(ctx, func(s *orm.Session) error {
			if _, err := s.Insert(&txItem{Name: "outer"}); err != nil {
				return err
			}
			inner := s.Transaction(func(s2 *orm.Session) error {
				if _, err := s2.Insert(&txItem{Name: "inner-rolled-back"}); err != nil {
					return err
				}
				return errors.New("undo inner")
			})
			if inner == nil {
				t.Error("inner error lost")
			}
			func() {
				defer func() { _ = recover() }()
				_ = s.Transaction(func(s2 *orm.Session) error {
					if _, err := s2.Insert(&txItem{Name: "inner-panicked"}); err != nil {
						return err
					}
					panic("inner")
				})
			}()
			return s.Transaction(func(s2 *orm.Session) error {
				_, err := s2.Insert(&txItem{Name: "inner-kept"})
				return err
			})
		})
		must(t, err)
		var items []txItem
		must(t, e.NewSession(ctx).OrderBy("id").Find(&items))
		if len(items) != 2 || items[0].Name != "outer" || items[1].Name != "inner-kept" {
			t.Fatalf("savepoints: %+v", items)
		}
	}, &txItem{})
}

func TestChunkedInsertIsAtomic(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		// more rows than one statement may bind: the insert is split, and
		// a failing chunk rolls back the earlier ones
		n := e.Dialect().MaxParams()/2 + 10
		rows := make([]txItem, n)
		for i := range rows {
			rows[i].Name = "r"
		}
		got, err := e.NewSession(context.Background()).Insert(rows)
		must(t, err)
		if got != int64(n) || countItems(t, e) != int64(n) || rows[n-1].ID-rows[0].ID != int64(n-1) {
			t.Fatalf("chunked insert: %d affected, ids %d..%d", got, rows[0].ID, rows[n-1].ID)
		}
		dup := make([]txItem, n)
		for i := range dup {
			dup[i] = txItem{ID: int64(1_000_000 + i), Name: "d"}
		}
		dup[n-1].ID = rows[0].ID // conflicts in the last chunk
		if _, err := e.NewSession(context.Background()).Insert(dup); err == nil {
			t.Fatal("duplicate key accepted")
		}
		if c := countItems(t, e); c != int64(n) {
			t.Fatalf("failed chunked insert left %d rows, want %d", c, n)
		}
	}, &txItem{})
}

// TestSingleConnectionTransaction guards against a transaction waiting for a
// second connection (e.g. to prepare a statement) while holding the only one.
func TestSingleConnectionTransaction(t *testing.T) {
	e, err := orm.Open("sqlite", ":memory:")
	must(t, err)
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	must(t, e.Migrate(ctx, &txItem{}))
	err = e.Transaction(ctx, func(s *orm.Session) error {
		it := txItem{Name: "a"}
		if _, err := s.Insert(&it); err != nil {
			return err
		}
		it.Name = "b"
		if _, err := s.Update(&it); err != nil {
			return err
		}
		var got []txItem
		if err := s.Find(&got); err != nil || len(got) != 1 || got[0].Name != "b" {
			return errors.Join(err, errors.New("find in transaction"))
		}
		_, err := s.Delete(&it)
		return err
	})
	must(t, err)
}

// TestStatementCacheInTransaction reuses a statement prepared on the pool
// inside a transaction (rebound to the transaction's connection).
func TestStatementCacheInTransaction(t *testing.T) {
	for _, tg := range targets(t, orm.WithStatementCache()) {
		t.Run(tg.name, func(t *testing.T) {
			e := tg.engine
			fresh(t, e, &txItem{})
			ctx := context.Background()
			_, err := e.NewSession(ctx).Insert(&txItem{Name: "pool"}) // prepares the INSERT
			must(t, err)
			err = e.Transaction(ctx, func(s *orm.Session) error {
				if _, err := s.Insert(&txItem{Name: "tx"}); err != nil {
					return err
				}
				var got []txItem
				if err := s.Find(&got); err != nil || len(got) != 2 {
					return errors.Join(err, errors.New("transaction does not see its insert"))
				}
				return errors.New("roll back")
			})
			if err == nil || err.Error() != "roll back" {
				t.Fatalf("Transaction: %v", err)
			}
			if n := countItems(t, e); n != 1 {
				t.Fatalf("%d rows after rollback, want 1", n)
			}
		})
	}
}

type counterRow struct {
	ID int64 `orm:"primaryKey"`
	N  int64
}

// TestForUpdatePreventsLostUpdates increments one row from two goroutines by
// read-modify-write; ForUpdate makes every increment count.
func TestForUpdatePreventsLostUpdates(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		_, err := e.NewSession(ctx).Insert(&counterRow{ID: 1})
		must(t, err)
		const workers, per = 2, 15
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			go func() {
				for i := 0; i < per; i++ {
					err := e.Transaction(ctx, func(s *orm.Session) error {
						var c counterRow
						if err := s.ForUpdate().Get(&c, 1); err != nil {
							return err
						}
						c.N++
						_, err := s.Update(&c, "n")
						return err
					})
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for w := 0; w < workers; w++ {
			must(t, <-errs)
		}
		var c counterRow
		must(t, e.NewSession(ctx).Get(&c, 1))
		if c.N != workers*per {
			t.Fatalf("counter = %d, want %d: updates lost", c.N, workers*per)
		}
	}, &counterRow{})
}
