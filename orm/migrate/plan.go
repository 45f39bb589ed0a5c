package migrate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gee-project/gee/orm/dialect"
	"github.com/gee-project/gee/orm/schema"
)

// StepKind names what a step does.
type StepKind string

// Step kinds.
const (
	CreateTableStep StepKind = "create table"
	AddColumnStep   StepKind = "add column"
	DropColumnStep  StepKind = "drop column"
	RenameStep      StepKind = "rename column"
	AddIndexStep    StepKind = "add index"
	RebuildStep     StepKind = "rebuild table"
	KeepColumnStep  StepKind = "keep column" // informational: not in the struct, left alone
	// ChangeColumnStep: the column's type, size, nullability or uniqueness
	// differs from the struct. Without AlterColumns it is informational.
	ChangeColumnStep StepKind = "change column"
)

// Step is one change; SQL is empty for informational steps.
type Step struct {
	Kind   StepKind
	Target string // column or index name
	Detail string // what differs, for change steps
	SQL    []string
}

// Informational reports whether the step only describes a difference the
// plan leaves alone.
func (s Step) Informational() bool { return len(s.SQL) == 0 }

// Plan lists the steps for one table. Apply it inside one transaction.
type Plan struct {
	Table string
	Steps []Step
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool {
	for _, s := range p.Steps {
		if len(s.SQL) > 0 {
			return false
		}
	}
	return true
}

// Statements returns every SQL statement of the plan in order.
func (p *Plan) Statements() []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.SQL...)
	}
	return out
}

// String renders the plan for review before applying it.
func (p *Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "migration plan for table %q:\n", p.Table)
	if len(p.Steps) == 0 {
		b.WriteString("  (up to date)\n")
	}
	for _, s := range p.Steps {
		fmt.Fprintf(&b, "  - %s %s", s.Kind, s.Target)
		if s.Detail != "" {
			fmt.Fprintf(&b, ": %s", s.Detail)
		}
		b.WriteString("\n")
		for _, q := range s.SQL {
			fmt.Fprintf(&b, "      %s;\n", q)
		}
	}
	return b.String()
}

// Options choose the destructive changes a plan may contain.
type Options struct {
	Drop        []string          // columns to drop
	DropUnknown bool              // drop every column the struct lacks
	Rename      map[string]string // old column name -> new column name
	Alter       bool              // apply type, size, nullability and unique changes
}

// AlterColumns allows changing existing columns' type, size, nullability
// and (adding) uniqueness to match the struct. Without it such differences
// are listed as informational "change column" steps.
func AlterColumns() Option { return func(o *Options) { o.Alter = true } }

// Option sets an Options field.
type Option func(*Options)

// DropColumns allows dropping the named columns.
func DropColumns(cols ...string) Option {
	return func(o *Options) { o.Drop = append(o.Drop, cols...) }
}

// DropUnknownColumns allows dropping every column not mapped by the struct.
func DropUnknownColumns() Option { return func(o *Options) { o.DropUnknown = true } }

// RenameColumn renames column from to the struct's column to, keeping data.
func RenameColumn(from, to string) Option {
	return func(o *Options) {
		if o.Rename == nil {
			o.Rename = map[string]string{}
		}
		o.Rename[from] = to
	}
}

// Table describes an existing table: its columns and index names, and
// when the dialect can describe them, column details.
type Table struct {
	Exists  bool
	Columns []string
	Indexes []string
	Details map[string]Column // by column name; nil when not described
	Unique  map[string]string // column -> name of its single-column unique index
	HasRows bool
}

// Column is what the database reports of an existing column.
type Column struct {
	Type     string // as the catalog spells it
	Nullable bool
}

// Diff plans the changes turning the existing table into the schema's table.
func Diff(d dialect.Dialect, s *schema.Schema, cur Table, opts ...Option) (*Plan, error) {
	var o Options
	for _, fn := range opts {
		fn(&o)
	}
	p := &Plan{Table: s.Table}
	if !cur.Exists {
		p.Steps = append(p.Steps, Step{Kind: CreateTableStep, Target: s.Table, SQL: CreateTable(d, s)})
		return p, nil
	}
	have := map[string]bool{}
	for _, c := range cur.Columns {
		have[c] = true
	}
	renames, err := checkRenames(s, have, o.Rename)
	if err != nil {
		return nil, err
	}
	if err := refuseNotNull(s, have, renames, cur); err != nil {
		return nil, err
	}
	d2 := diff{d: d, s: s, have: have, renamed: renames, opts: o, cur: cur}
	d2.plan(p)
	d2.changes(p)
	idx := map[string]bool{}
	for _, n := range cur.Indexes {
		idx[n] = true
	}
	if d2.rebuild {
		if len(d2.kept) > 0 {
			return nil, fmt.Errorf("migrate: table %q: SQLite must rebuild the table for this change, which would drop columns %s not in %s; drop or rename them explicitly (DropColumns, RenameColumn)",
				s.Table, strings.Join(d2.kept, ", "), s.Type)
		}
		for _, name := range missingIndexes(s, idx) {
			p.Steps = append(p.Steps, Step{Kind: AddIndexStep, Target: name})
		}
		for i := range p.Steps {
			p.Steps[i].SQL = nil // described by the steps, done by the rebuild
		}
		p.Steps = append(p.Steps, Step{Kind: RebuildStep, Target: s.Table, SQL: rebuild(d, s, cur.Columns, renames)})
		return p, nil
	}
	for i, q := range createIndexes(d, s, idx) {
		p.Steps = append(p.Steps, Step{Kind: AddIndexStep, Target: missingIndexes(s, idx)[i], SQL: []string{q}})
	}
	return p, nil
}

func missingIndexes(s *schema.Schema, idx map[string]bool) []string {
	var out []string
	for _, ix := range s.Indexes {
		if !idx[ix.Name] {
			out = append(out, ix.Name)
		}
	}
	return out
}

func checkRenames(s *schema.Schema, have map[string]bool, rename map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for from, to := range rename {
		switch {
		case !have[from]:
			return nil, fmt.Errorf("migrate: table %q: cannot rename column %q: no such column", s.Table, from)
		case s.Column(to) == nil:
			return nil, fmt.Errorf("migrate: table %q: cannot rename %q to %q: the struct has no column %q", s.Table, from, to, to)
		case have[to]:
			return nil, fmt.Errorf("migrate: table %q: cannot rename %q to %q: column exists", s.Table, from, to)
		}
		out[from] = to
	}
	return out, nil
}

type diff struct {
	d       dialect.Dialect
	s       *schema.Schema
	have    map[string]bool
	renamed map[string]string
	opts    Options
	rebuild bool
	kept    []string // columns not in the struct, left alone
	cur     Table
}

func (x *diff) plan(p *Plan) {
	d, s := x.d, x.s
	froms := make([]string, 0, len(x.renamed))
	for from := range x.renamed {
		froms = append(froms, from)
	}
	slices.Sort(froms)
	target := map[string]bool{}
	for _, from := range froms {
		to := x.renamed[from]
		target[to] = true
		p.Steps = append(p.Steps, Step{Kind: RenameStep, Target: from + " -> " + to,
			SQL: []string{"ALTER TABLE " + q(d, s.Table) + " RENAME COLUMN " + q(d, from) + " TO " + q(d, to)}})
	}
	for _, f := range s.Fields {
		if x.have[f.Column] || target[f.Column] {
			continue
		}
		if d.RebuildToAlter() && (f.PrimaryKey || f.Unique || (f.NotNull && !f.HasDefault)) {
			x.rebuild = true
		}
		p.Steps = append(p.Steps, Step{Kind: AddColumnStep, Target: f.Column,
			SQL: []string{"ALTER TABLE " + q(d, s.Table) + " ADD COLUMN " + ColumnDef(d, s, f)}})
	}
	x.drops(p)
}

func (x *diff) drops(p *Plan) {
	d, s := x.d, x.s
	var cols []string
	for c := range x.have {
		if s.Column(c) == nil && x.renamed[c] == "" {
			cols = append(cols, c)
		}
	}
	slices.Sort(cols)
	for _, c := range cols {
		if !x.opts.DropUnknown && !slices.Contains(x.opts.Drop, c) {
			p.Steps = append(p.Steps, Step{Kind: KeepColumnStep, Target: c})
			x.kept = append(x.kept, c)
			continue
		}
		if d.RebuildToAlter() {
			x.rebuild = true
		}
		p.Steps = append(p.Steps, Step{Kind: DropColumnStep, Target: c,
			SQL: []string{"ALTER TABLE " + q(d, s.Table) + " DROP COLUMN " + q(d, c)}})
	}
}

// rebuild copies the table into a freshly created one (SQLite's documented
// procedure for changes ALTER TABLE cannot make), keeping shared columns.
// The individual add/drop/rename steps stay in the plan as a description;
// their SQL is replaced by this sequence.
func rebuild(d dialect.Dialect, s *schema.Schema, cols []string, renamed map[string]string) []string {
	tmp := s.Table + "__rebuild"
	var src, dst []string
	for _, c := range cols {
		to := c
		if r, ok := renamed[c]; ok {
			to = r
		}
		if s.Column(to) != nil {
			src, dst = append(src, q(d, c)), append(dst, q(d, to))
		}
	}
	out := []string{createTableAs(d, s, tmp)}
	if len(src) > 0 {
		out = append(out, "INSERT INTO "+q(d, tmp)+" ("+strings.Join(dst, ", ")+") SELECT "+
			strings.Join(src, ", ")+" FROM "+q(d, s.Table))
	}
	out = append(out, "DROP TABLE "+q(d, s.Table), "ALTER TABLE "+q(d, tmp)+" RENAME TO "+q(d, s.Table))
	return append(out, createIndexes(d, s, nil)...)
}

func q(d dialect.Dialect, ident string) string { return dialect.QuoteString(d, ident) }
