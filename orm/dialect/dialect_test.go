package dialect

import (
	"strings"
	"testing"
)

func TestPlaceholdersAndQuoting(t *testing.T) {
	for _, tc := range []struct {
		d           Dialect
		ph3, quoted string
	}{
		{SQLite{}, "?", `"we""ird"`},
		{Postgres{}, "$3", `"we""ird"`},
		{MySQL{}, "?", "`we\"ird`"},
	} {
		if got := string(tc.d.Placeholder(nil, 3)); got != tc.ph3 {
			t.Errorf("%s placeholder 3 = %q, want %q", tc.d.Name(), got, tc.ph3)
		}
		if got := QuoteString(tc.d, `we"ird`); got != tc.quoted {
			t.Errorf("%s quote = %s, want %s", tc.d.Name(), got, tc.quoted)
		}
	}
	if got := QuoteString(MySQL{}, "a`b"); got != "`a``b`" {
		t.Errorf("mysql backtick escaping: %s", got)
	}
	if got := string(Postgres{}.Placeholder(nil, 65535)); got != "$65535" {
		t.Errorf("large placeholder: %s", got)
	}
}

func TestUpsertSyntax(t *testing.T) {
	conflict, cols := []string{"id"}, []string{"name", "age"}
	if got := string(Postgres{}.Upsert(nil, conflict, cols)); got != ` ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name", "age" = excluded."age"` {
		t.Errorf("postgres upsert: %s", got)
	}
	if got := string(SQLite{}.Upsert(nil, conflict, nil)); got != ` ON CONFLICT ("id") DO NOTHING` {
		t.Errorf("sqlite upsert without columns: %s", got)
	}
	if got := string(MySQL{}.Upsert(nil, conflict, cols)); got != " ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `age` = VALUES(`age`)" {
		t.Errorf("mysql upsert: %s", got)
	}
}

func TestRegistry(t *testing.T) {
	for _, name := range []string{"sqlite", "sqlite3", "pgx", "postgres", "mysql"} {
		if _, err := Get(name); err != nil {
			t.Errorf("Get(%q): %v", name, err)
		}
	}
	Register("custom-test-driver", Postgres{})
	if d, err := Get("custom-test-driver"); err != nil || d.Name() != "postgres" {
		t.Fatalf("registered dialect: %v %v", d, err)
	}
	if _, err := Get("oracle"); err == nil || !strings.Contains(err.Error(), "oracle") || !strings.Contains(err.Error(), "pgx") {
		t.Fatalf("unknown driver error should name it and the known ones: %v", err)
	}
}
