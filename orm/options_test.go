package orm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gee-project/gee/orm"
)

func TestMySQLInterpolation(t *testing.T) {
	dsn := mysqlDSN
	if dsn == "" {
		t.Skip("ORM_TEST_MYSQL_DSN not set")
	}
	e, err := orm.Open("mysql", dsn, orm.WithInterpolation())
	must(t, err)
	defer e.Close()
	fresh(t, e, &safeNote{})
	s := e.NewSession(context.Background())
	// client-side interpolation must still escape every value
	evil := []string{`\'; DROP TABLE safe_note; -- `, "' OR '1'='1", "\x00\n\r\\\"'", "日本"}
	for _, v := range evil {
		_, err := s.Insert(&safeNote{Body: v})
		must(t, err)
		var got safeNote
		must(t, s.Where("body = ?", v).First(&got))
		if got.Body != v {
			t.Fatalf("interpolated %q came back as %q", v, got.Body)
		}
	}
	if _, err := orm.Open("sqlite", ":memory:", orm.WithInterpolation()); err == nil {
		t.Fatal("WithInterpolation accepted a non-MySQL driver")
	}
}

func TestCanceledContext(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var got []safeNote
		err := e.NewSession(ctx).Find(&got)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Find with a canceled context: %v", err)
		}
		_, err = e.NewSession(ctx).Insert(&safeNote{Body: "x"})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Insert with a canceled context: %v", err)
		}
	}, &safeNote{})
}

func TestBadInputErrors(t *testing.T) {
	e := targets(t)[0].engine
	s := e.NewSession(context.Background())
	var n int
	for name, err := range map[string]error{
		"Find(nil)":      s.Find(nil),
		"Find(int)":      s.Find(&n),
		"First(value)":   s.First(safeNote{}),
		"Get(bad keys)":  s.Get(&safeNote{}, 1, 2),
		"Count no model": func() error { _, err := s.Count(); return err }(),
		"Insert(nil)":    func() error { _, err := s.Insert(nil); return err }(),
		"Insert(value)":  func() error { _, err := s.Insert(safeNote{}); return err }(),
		"Where args":     s.Where("id = ? AND body = ?", 1).Find(&[]safeNote{}),
		"OrderBy":        s.OrderBy("id sideways").Find(&[]safeNote{}),
		"Model(int)":     func() error { _, err := s.Model(3).Count(); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
