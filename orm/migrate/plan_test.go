package migrate

import (
	"strings"
	"testing"

	"github.com/gee-project/gee/orm/dialect"
	"github.com/gee-project/gee/orm/schema"
)

type account struct {
	ID    int64  `orm:"primaryKey;autoIncrement"`
	Email string `orm:"unique;size:100"`
	Name  string `orm:"index"`
}

func TestCreateTableDDLPerDialect(t *testing.T) {
	s, err := schema.Parse(&account{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		d    dialect.Dialect
		want []string
	}{
		{dialect.SQLite{}, []string{`"id" INTEGER PRIMARY KEY AUTOINCREMENT`, `"email" VARCHAR(100) UNIQUE`, `CREATE INDEX "idx_account_name"`}},
		{dialect.Postgres{}, []string{`"id" BIGSERIAL PRIMARY KEY`, `"name" TEXT`}},
		{dialect.MySQL{}, []string{"`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY", "`name` VARCHAR(255)"}},
	} {
		ddl := strings.Join(CreateTable(tc.d, s), ";\n")
		for _, w := range tc.want {
			if !strings.Contains(ddl, w) {
				t.Errorf("%s DDL lacks %q:\n%s", tc.d.Name(), w, ddl)
			}
		}
	}
}

func TestDiffAddsOnlyByDefault(t *testing.T) {
	s, _ := schema.Parse(&account{})
	cur := Table{Exists: true, Columns: []string{"id", "email", "legacy"}, Indexes: nil}
	p, err := Diff(dialect.Postgres{}, s, cur)
	if err != nil {
		t.Fatal(err)
	}
	got := p.String()
	if !strings.Contains(got, "add column name") || !strings.Contains(got, "keep column legacy") ||
		strings.Contains(got, "DROP") {
		t.Fatalf("plan:\n%s", got)
	}
	p, err = Diff(dialect.Postgres{}, s, cur, DropUnknownColumns())
	if err != nil || !strings.Contains(strings.Join(p.Statements(), ";"), `DROP COLUMN "legacy"`) {
		t.Fatalf("DropUnknownColumns: %v\n%v", err, p)
	}
	// SQLite drops by rebuilding, copying the kept columns.
	p, err = Diff(dialect.SQLite{}, s, cur, DropColumns("legacy"))
	if err != nil {
		t.Fatal(err)
	}
	sqls := strings.Join(p.Statements(), ";\n")
	if !strings.Contains(sqls, `INSERT INTO "account__rebuild" ("id", "email") SELECT "id", "email" FROM "account"`) ||
		strings.Contains(sqls, "DROP COLUMN") {
		t.Fatalf("SQLite rebuild:\n%s", sqls)
	}
}

func TestUnknownDialect(t *testing.T) {
	if _, err := dialect.Get("oracle"); err == nil || !strings.Contains(err.Error(), "oracle") {
		t.Fatalf("dialect.Get(oracle) = %v", err)
	}
}
