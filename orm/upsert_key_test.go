package orm_test

import (
	"context"
	"testing"

	"github.com/gee-project/gee/orm"
)

type member struct {
	ID    int64
	Email string `orm:"unique;size:64"`
	Name  string `orm:"size:64"`
}

func TestUpsertFillsKeys(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		a := member{Email: "a", Name: "x"}
		_, err := s.Insert(&a)
		must(t, err)
		// conflict: the existing row's key comes back, the row is updated
		a2 := member{Email: "a", Name: "y"}
		_, err = s.OnConflict("email").Upsert(&a2)
		must(t, err)
		if a2.ID != a.ID {
			t.Fatalf("upsert of a conflicting row filled key %d, want %d", a2.ID, a.ID)
		}
		// no conflict: a new key
		b := member{Email: "b", Name: "b"}
		_, err = s.OnConflict("email").Upsert(&b)
		must(t, err)
		if b.ID == 0 || b.ID == a.ID {
			t.Fatalf("new row key %d (a is %d)", b.ID, a.ID)
		}
		// DoNothing keeps the row and still reports its key
		a3 := member{Email: "a", Name: "z"}
		_, err = s.OnConflict("email").DoNothing().Upsert(&a3)
		must(t, err)
		var got member
		must(t, s.Get(&got, a.ID))
		if a3.ID != a.ID || got.Name != "y" {
			t.Fatalf("DoNothing: key %d want %d, name %q want y", a3.ID, a.ID, got.Name)
		}
		// a batch mixing conflicts and new rows, with DoUpdate
		batch := []member{{Email: "b", Name: "b2"}, {Email: "c", Name: "c"}, {Email: "a", Name: "a2"}}
		_, err = s.OnConflict("email").DoUpdate("name").Upsert(&batch)
		must(t, err)
		if batch[0].ID != b.ID || batch[2].ID != a.ID || batch[1].ID == 0 || batch[1].ID == a.ID || batch[1].ID == b.ID {
			t.Fatalf("batch keys %d %d %d (a %d, b %d)", batch[0].ID, batch[1].ID, batch[2].ID, a.ID, b.ID)
		}
		for _, m := range batch {
			must(t, s.Get(&got, m.ID))
			if got.Email != m.Email || got.Name != m.Name {
				t.Fatalf("row %d is %+v, want %+v", m.ID, got, m)
			}
		}
		// inside a transaction too
		must(t, e.Transaction(context.Background(), func(tx *orm.Session) error {
			d := member{Email: "c", Name: "c3"}
			if _, err := tx.OnConflict("email").Upsert(&d); err != nil {
				return err
			}
			if d.ID != batch[1].ID {
				t.Errorf("in a transaction: key %d, want %d", d.ID, batch[1].ID)
			}
			return nil
		}))
	}, &member{})
}
