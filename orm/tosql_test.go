package orm_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/orm"
)

func TestToSQLRunsNothing(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		s := e.NewSession(ctx)
		cases := []struct {
			name string
			fn   func(*orm.Session) error
			want []string // fragments, in order
			args int
		}{
			{"find", func(s *orm.Session) error {
				return s.Where("amount > ?", 5).OrderBy("id").Limit(3).Find(&[]purchase{})
			}, []string{"SELECT", "FROM", "purchase", "WHERE (amount > ", "ORDER BY", "LIMIT"}, 2},
			{"insert batch", func(s *orm.Session) error {
				_, err := s.Insert([]purchase{{CustomerID: 1, Amount: 1}, {CustomerID: 2, Amount: 2}})
				return err
			}, []string{"INSERT INTO", "purchase", "VALUES (", "), ("}, 4},
			{"upsert", func(s *orm.Session) error {
				_, err := s.OnConflict("email").Upsert(&member{Email: "x"})
				return err
			}, []string{"INSERT INTO", "member"}, 2},
			{"update map", func(s *orm.Session) error {
				_, err := s.Model(&purchase{}).Where("id = ?", 1).UpdateMap(map[string]any{"amount": 3})
				return err
			}, []string{"UPDATE", "purchase", "SET"}, 2},
			{"delete", func(s *orm.Session) error {
				_, err := s.Delete(&purchase{ID: 9})
				return err
			}, []string{"DELETE FROM", "purchase"}, 1},
			{"count join", func(s *orm.Session) error {
				_, err := s.Model(&customer{}).Join("JOIN purchase p ON p.customer_id = customer.id").Count()
				return err
			}, []string{"SELECT COUNT(*) FROM", "customer", "JOIN purchase p"}, 0},
			{"preload stops at the first level", func(s *orm.Session) error {
				return s.Preload("Purchases").Find(&[]customer{})
			}, []string{"SELECT", "customer"}, 0},
			{"transaction", func(s *orm.Session) error {
				return s.Transaction(func(tx *orm.Session) error {
					_, err := tx.Insert(&company{Name: "x"})
					return err
				})
			}, []string{"INSERT INTO", "company"}, 1},
		}
		for _, c := range cases {
			st, err := s.ToSQL(c.fn)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			at := 0
			for _, w := range c.want {
				i := strings.Index(st.SQL[at:], w)
				if i < 0 {
					t.Fatalf("%s: %q lacks %q after offset %d", c.name, st.SQL, w, at)
				}
				at += i
			}
			if len(st.Args) != c.args {
				t.Fatalf("%s: %d args %v, want %d (%s)", c.name, len(st.Args), st.Args, c.args, st)
			}
		}
		for _, m := range []any{&purchase{}, &member{}, &company{}} {
			n, err := s.Model(m).Count()
			must(t, err)
			if n != 0 {
				t.Fatalf("ToSQL wrote %d rows into %T", n, m)
			}
		}
		if _, err := s.ToSQL(func(s *orm.Session) error { return nil }); err == nil {
			t.Fatal("ToSQL without a statement: no error")
		}
		if _, err := s.ToSQL(func(s *orm.Session) error { return s.OrderBy("nope").Find(&[]purchase{}) }); err == nil ||
			!strings.Contains(err.Error(), "nope") {
			t.Fatalf("ToSQL of a bad chain: %v", err)
		}
	}, &purchase{}, &member{}, &company{})
}

func TestWithPool(t *testing.T) {
	p := orm.Pool{MaxOpenConns: 3, MaxIdleConns: 2, ConnMaxLifetime: time.Minute, ConnMaxIdleTime: time.Second}
	for _, tg := range targets(t, orm.WithPool(p)) {
		if got := tg.engine.DB().Stats().MaxOpenConnections; got != 3 {
			t.Errorf("%s: MaxOpenConnections %d, want 3", tg.name, got)
		}
	}
	if _, err := orm.Open("sqlite", ":memory:", orm.WithPool(orm.Pool{MaxOpenConns: 4})); err == nil {
		t.Error("a :memory: engine accepted 4 connections")
	}
	if _, err := orm.Open("sqlite", filepath.Join(t.TempDir(), "x.db"), orm.WithPool(orm.Pool{MaxIdleConns: -1})); err == nil {
		t.Error("negative pool limit accepted")
	}
	e, err := orm.Open("sqlite", ":memory:", orm.WithPool(orm.Pool{MaxOpenConns: 1, ConnMaxIdleTime: time.Minute}))
	must(t, err)
	e.Close()
}
