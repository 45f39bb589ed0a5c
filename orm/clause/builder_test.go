package clause

import (
	"strings"
	"testing"

	"github.com/gee-project/gee/orm/dialect"
)

func TestExprPlaceholders(t *testing.T) {
	b := &Builder{D: dialect.Postgres{}}
	b.Bind(1)
	b.Raw(" AND ")
	if err := b.Expr("name = ? AND note <> '?' AND id IN ?", []any{"x", []int{1, 2}}); err != nil {
		t.Fatal(err)
	}
	want := "$1 AND name = $2 AND note <> '?' AND id IN ($3, $4)"
	if b.String() != want || len(b.Args) != 4 {
		t.Fatalf("got %q %v, want %q", b.String(), b.Args, want)
	}
}

func TestExprArgCountMismatch(t *testing.T) {
	b := &Builder{D: dialect.SQLite{}}
	for _, tc := range []struct {
		sql  string
		args []any
	}{{"a = ? AND b = ?", []any{1}}, {"a = ?", []any{1, 2}}, {"a = 'x", nil}, {"a IN ?", []any{[]int{}}}} {
		b.Reset()
		if err := b.Expr(tc.sql, tc.args); err == nil || !strings.Contains(err.Error(), tc.sql) {
			t.Errorf("Expr(%q, %v) error = %v, want one naming the clause", tc.sql, tc.args, err)
		}
	}
}

func TestIdentQuoting(t *testing.T) {
	for _, tc := range []struct {
		d    dialect.Dialect
		want string
	}{{dialect.SQLite{}, `"a""b"`}, {dialect.MySQL{}, "`a``b`"}, {dialect.Postgres{}, `"a""b"`}} {
		b := &Builder{D: tc.d}
		b.Ident(`a"b`)
		if tc.d.Name() == "mysql" {
			b.Reset()
			b.Ident("a`b")
		}
		if b.String() != tc.want {
			t.Errorf("%s: got %s want %s", tc.d.Name(), b.String(), tc.want)
		}
	}
}

func FuzzExpr(f *testing.F) {
	f.Add("a = ? AND b = '?'", 1)
	f.Add("x IN ? OR `q?` = ?", 2)
	f.Add("'unterminated ?", 1)
	f.Fuzz(func(t *testing.T, sql string, n int) {
		if n < 0 || n > 8 {
			return
		}
		args := make([]any, n)
		b := &Builder{D: dialect.Postgres{}}
		if err := b.Expr(sql, args); err == nil && len(b.Args) != n {
			t.Fatalf("accepted %q with %d args but bound %d", sql, n, len(b.Args))
		}
	})
}
