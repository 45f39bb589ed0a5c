package orm

import (
	"fmt"
	"strings"
)

// Join adds a join clause written after FROM, as SQL text with ? arguments:
// Join("JOIN purchase p ON p.customer_id = customer.id AND p.amount > ?", 10).
// The text is trusted like Where's. With a join, the model's own columns in
// the select list, OrderBy and the soft-delete filter are qualified with its
// table name; qualify your own Where columns where they are ambiguous.
func (s *Session) Join(sql string, args ...any) *Session {
	if strings.TrimSpace(sql) == "" {
		s.setErr(fmt.Errorf("orm: Join: empty clause"))
		return s
	}
	s.ext().joins = append(s.ext().joins, cond{sql: sql, args: args})
	return s
}

// Group adds GROUP BY expressions (trusted SQL text: "customer.id, name").
func (s *Session) Group(sql string) *Session {
	if strings.TrimSpace(sql) == "" {
		s.setErr(fmt.Errorf("orm: Group: empty expression"))
		return s
	}
	s.ext().group = append(s.ext().group, sql)
	return s
}

// Having adds a HAVING condition joined with AND, as SQL text with ?
// arguments: Having("SUM(p.amount) > ?", 100).
func (s *Session) Having(sql string, args ...any) *Session {
	if strings.TrimSpace(sql) == "" {
		s.setErr(fmt.Errorf("orm: Having: empty condition"))
		return s
	}
	s.ext().having = append(s.ext().having, cond{sql: sql, args: args})
	return s
}

// Distinct makes the statement SELECT DISTINCT.
func (s *Session) Distinct() *Session {
	s.ext().distinct = true
	return s
}

// SelectExpr adds raw expressions to the select list of Scan, as SQL text
// with ? arguments: SelectExpr("customer.name, COUNT(p.id) AS purchases").
// The text is trusted like Where's: never build it from user input. Result
// columns are matched to Scan's destination by name (use AS).
func (s *Session) SelectExpr(sql string, args ...any) *Session {
	if strings.TrimSpace(sql) == "" {
		s.setErr(fmt.Errorf("orm: SelectExpr: empty expression"))
		return s
	}
	s.ext().selExpr = append(s.ext().selExpr, cond{sql: sql, args: args})
	return s
}

// OrderExpr adds a raw ORDER BY item after the OrderBy columns, as SQL text
// with ? arguments: OrderExpr("COUNT(p.id) DESC").
func (s *Session) OrderExpr(sql string, args ...any) *Session {
	if strings.TrimSpace(sql) == "" {
		s.setErr(fmt.Errorf("orm: OrderExpr: empty expression"))
		return s
	}
	s.ext().orderExpr = append(s.ext().orderExpr, cond{sql: sql, args: args})
	return s
}

// AllowUnknownColumns makes Scan skip result columns that no destination
// field maps, instead of failing on them.
func (s *Session) AllowUnknownColumns() *Session {
	s.ext().extraCols = true
	return s
}
