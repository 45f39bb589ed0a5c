package orm

import (
	"fmt"
	"strings"

	"github.com/gee-project/gee/orm/schema"
)

// preloadNode is one association of a Preload path tree: Preload("Orders")
// and Preload("Orders.Items") share the node Orders.
type preloadNode struct {
	name     string
	cond     *cond
	children []*preloadNode
}

// Preload loads an association of the rows Find, First and Get return: a
// field name ("Orders"), or a dotted path through nested associations
// ("Orders.Items"; each level is loaded too). Each level costs one query
// with an IN list of the parents' keys (split only past the dialect's bind
// parameter limit), never one per row. An optional condition filters the
// last level: Preload("Orders", "amount > ?", 10). Related rows come in
// primary key order; soft-deleted ones are skipped unless Unscoped.
func (s *Session) Preload(path string, where ...any) *Session {
	names := strings.Split(path, ".")
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			s.setErr(fmt.Errorf("orm: Preload(%q): empty association name", path))
			return s
		}
	}
	var c *cond
	if len(where) > 0 {
		text, ok := where[0].(string)
		if !ok || strings.TrimSpace(text) == "" {
			s.setErr(fmt.Errorf("orm: Preload(%q): the condition must be non-empty SQL text, got %T", path, where[0]))
			return s
		}
		c = &cond{sql: text, args: where[1:]}
	}
	level := &s.ext().preloads
	var n *preloadNode
	for _, name := range names {
		n = nil
		for _, x := range *level {
			if x.name == name {
				n = x
			}
		}
		if n == nil {
			n = &preloadNode{name: name}
			*level = append(*level, n)
		}
		level = &n.children
	}
	if c != nil {
		n.cond = c
	}
	return s
}

// schemaColumns rejects a type with no columns (a join row) where a table
// is needed.
func schemaColumns(op string, sch *schema.Schema) error {
	if sch.Table == "" {
		return fmt.Errorf("orm: %s: %s is anonymous: a table needs a named type or a TableName method", op, sch.Type)
	}
	if len(sch.Fields) == 0 {
		return fmt.Errorf("orm: %s: %s maps no columns (only associations); it can only receive joined rows (Scan)", op, sch.Type)
	}
	return nil
}

// checkPreloads resolves every chained Preload path against sch before any
// statement runs, so a bad name fails even when no row matches.
func (s *Session) checkPreloads(sch *schema.Schema) error {
	return checkNodes(sch, s.xr().preloads)
}

func checkNodes(sch *schema.Schema, nodes []*preloadNode) error {
	for _, n := range nodes {
		a, err := sch.Resolve(n.name)
		if err != nil {
			return &Error{Op: "preload", Table: sch.Table, Column: n.name, Err: err}
		}
		if err := schemaColumns("preload "+n.name, a.Related); err != nil {
			return err
		}
		if err := checkNodes(a.Related, n.children); err != nil {
			return err
		}
	}
	return nil
}
