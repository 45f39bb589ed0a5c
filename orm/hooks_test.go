package orm_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/orm"
)

type hookAccount struct {
	ID      int64 `orm:"primaryKey;autoIncrement"`
	Owner   string
	Balance int
	Trail   string `orm:"-"`
}

var errNegative = errors.New("balance below zero")

func (a *hookAccount) BeforeInsert(s *orm.Session) error {
	a.Trail += "bi,"
	if a.Balance < 0 {
		return errNegative
	}
	return nil
}

func (a *hookAccount) AfterInsert(s *orm.Session) error {
	if a.ID == 0 {
		return errors.New("AfterInsert ran before the key was filled")
	}
	a.Trail += "ai,"
	// hooks get a session in the caller's transaction, usable for queries
	n, err := s.Model(&hookAccount{}).Where("id = ?", a.ID).Count()
	if err != nil || n != 1 {
		return errors.New("row not visible from AfterInsert")
	}
	return nil
}

func (a *hookAccount) BeforeUpdate(*orm.Session) error {
	a.Trail += "bu,"
	if a.Balance < 0 {
		return errNegative
	}
	return nil
}

func (a *hookAccount) AfterUpdate(*orm.Session) error { a.Trail += "au,"; return nil }

func (a *hookAccount) BeforeDelete(*orm.Session) error {
	a.Trail += "bd,"
	if a.Owner == "keep" {
		return errors.New("protected")
	}
	return nil
}

func (a *hookAccount) AfterDelete(*orm.Session) error { a.Trail += "ad,"; return nil }

func (a *hookAccount) AfterQuery(*orm.Session) error { a.Owner = strings.ToUpper(a.Owner); return nil }

func TestHooks(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		a := hookAccount{Owner: "ann", Balance: 5}
		_, err := s.Insert(&a)
		must(t, err)
		bad := hookAccount{Owner: "neg", Balance: -1}
		if _, err := s.Insert(&bad); !errors.Is(err, errNegative) {
			t.Fatalf("BeforeInsert error should abort: %v", err)
		}
		a.Balance = -3
		if _, err := s.Update(&a); !errors.Is(err, errNegative) {
			t.Fatalf("BeforeUpdate error should abort: %v", err)
		}
		a.Balance = 9
		_, err = s.Update(&a, "balance")
		must(t, err)
		var all []hookAccount
		must(t, s.Find(&all))
		if len(all) != 1 || all[0].Owner != "ANN" || all[0].Balance != 9 {
			t.Fatalf("aborted statements must not write; AfterQuery must run: %+v", all)
		}
		keep := hookAccount{Owner: "keep"}
		_, err = s.Insert(&keep)
		must(t, err)
		if _, err := s.Delete(&keep); err == nil || !strings.Contains(err.Error(), "protected") {
			t.Fatalf("BeforeDelete error should abort: %v", err)
		}
		_, err = s.Delete(&a)
		must(t, err)
		if a.Trail != "bi,ai,bu,bu,au,bd,ad," {
			t.Fatalf("hook order %q", a.Trail)
		}
		n, err := s.Model(&hookAccount{}).Count()
		must(t, err)
		if n != 1 {
			t.Fatalf("%d rows left, want only the protected one", n)
		}
	}, &hookAccount{})
}
