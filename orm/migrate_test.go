package orm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gee-project/gee/orm"
	"github.com/gee-project/gee/orm/migrate"
)

// Three versions of one table ("mig_person").
type migV1 struct {
	ID    int64 `orm:"primaryKey;autoIncrement"`
	Name  string
	Nick  string
	Extra string
}

func (migV1) TableName() string { return "mig_person" }

type migV2 struct {
	ID       int64 `orm:"primaryKey;autoIncrement"`
	Name     string
	Nickname string // renamed from nick
	Age      int    `orm:"index"` // added with an index
	Code     string `orm:"unique;size:32"`
	Extra    string
}

func (migV2) TableName() string { return "mig_person" }

type migV3 struct { // extra dropped
	ID       int64 `orm:"primaryKey;autoIncrement"`
	Name     string
	Nickname string
	Age      int    `orm:"index"`
	Code     string `orm:"unique;size:32"`
}

func (migV3) TableName() string { return "mig_person" }

func TestMigrationPlans(t *testing.T) {
	for _, tg := range targets(t) {
		t.Run(tg.name, func(t *testing.T) { migrationPlans(t, tg.engine) })
	}
}

func migrationPlans(t *testing.T, e *orm.Engine) {
	ctx := context.Background()
	drop := func() { _ = e.NewSession(ctx).Model(&migV1{}).DropTable() }
	drop()
	t.Cleanup(drop)
	must(t, e.Migrate(ctx, &migV1{}))
	_, err := e.NewSession(ctx).Insert(&migV1{Name: "ann", Nick: "a", Extra: "x"})
	must(t, err)
	must(t, e.Migrate(ctx, &migV1{})) // idempotent

	// Default plan adds, never renames or drops: nick is kept. SQLite needs
	// a rebuild (UNIQUE column) that would lose nick, so it refuses.
	p, err := e.MigrationPlan(ctx, &migV2{})
	if e.Dialect().Name() == "sqlite" {
		if err == nil || !strings.Contains(err.Error(), "nick") {
			t.Fatalf("SQLite rebuild losing an unknown column must be refused: %v", err)
		}
		p, err = e.MigrationPlan(ctx, &migV2{}, migrate.DropColumns("nick"))
	}
	must(t, err)
	text := p.String()
	for _, want := range []string{"add column nickname", "add column age", "add index idx_mig_person_age", "keep column nick"} {
		if e.Dialect().Name() == "sqlite" && want == "keep column nick" {
			want = "drop column nick"
		}
		if !strings.Contains(text, want) {
			t.Fatalf("default plan lacks %q:\n%s", want, text)
		}
	}
	if e.Dialect().Name() != "sqlite" && (strings.Contains(text, "DROP") || strings.Contains(text, "RENAME COLUMN")) {
		t.Fatalf("default plan is destructive:\n%s", text)
	}

	p, err = e.MigrationPlan(ctx, &migV2{}, migrate.RenameColumn("nick", "nickname"))
	must(t, err)
	if !strings.Contains(p.String(), "rename column nick -> nickname") {
		t.Fatalf("rename plan:\n%s", p)
	}
	if e.Dialect().Name() == "sqlite" && !strings.Contains(p.String(), "rebuild table") {
		t.Fatalf("SQLite cannot ADD a UNIQUE column; want a rebuild:\n%s", p)
	}
	must(t, e.ApplyMigration(ctx, p))
	var v2 migV2
	must(t, e.NewSession(ctx).First(&v2))
	if v2.Name != "ann" || v2.Nickname != "a" || v2.Extra != "x" {
		t.Fatalf("data lost by migration: %+v", v2)
	}
	after, err := e.MigrationPlan(ctx, &migV2{})
	must(t, err)
	if !after.Empty() {
		t.Fatalf("plan not empty after applying:\n%s", after)
	}

	p, err = e.MigrationPlan(ctx, &migV3{}, migrate.DropColumns("extra"))
	must(t, err)
	if !strings.Contains(p.String(), "drop column extra") {
		t.Fatalf("drop plan:\n%s", p)
	}
	must(t, e.ApplyMigration(ctx, p))
	var v3 migV3
	must(t, e.NewSession(ctx).First(&v3))
	if v3.Name != "ann" || v3.Nickname != "a" {
		t.Fatalf("data lost by drop: %+v", v3)
	}
	_, err = e.NewSession(ctx).Insert(&migV3{Name: "bob", Code: "c1"})
	must(t, err)
	if _, err := e.NewSession(ctx).Insert(&migV3{Name: "dup", Code: "c1"}); err == nil {
		t.Fatal("unique constraint lost in migration")
	}
	if _, err := e.MigrationPlan(ctx, &migV3{}, migrate.RenameColumn("nope", "name")); err == nil ||
		!strings.Contains(err.Error(), "nope") {
		t.Fatalf("rename of a missing column: %v", err)
	}
}
