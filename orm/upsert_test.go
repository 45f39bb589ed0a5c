package orm_test

import (
	"context"
	"testing"

	"github.com/gee-project/gee/orm"
)

type setting struct {
	Key   string `orm:"primaryKey;size:32"`
	Value string `orm:"size:32"`
	Note  string `orm:"size:32"`
}

func TestUpsertDoUpdateAndDoNothing(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		_, err := s.Insert(&setting{Key: "k", Value: "v1", Note: "n1"})
		must(t, err)
		// Only Value is overwritten.
		_, err = s.DoUpdate("Value").Upsert(&setting{Key: "k", Value: "v2", Note: "n2"})
		must(t, err)
		var got setting
		must(t, s.Get(&got, "k"))
		if got.Value != "v2" || got.Note != "n1" {
			t.Fatalf("DoUpdate(Value): got %+v", got)
		}
		// Nothing changes on conflict; a new key is inserted.
		_, err = s.DoNothing().Upsert(&setting{Key: "k", Value: "v3", Note: "n3"}, &setting{Key: "new", Value: "x"})
		must(t, err)
		must(t, s.Get(&got, "k"))
		if got.Value != "v2" || got.Note != "n1" {
			t.Fatalf("DoNothing: got %+v", got)
		}
		must(t, s.Get(&got, "new"))
		// The options do not leak into the next statement.
		_, err = s.Upsert(&setting{Key: "k", Value: "v4", Note: "n4"})
		must(t, err)
		must(t, s.Get(&got, "k"))
		if got.Value != "v4" || got.Note != "n4" {
			t.Fatalf("plain Upsert after options: got %+v", got)
		}
		if _, err := s.DoUpdate("nope").Upsert(&setting{Key: "k"}); err == nil {
			t.Fatal("unknown DoUpdate column accepted")
		}
	}, &setting{})
}
