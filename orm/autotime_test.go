package orm_test

import (
	"context"
	"testing"
	"time"

	"github.com/gee-project/gee/orm"
)

type stamped struct {
	ID        int64  `orm:"primaryKey;autoIncrement"`
	Name      string `orm:"size:32"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

type unstamped struct {
	ID        int64     `orm:"primaryKey;autoIncrement"`
	CreatedAt time.Time `orm:"noAutoTime"`
}

func TestCreatedAtUpdatedAt(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		before := time.Now().Add(-time.Second)
		given := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
		a, b := &stamped{Name: "a"}, &stamped{Name: "b", CreatedAt: given}
		_, err := s.Insert(a, b)
		must(t, err)
		if a.CreatedAt.Before(before) || !a.UpdatedAt.Equal(a.CreatedAt) || !b.CreatedAt.Equal(given) {
			t.Fatalf("after insert: a %v/%v, b %v", a.CreatedAt, a.UpdatedAt, b.CreatedAt)
		}
		var got stamped
		must(t, s.Get(&got, a.ID))
		if !got.CreatedAt.Equal(a.CreatedAt) || !got.UpdatedAt.Equal(a.UpdatedAt) {
			t.Fatalf("read back %v/%v, struct %v/%v", got.CreatedAt, got.UpdatedAt, a.CreatedAt, a.UpdatedAt)
		}
		time.Sleep(2 * time.Millisecond)
		a.Name = "a2"
		_, err = s.Update(a, "Name") // UpdatedAt is written although not named
		must(t, err)
		must(t, s.Get(&got, a.ID))
		if !got.UpdatedAt.After(got.CreatedAt) || !got.UpdatedAt.Equal(a.UpdatedAt) || !got.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("after update: created %v updated %v (struct %v)", got.CreatedAt, got.UpdatedAt, a.UpdatedAt)
		}
		u := &unstamped{}
		_, err = s.Insert(u)
		must(t, err)
		if !u.CreatedAt.IsZero() {
			t.Fatalf("noAutoTime field was set: %v", u.CreatedAt)
		}
	}, &stamped{}, &unstamped{})
}
