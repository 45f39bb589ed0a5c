package orm_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/gee-project/gee/orm"
	"github.com/gee-project/gee/orm/migrate"
)

// A fresh table matches its struct: no step, not even informational.
func TestMigrationPlanOfFreshTablesIsEmpty(t *testing.T) {
	models := []any{&typeRow{}, &customer{}, &member{}, &setting{}, &softDoc{}, &stamped{}, &lineItem{}, &customerTag{}}
	each(t, func(t *testing.T, e *orm.Engine) {
		for _, m := range models {
			p, err := e.MigrationPlan(context.Background(), m)
			must(t, err)
			if len(p.Steps) != 0 {
				t.Errorf("%T: plan of a fresh table:\n%s", m, p)
			}
		}
	}, models...)
}

type chgV1 struct {
	ID   int64
	Name string `orm:"size:20"`
	Age  int32
	Code string `orm:"size:16"`
	Note *string
}

func (chgV1) TableName() string { return "chg" }

type chgV2 struct {
	ID   int64
	Name string `orm:"size:40"` // size
	Age  int64  // type (not on SQLite: INTEGER both)
	Code string `orm:"size:16;unique"`     // uniqueness
	Note string `orm:"notNull;default:''"` // nullability
}

func (chgV2) TableName() string { return "chg" }

type chgV3 struct {
	ID   int64
	Name string `orm:"size:40"`
	Age  int64
	Code string `orm:"size:16;unique"`
	Note string `orm:"notNull;default:''"`
	Must string `orm:"notNull"`
}

func (chgV3) TableName() string { return "chg" }

func TestMigrationDetectsColumnChanges(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		ctx := context.Background()
		s := e.NewSession(ctx)
		note := "n"
		_, err := s.Insert(&chgV1{Name: "ann", Age: 7, Code: "c1", Note: &note})
		must(t, err)
		want := []string{"code", "name", "note"}
		if e.Dialect().Name() != "sqlite" {
			want = []string{"age", "code", "name", "note"}
		}
		// AutoMigrate applies nothing here and reports every difference.
		skipped, err := e.AutoMigrate(ctx, &chgV2{})
		must(t, err)
		if got := changed(skipped); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("AutoMigrate reported %v, want %v:\n%v", got, want, skipped)
		}
		if _, err := s.Insert(&chgV1{Name: strings.Repeat("x", 30), Code: "c1"}); err == nil && e.Dialect().Name() == "postgres" {
			t.Fatal("AutoMigrate altered name's size")
		}
		_, _ = s.Model(&chgV1{}).Where("code = ? AND name <> ?", "c1", "ann").Delete()
		// The plan with AlterColumns applies them, keeping data.
		p, err := e.MigrationPlan(ctx, &chgV2{}, migrate.AlterColumns())
		must(t, err)
		if p.Empty() {
			t.Fatalf("AlterColumns plan is empty:\n%s", p)
		}
		must(t, e.ApplyMigration(ctx, p))
		after, err := e.MigrationPlan(ctx, &chgV2{})
		must(t, err)
		if len(after.Steps) != 0 {
			t.Fatalf("differences left after applying:\n%s\napplied:\n%s", after, p)
		}
		var got chgV2
		must(t, s.First(&got))
		if got.Name != "ann" || got.Age != 7 || got.Code != "c1" || got.Note != "n" {
			t.Fatalf("data after alter: %+v", got)
		}
		long := strings.Repeat("y", 40)
		_, err = s.Insert(&chgV2{Name: long, Code: "c2", Age: 1 << 40})
		must(t, err)
		if _, err := s.Insert(&chgV2{Name: "dup", Code: "c1"}); err == nil {
			t.Fatal("unique not added")
		}
		// A NOT NULL column without a default on a table with rows is refused.
		_, err = e.MigrationPlan(ctx, &chgV3{})
		if err == nil || !strings.Contains(err.Error(), `"must"`) {
			t.Fatalf("NOT NULL without default on a table with rows: %v", err)
		}
		_, err = s.Model(&chgV2{}).Where("1 = 1").Delete()
		must(t, err)
		if _, err := e.AutoMigrate(ctx, &chgV3{}); err != nil {
			t.Fatalf("NOT NULL column on an empty table: %v", err)
		}
	}, &chgV1{})
}

func changed(plans []*migrate.Plan) []string {
	var out []string
	for _, p := range plans {
		for _, st := range p.Steps {
			if st.Kind == migrate.ChangeColumnStep {
				out = append(out, st.Target)
			}
		}
	}
	sort.Strings(out)
	return out
}
