package orm_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/orm"
)

type event struct {
	ID int64 `orm:"primaryKey;autoIncrement"`
	At time.Time
}

// zones are the ones whose times SQLite used to store unreadably or
// unsortably: a 45-minute offset and a fixed zone with a made-up name.
func zones(t *testing.T) []*time.Location {
	t.Helper()
	chatham, err := time.LoadLocation("Pacific/Chatham")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	return []*time.Location{chatham, time.FixedZone("X", 3600), time.UTC, time.FixedZone("W", -7*3600)}
}

func TestTimesRoundTripOrderAndEqualityAcrossZones(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		base := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		var want []time.Time
		for i, loc := range zones(t) {
			// i-th instant is i minutes later, written in a zone whose offset
			// makes its local text sort differently from the instants.
			at := base.Add(time.Duration(i)*time.Minute + 123456*time.Microsecond).In(loc)
			want = append(want, at)
			if _, err := s.Insert(&event{At: time.Now().In(loc).Add(time.Duration(i) * time.Hour * 24 * 400)}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Insert(&event{At: at}); err != nil {
				t.Fatal(err)
			}
		}
		var all []event
		must(t, s.Find(&all)) // every row, including ones written with a monotonic reading, reads back
		var got []event
		must(t, s.Where("at >= ? AND at < ?", base, base.Add(time.Hour)).OrderBy("at").Find(&got))
		if len(got) != len(want) {
			t.Fatalf("range query found %d rows, want %d: %v", len(got), len(want), got)
		}
		for i := range want {
			if !got[i].At.Equal(want[i]) {
				t.Errorf("row %d: got %v, want instant %v", i, got[i].At, want[i])
			}
		}
		// Equality on a read-back value, and on the same instant in another zone.
		for _, w := range want {
			for _, probe := range []time.Time{w, w.In(time.FixedZone("Y", 5*3600+1800))} {
				n, err := s.Model(&event{}).Where("at = ?", probe).Count()
				must(t, err)
				if n != 1 {
					t.Errorf("equality on %v matched %d rows, want 1", probe, n)
				}
			}
		}
		var first event
		must(t, s.Where("at = ?", got[0].At).First(&first))
		if !first.At.Equal(want[0]) {
			t.Errorf("equality on read-back value found %v", first.At)
		}
	}, &event{})
}

// TestSQLiteReadsOldTimeText reads rows written as time.Time.String() text
// (what earlier versions stored), including zones time.Parse cannot name.
func TestSQLiteReadsOldTimeText(t *testing.T) {
	for _, tg := range targets(t) {
		if tg.name != "sqlite" {
			continue
		}
		fresh(t, tg.engine, &event{})
		s := tg.engine.NewSession(context.Background())
		var want []time.Time
		for _, loc := range zones(t) {
			at := time.Now().In(loc) // carries a monotonic reading: "m=+0.0…"
			want = append(want, at)
			_, err := s.Raw("INSERT INTO event (at) VALUES (?)", at.String()).Exec()
			must(t, err)
		}
		var got []event
		must(t, s.OrderBy("id").Find(&got))
		for i := range want {
			if !got[i].At.Equal(want[i]) {
				t.Errorf("row %d: got %v, want %v", i, got[i].At, want[i])
			}
		}
	}
}

func TestRawFindIntoScalarSlice(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		for range 3 {
			_, err := s.Insert(&event{At: time.Now()})
			must(t, err)
		}
		var ids []int64
		must(t, s.Raw("SELECT id FROM event ORDER BY id").Find(&ids))
		if len(ids) != 3 || ids[0] >= ids[1] || ids[1] >= ids[2] {
			t.Fatalf("ids = %v", ids)
		}
		var texts []string
		must(t, s.Raw("SELECT 'a' UNION ALL SELECT 'b'").Find(&texts))
		if strings.Join(texts, ",") != "a,b" {
			t.Fatalf("texts = %v", texts)
		}
		var times []time.Time
		must(t, s.Raw("SELECT at FROM event").Find(&times))
		if len(times) != 3 || times[0].IsZero() {
			t.Fatalf("times = %v", times)
		}
		err := s.Raw("SELECT id, at FROM event").Find(&ids)
		if err == nil || !strings.Contains(err.Error(), "one column") {
			t.Fatalf("two columns into []int64: err = %v", err)
		}
		for _, bad := range []any{&[]func(){}, []int64{}, new(int), nil, (*[]int64)(nil)} {
			if err := s.Raw("SELECT id FROM event").Find(bad); err == nil {
				t.Errorf("Find(%T) succeeded", bad)
			}
		}
	}, &event{})
}

func TestNegativeLimitOffsetAndEmptyWhereRejected(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		_, err := s.Insert(&event{At: time.Now()})
		must(t, err)
		var got []event
		cases := map[string]func() error{
			"limit":    func() error { return s.Limit(-1).Find(&got) },
			"offset":   func() error { return s.Offset(-5).Find(&got) },
			"where":    func() error { return s.Where("").Find(&got) },
			"or":       func() error { return s.Where("id > ?", 0).Or("  ").Find(&got) },
			"deleteWh": func() error { _, err := s.Model(&event{}).Where("").Delete(); return err },
		}
		for name, run := range cases {
			err := run()
			if err == nil {
				t.Errorf("%s: accepted", name)
				continue
			}
			if !strings.Contains(err.Error(), "negative") && !strings.Contains(err.Error(), "empty") {
				t.Errorf("%s: unclear error %v", name, err)
			}
		}
		n, err := s.Model(&event{}).Count()
		must(t, err)
		if n != 1 {
			t.Fatalf("rows after rejected delete: %d", n)
		}
		must(t, s.Find(&got)) // the session is usable after the errors
	}, &event{})
}

// checkIDs compares the keys filled into rows with the keys the database
// assigned, matched by the unique At value.
func checkIDs(t *testing.T, s *orm.Session, rows []*event) {
	t.Helper()
	for _, r := range rows {
		var got event
		must(t, s.Where("at = ?", r.At).First(&got))
		if got.ID != r.ID {
			t.Errorf("row at %v: struct got id %d, database has %d", r.At, r.ID, got.ID)
		}
	}
}

func TestBatchInsertFillsTheDatabaseKeys(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		batch := func(from int) []*event {
			var rows []*event
			for i := range 5 {
				rows = append(rows, &event{At: base.Add(time.Duration(from+i) * time.Second)})
			}
			return rows
		}
		// Inside a transaction the session variable is surely on the
		// connection the INSERT uses.
		rows := batch(0)
		must(t, e.Transaction(ctx, func(ts *orm.Session) error {
			if e.Dialect().Name() == "mysql" {
				if _, err := ts.Raw("SET SESSION auto_increment_increment = 2").Exec(); err != nil {
					return err
				}
				defer ts.Raw("SET SESSION auto_increment_increment = 1").Exec()
			}
			args := make([]any, len(rows))
			for i, r := range rows {
				args[i] = r
			}
			_, err := ts.Insert(args...)
			return err
		}))
		s := e.NewSession(ctx)
		checkIDs(t, s, rows)

		// Outside a transaction, on the pool's only connection.
		e.DB().SetMaxOpenConns(1)
		defer e.DB().SetMaxOpenConns(0)
		if e.Dialect().Name() == "mysql" {
			_, err := s.Raw("SET SESSION auto_increment_increment = 3").Exec()
			must(t, err)
			defer s.Raw("SET SESSION auto_increment_increment = 1").Exec()
		}
		rows = batch(10)
		_, err := s.Insert(&rows)
		must(t, err)
		checkIDs(t, s, rows)
	}, &event{})
}

type account struct {
	ID     int64  `orm:"primaryKey;autoIncrement"`
	Tenant string `orm:"size:32;unique:tenant_email"`
	Email  string `orm:"size:64;unique:tenant_email"`
	Plan   string `orm:"size:16;notNull;default:'free'"`
	Quota  int    `orm:"default:100"`
	Active *bool  `orm:"default:true"`
}

func TestDefaultsApplyToZeroFields(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		off := false
		rows := []*account{
			{Tenant: "a", Email: "x"},                                      // every default applies
			{Tenant: "a", Email: "y", Plan: "pro", Quota: 5, Active: &off}, // none does
			{Tenant: "b", Email: "x", Quota: 7},                            // some do
		}
		_, err := s.Insert(&rows)
		must(t, err)
		want := map[string]string{"a/x": "free 100 true", "a/y": "pro 5 false", "b/x": "free 7 true"}
		var got []account
		must(t, s.OrderBy("id").Find(&got))
		if len(got) != 3 {
			t.Fatalf("got %d rows", len(got))
		}
		for i, g := range got {
			if g.ID != rows[i].ID {
				t.Errorf("row %d: id %d, struct got %d", i, g.ID, rows[i].ID)
			}
			active := "nil"
			if g.Active != nil {
				active = fmt.Sprint(*g.Active)
			}
			if w, h := want[g.Tenant+"/"+g.Email], fmt.Sprintf("%s %d %s", g.Plan, g.Quota, active); w != h {
				t.Errorf("%s/%s: got %q, want %q", g.Tenant, g.Email, h, w)
			}
		}
	}, &account{})
}

func TestSharedUniqueNameIsOneCompositeConstraint(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		// Same tenant with another email, and same email in another tenant,
		// are both allowed; only the pair must be unique.
		_, err := s.Insert(&account{Tenant: "a", Email: "x"}, &account{Tenant: "a", Email: "y"}, &account{Tenant: "b", Email: "x"})
		must(t, err)
		if _, err := s.Insert(&account{Tenant: "a", Email: "x"}); err == nil {
			t.Fatal("duplicate (tenant, email) accepted")
		}
	}, &account{})
}
