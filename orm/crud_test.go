package orm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gee-project/gee/orm"
)

type crudUser struct {
	ID    int64  `orm:"primaryKey;autoIncrement"`
	Name  string `orm:"size:64;index"`
	Age   int
	Email string `orm:"unique;size:128"`
}

func seedUsers(t *testing.T, e *orm.Engine) []crudUser {
	t.Helper()
	users := []crudUser{
		{Name: "ann", Age: 31, Email: "ann@x"}, {Name: "bob", Age: 17, Email: "bob@x"},
		{Name: "cid", Age: 45, Email: "cid@x"}, {Name: "dee", Age: 22, Email: "dee@x"},
	}
	n, err := e.NewSession(context.Background()).Insert(&users)
	must(t, err)
	if n != 4 {
		t.Fatalf("inserted %d rows, want 4", n)
	}
	return users
}

func TestInsertFillsKeys(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		users := seedUsers(t, e)
		for i := 1; i < len(users); i++ {
			if users[i].ID != users[i-1].ID+1 || users[0].ID == 0 {
				t.Fatalf("keys not filled consecutively: %+v", users)
			}
		}
		s := e.NewSession(context.Background())
		one, two := crudUser{Name: "eve", Email: "eve@x"}, crudUser{Name: "fay", Email: "fay@x"}
		_, err := s.Insert(&one, &two)
		must(t, err)
		var got crudUser
		must(t, s.Get(&got, two.ID))
		if got != two {
			t.Fatalf("Get(%d) = %+v, want %+v", two.ID, got, two)
		}
		explicit := crudUser{ID: 1000, Name: "gus", Email: "gus@x"}
		_, err = s.Insert(&explicit)
		must(t, err)
		must(t, s.Get(&got, 1000))
		if got.Name != "gus" {
			t.Fatalf("explicit key insert: got %+v", got)
		}
	}, &crudUser{})
}

func TestChainMethods(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		seedUsers(t, e)
		ctx := context.Background()
		s := e.NewSession(ctx)
		var adults []crudUser
		must(t, s.Where("age >= ?", 18).OrderBy("age DESC").Find(&adults))
		if names(adults) != "cid,ann,dee" {
			t.Fatalf("Where+OrderBy: %s", names(adults))
		}
		var page []*crudUser
		must(t, s.OrderBy("name").Limit(2).Offset(1).Find(&page))
		if len(page) != 2 || page[0].Name != "bob" || page[1].Name != "cid" {
			t.Fatalf("Limit/Offset: %+v", page)
		}
		var or []crudUser
		must(t, s.Where("age < ?", 18).Or("name = ?", "cid").OrderBy("name").Find(&or))
		if names(or) != "bob,cid" {
			t.Fatalf("Or: %s", names(or))
		}
		var and []crudUser
		must(t, s.Where("age > ?", 20).And("age < ?", 40).OrderBy("name").Find(&and))
		if names(and) != "ann,dee" {
			t.Fatalf("And: %s", names(and))
		}
		var in []crudUser
		must(t, s.In("name", "ann", "dee", "zed").OrderBy("name").Find(&in))
		if names(in) != "ann,dee" {
			t.Fatalf("In: %s", names(in))
		}
		var inSlice []crudUser
		must(t, s.Where("name IN ?", []string{"bob", "cid"}).OrderBy("name").Find(&inSlice))
		if names(inSlice) != "bob,cid" {
			t.Fatalf("Where IN slice: %s", names(inSlice))
		}
		var partial []crudUser
		must(t, s.Select("name").OrderBy("name").Limit(1).Find(&partial))
		if len(partial) != 1 || partial[0].Name != "ann" || partial[0].Age != 0 || partial[0].ID != 0 {
			t.Fatalf("Select: %+v", partial)
		}
		var first crudUser
		must(t, s.Where("age > ?", 40).First(&first))
		if first.Name != "cid" {
			t.Fatalf("First: %+v", first)
		}
		if err := s.Where("age > ?", 100).First(&first); !errors.Is(err, orm.ErrNotFound) {
			t.Fatalf("First on no rows: %v, want ErrNotFound", err)
		}
		if err := s.Get(&first, int64(99999)); !errors.Is(err, orm.ErrNotFound) {
			t.Fatalf("Get missing key: %v, want ErrNotFound", err)
		}
		n, err := s.Model(&crudUser{}).Where("age >= ?", 18).Count()
		must(t, err)
		if n != 3 {
			t.Fatalf("Count = %d, want 3", n)
		}
		ok, err := s.Model(&crudUser{}).Where("name = ?", "bob").Exists()
		must(t, err)
		no, err := s.Model(&crudUser{}).Where("name = ?", "nobody").Exists()
		must(t, err)
		if !ok || no {
			t.Fatalf("Exists = %v/%v, want true/false", ok, no)
		}
	}, &crudUser{})
}

func names(us []crudUser) string {
	s := ""
	for i, u := range us {
		if i > 0 {
			s += ","
		}
		s += u.Name
	}
	return s
}

func TestUpdateWritesNamedZeroValues(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		users := seedUsers(t, e)
		s := e.NewSession(context.Background())
		u := users[0]
		u.Age, u.Name = 0, "changed"
		n, err := s.Update(&u, "age")
		must(t, err)
		if n != 1 {
			t.Fatalf("Update affected %d rows", n)
		}
		var got crudUser
		must(t, s.Get(&got, u.ID))
		if got.Age != 0 || got.Name != "ann" {
			t.Fatalf("Update(age) wrote %+v: want age 0 and name untouched", got)
		}
		u.Name = "all"
		_, err = s.Update(&u)
		must(t, err)
		must(t, s.Get(&got, u.ID))
		if got != u {
			t.Fatalf("Update(all) = %+v, want %+v", got, u)
		}
		n, err = s.Model(&crudUser{}).Where("age < ?", 30).UpdateMap(map[string]any{"age": 0, "Name": ""})
		must(t, err)
		if n != 3 {
			t.Fatalf("UpdateMap affected %d rows, want 3", n)
		}
		cnt, err := s.Model(&crudUser{}).Where("age = ? AND name = ?", 0, "").Count()
		must(t, err)
		if cnt != 3 {
			t.Fatalf("zero values not written by UpdateMap: %d rows", cnt)
		}
		if _, err := s.Model(&crudUser{}).UpdateMap(map[string]any{"age": 1}); !errors.Is(err, orm.ErrMissingWhere) {
			t.Fatalf("UpdateMap without Where: %v", err)
		}
		if _, err := s.Update(&u, "nope"); err == nil || !contains(err.Error(), "nope") || !contains(err.Error(), "crud_user") {
			t.Fatalf("unknown column error should name table and column: %v", err)
		}
	}, &crudUser{})
}

func TestDeleteAndUpsert(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		users := seedUsers(t, e)
		s := e.NewSession(context.Background())
		n, err := s.Delete(&users[0])
		must(t, err)
		if n != 1 {
			t.Fatalf("Delete affected %d", n)
		}
		if _, err := s.Model(&crudUser{}).Delete(); !errors.Is(err, orm.ErrMissingWhere) {
			t.Fatalf("Delete without Where: %v", err)
		}
		n, err = s.Model(&crudUser{}).Where("age < ?", 30).Delete()
		must(t, err)
		if n != 2 {
			t.Fatalf("conditional Delete affected %d, want 2", n)
		}
		up := users[2]
		up.Age = 99
		_, err = s.Upsert(&up, &crudUser{ID: 500, Name: "new", Email: "new@x"})
		must(t, err)
		var got []crudUser
		must(t, s.OrderBy("id").Find(&got))
		if len(got) != 2 || got[0].Age != 99 || got[1].Name != "new" {
			t.Fatalf("after Upsert: %+v", got)
		}
		_, err = s.OnConflict("email").Upsert(&crudUser{ID: 501, Name: "cid2", Email: "cid@x", Age: 1})
		must(t, err)
		must(t, s.Where("email = ?", "cid@x").Find(&got))
		if len(got) != 1 || got[0].Name != "cid2" || got[0].ID != up.ID {
			t.Fatalf("Upsert on email: %+v", got)
		}
	}, &crudUser{})
}

func contains(s, sub string) bool { return len(sub) == 0 || indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
