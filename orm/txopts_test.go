package orm_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/gee-project/gee/orm"
)

func TestTransactionWithOptions(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		s := e.NewSession(ctx)
		_, err := s.Insert(&phrase{Text: "seed"})
		must(t, err)
		ro := &sql.TxOptions{ReadOnly: true}
		var n int64
		must(t, s.TransactionWith(ro, func(ts *orm.Session) error {
			var err error
			n, err = ts.Model(&phrase{}).Count()
			return err
		}))
		if n != 1 {
			t.Fatalf("read-only count = %d", n)
		}
		err = s.TransactionWith(ro, func(ts *orm.Session) error {
			_, err := ts.Insert(&phrase{Text: "write"})
			return err
		})
		if err == nil {
			t.Fatal("write in a read-only transaction succeeded")
		}
		// The connection is writable again afterwards.
		_, err = s.Insert(&phrase{Text: "after"})
		must(t, err)
		must(t, s.TransactionWith(&sql.TxOptions{Isolation: sql.LevelSerializable}, func(ts *orm.Session) error {
			_, err := ts.Insert(&phrase{Text: "serializable"})
			return err
		}))
		n, err = s.Model(&phrase{}).Count()
		must(t, err)
		if n != 3 {
			t.Fatalf("rows = %d, want 3", n)
		}
		err = s.Transaction(func(ts *orm.Session) error {
			return ts.TransactionWith(ro, func(*orm.Session) error { return nil })
		})
		if err == nil {
			t.Fatal("nested TransactionWith accepted")
		}
	}, &phrase{})
}
