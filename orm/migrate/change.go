package migrate

import (
	"fmt"
	"strings"

	"github.com/gee-project/gee/orm/dialect"
	"github.com/gee-project/gee/orm/schema"
)

// refuseNotNull rejects adding a NOT NULL column without a default to a
// table with rows: PostgreSQL would fail, MySQL would silently fill zero
// values and SQLite's rebuild would fail, so all three refuse it up front.
func refuseNotNull(s *schema.Schema, have map[string]bool, renamed map[string]string, cur Table) error {
	if !cur.HasRows {
		return nil
	}
	target := map[string]bool{}
	for _, to := range renamed {
		target[to] = true
	}
	for _, f := range s.Fields {
		if have[f.Column] || target[f.Column] || f == s.AutoInc || !f.NotNull || f.HasDefault {
			continue
		}
		return fmt.Errorf("migrate: table %q has rows: cannot add column %q NOT NULL without a default (field %s: add a default: tag or drop notNull)",
			s.Table, f.Column, f.Name)
	}
	return nil
}

// changes adds a step for each existing column whose type, size,
// nullability or uniqueness differs from the struct.
func (x *diff) changes(p *Plan) {
	desc, ok := x.d.(dialect.Describer)
	if !ok || x.cur.Details == nil {
		return
	}
	indexed := map[string]bool{}
	for _, ix := range x.s.Indexes {
		indexed[ix.Name] = true
	}
	for _, f := range x.s.Fields {
		have, ok := x.cur.Details[f.Column]
		if !ok || f == x.s.AutoInc {
			continue
		}
		var what []string
		typeChanged := false
		if want := desc.NormType(x.d.ColumnType(f)); desc.NormType(have.Type) != want {
			what = append(what, fmt.Sprintf("type %s -> %s", have.Type, want))
			typeChanged = true
		}
		nullChanged := have.Nullable == f.NotNull
		if nullChanged {
			what = append(what, map[bool]string{true: "nullable -> NOT NULL", false: "NOT NULL -> nullable"}[f.NotNull])
		}
		uname, unique := x.cur.Unique[f.Column]
		unique = unique && !indexed[uname] // named unique indexes are compared by name
		addUnique := f.Unique && !unique
		if addUnique {
			what = append(what, "add UNIQUE")
		}
		if !f.Unique && unique {
			what = append(what, "UNIQUE "+uname+" not in the struct (kept; drop it yourself)")
		}
		if len(what) == 0 {
			continue
		}
		st := Step{Kind: ChangeColumnStep, Target: f.Column, Detail: strings.Join(what, ", ")}
		if x.opts.Alter && (typeChanged || nullChanged || addUnique) {
			if x.d.RebuildToAlter() {
				x.rebuild = true
				st.SQL = []string{"-- done by the rebuild"}
			} else {
				st.SQL = alterColumn(x.d, x.s, f, have, typeChanged, nullChanged, addUnique)
			}
		} else if typeChanged || nullChanged || addUnique {
			st.Detail += " (not applied: plan with migrate.AlterColumns())"
		}
		p.Steps = append(p.Steps, st)
	}
}

// alterColumn returns the statements changing f in place (PostgreSQL,
// MySQL).
func alterColumn(d dialect.Dialect, s *schema.Schema, f *schema.Field, have Column, typ, null, uniq bool) []string {
	t, c := q(d, s.Table), q(d, f.Column)
	var out []string
	switch d.Name() {
	case "mysql":
		if typ || null {
			def := *f
			def.Unique = false // uniqueness is added separately, once
			out = append(out, "ALTER TABLE "+t+" MODIFY COLUMN "+ColumnDef(d, s, &def))
		}
	default:
		if typ {
			ct := d.ColumnType(f)
			out = append(out, "ALTER TABLE "+t+" ALTER COLUMN "+c+" TYPE "+ct+" USING "+c+"::"+ct)
		}
		if f.HasDefault { // MySQL's MODIFY and SQLite's rebuild restate it too
			out = append(out, "ALTER TABLE "+t+" ALTER COLUMN "+c+" SET DEFAULT "+f.Default)
		}
		if null {
			op := " DROP NOT NULL"
			if f.NotNull {
				op = " SET NOT NULL"
			}
			out = append(out, "ALTER TABLE "+t+" ALTER COLUMN "+c+op)
		}
	}
	if uniq {
		out = append(out, "ALTER TABLE "+t+" ADD UNIQUE ("+c+")")
	}
	return out
}
