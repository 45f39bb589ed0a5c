package orm

import (
	"fmt"
	"strings"

	"github.com/gee-project/gee/orm/schema"
)

// Model sets the table the next statement works on, from a struct pointer
// (or slice pointer). Needed by Count, Exists, UpdateMap and conditional
// Delete; Find, First, Get and Insert infer it from their argument.
func (s *Session) Model(v any) *Session {
	sch, err := schema.Parse(v)
	if err == nil {
		err = schemaColumns("Model", sch)
	}
	if err != nil {
		s.setErr(err)
		return s
	}
	s.model, s.sch = v, sch
	return s
}

// Where adds a condition joined with AND. sql uses ? for each argument, and a
// slice argument expands to an IN list: Where("id IN ?", ids). The SQL text
// is trusted: put user input only in args.
func (s *Session) Where(sql string, args ...any) *Session {
	if strings.TrimSpace(sql) == "" {
		s.setErr(fmt.Errorf("orm: Where/And: empty condition"))
		return s
	}
	s.addCond(cond{sql: sql, args: args})
	return s
}

// And is Where.
func (s *Session) And(sql string, args ...any) *Session { return s.Where(sql, args...) }

// Or adds a condition joined with OR. Conditions keep SQL precedence: AND
// binds tighter than OR, each condition being parenthesised.
func (s *Session) Or(sql string, args ...any) *Session {
	if strings.TrimSpace(sql) == "" {
		s.setErr(fmt.Errorf("orm: Or: empty condition"))
		return s
	}
	s.addCond(cond{or: true, sql: sql, args: args})
	return s
}

// In adds "column IN (values...)" joined with AND; column is checked against
// the model and quoted.
func (s *Session) In(column string, values ...any) *Session {
	if len(values) == 0 {
		s.setErr(fmt.Errorf("orm: In(%q) needs at least one value", column))
		return s
	}
	s.addCond(cond{col: column, args: values})
	return s
}

func (s *Session) addCond(c cond) {
	if s.conds == nil {
		s.conds = s.condBuf[:0]
	}
	s.conds = append(s.conds, c)
}

// OrderBy sorts by a comma-separated list of "column [ASC|DESC]"; columns
// are checked against the model and quoted.
func (s *Session) OrderBy(spec string) *Session {
	for _, item := range strings.Split(spec, ",") {
		f := strings.Fields(item)
		if len(f) == 0 || len(f) > 2 {
			s.setErr(fmt.Errorf("orm: OrderBy(%q): want \"column [ASC|DESC]\" items", spec))
			return s
		}
		o := orderItem{col: f[0]}
		if len(f) == 2 {
			switch strings.ToUpper(f[1]) {
			case "ASC":
			case "DESC":
				o.desc = true
			default:
				s.setErr(fmt.Errorf("orm: OrderBy(%q): direction %q is not ASC or DESC", spec, f[1]))
				return s
			}
		}
		s.order = append(s.order, o)
	}
	return s
}

// Limit caps the number of rows returned.
func (s *Session) Limit(n int) *Session {
	if n < 0 {
		s.setErr(fmt.Errorf("orm: Limit(%d): negative limit", n))
		return s
	}
	s.limit, s.hasLim = n, true
	return s
}

// Offset skips n rows.
func (s *Session) Offset(n int) *Session {
	if n < 0 {
		s.setErr(fmt.Errorf("orm: Offset(%d): negative offset", n))
		return s
	}
	s.offset, s.hasOff = n, true
	return s
}

// Select restricts the columns read by Find and First; others keep their
// zero values.
func (s *Session) Select(cols ...string) *Session {
	s.cols = append(s.cols, cols...)
	return s
}

// Unscoped includes soft-deleted rows, and makes Delete remove rows for real.
func (s *Session) Unscoped() *Session {
	s.unscope = true
	return s
}

// ForUpdate locks the rows read by Find, First and Get until the
// transaction ends (SELECT ... FOR UPDATE), so a read-modify-write does not
// lose concurrent updates. SQLite has no row locks: there it adds nothing,
// and a write transaction (BEGIN IMMEDIATE, _txlock=immediate) serialises.
func (s *Session) ForUpdate() *Session {
	s.forUpd = true
	return s
}

// OnConflict sets the conflict target of Upsert (default: the primary key).
func (s *Session) OnConflict(cols ...string) *Session {
	s.confl = append(s.confl, cols...)
	return s
}

// DoUpdate limits the columns (column or field names) Upsert overwrites on
// a conflict; by default it overwrites every non-key column.
func (s *Session) DoUpdate(cols ...string) *Session {
	s.updCols = append(s.updCols, cols...)
	return s
}

// DoNothing makes Upsert keep conflicting rows unchanged (ON CONFLICT DO
// NOTHING; on MySQL a no-op ON DUPLICATE KEY UPDATE).
func (s *Session) DoNothing() *Session {
	s.doNoth = true
	return s
}

func (s *Session) setErr(err error) {
	if s.err == nil {
		s.err = err
	}
}

// takeErr returns and clears a chain error.
func (s *Session) takeErr() error {
	err := s.err
	s.err = nil
	return err
}
