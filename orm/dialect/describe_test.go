package dialect

import "testing"

func TestNormType(t *testing.T) {
	for _, c := range []struct {
		d        Describer
		in, want string
	}{
		{MySQL{}, "bigint(20)", "bigint"},
		{MySQL{}, "BIGINT", "bigint"},
		{MySQL{}, "int(11)", "int"},
		{MySQL{}, "BOOLEAN", "tinyint(1)"},
		{MySQL{}, "tinyint(1)", "tinyint(1)"},
		{MySQL{}, "VARCHAR(64)", "varchar(64)"},
		{MySQL{}, "DATETIME(6)", "datetime(6)"},
		{Postgres{}, "VARCHAR(64)", "character varying(64)"},
		{Postgres{}, "character varying(64)", "character varying(64)"},
		{Postgres{}, "TIMESTAMPTZ", "timestamp with time zone"},
		{Postgres{}, "DOUBLE  PRECISION", "double precision"},
		{Postgres{}, "JSONB", "jsonb"},
		{SQLite{}, "varchar(64)", "VARCHAR(64)"},
	} {
		if got := c.d.NormType(c.in); got != c.want {
			t.Errorf("%T.NormType(%q) = %q, want %q", c.d, c.in, got, c.want)
		}
	}
}
