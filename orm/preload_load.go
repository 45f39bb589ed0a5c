package orm

import (
	"reflect"
	"unsafe"

	"github.com/gee-project/gee/orm/clause"
	"github.com/gee-project/gee/orm/schema"
)

// runPreloads loads the chained Preload paths into the rows at bases.
func (s *Session) runPreloads(sch *schema.Schema, bases []unsafe.Pointer) error {
	if len(s.xr().preloads) == 0 || len(bases) == 0 {
		return nil
	}
	ps := s.child()
	ps.unscope = s.unscope
	for _, n := range s.xr().preloads {
		if err := ps.loadAssoc(sch, bases, n); err != nil {
			return err
		}
	}
	return nil
}

// loadAssoc loads association n of every parent with one query (per
// bind-parameter-limit chunk of keys), then its nested levels.
func (s *Session) loadAssoc(sch *schema.Schema, parents []unsafe.Pointer, n *preloadNode) error {
	a, err := sch.Resolve(n.name)
	if err != nil {
		return &Error{Op: "preload", Table: sch.Table, Column: n.name, Err: err}
	}
	if err := schemaColumns("preload "+n.name, a.Related); err != nil {
		return err
	}
	o := newOwners(a, dedupe(parents))
	if len(o.keys) == 0 {
		return nil
	}
	rows := reflect.New(reflect.SliceOf(a.Related.Type)).Elem()
	rows.Grow(len(o.keys))
	var links []any
	if err := s.fetchRelated(a, n.cond, o.keys, rows, &links); err != nil {
		return err
	}
	next := attach(a, o, rows, links)
	if hooksOf(a.Related)&afterQuery != 0 {
		for _, p := range next {
			if err := s.runHook(a.Related, afterQuery, p); err != nil {
				return &Error{Op: "hook", Table: a.Related.Table, Err: err}
			}
		}
	}
	for _, c := range n.children {
		if err := s.loadAssoc(a.Related, next, c); err != nil {
			return err
		}
	}
	return nil
}

// relField is the association field of the owner at base.
func relField(a *schema.Assoc, base unsafe.Pointer) reflect.Value {
	return reflect.NewAt(a.Rel.Type, unsafe.Add(base, a.Rel.Offset)).Elem()
}

// owners indexes deduplicated parents by their key value.
type owners struct {
	parents []unsafe.Pointer
	keys    []any           // distinct non-NULL keys, in parent order
	first   map[any]int32   // key -> first parent holding it
	more    map[any][]int32 // key -> further parents (a shared belongs-to key)
}

// newOwners clears the association field of every parent and indexes them.
func newOwners(a *schema.Assoc, parents []unsafe.Pointer) *owners {
	o := &owners{parents: parents, keys: make([]any, 0, len(parents)), first: make(map[any]int32, len(parents))}
	for i, p := range parents {
		relField(a, p).SetZero()
		k, ok := a.OwnerKey.Key(p)
		if !ok {
			continue
		}
		if _, seen := o.first[k]; !seen {
			o.first[k] = int32(i)
			o.keys = append(o.keys, k)
			continue
		}
		if o.more == nil {
			o.more = map[any][]int32{}
		}
		o.more[k] = append(o.more[k], int32(i))
	}
	return o
}

// attach stores each related row into the parents whose key it matches and
// returns the addresses of the stored rows (deduplicated), the parents of
// the next level. Rows are grouped per parent by a counting sort, keeping
// their query order.
func attach(a *schema.Assoc, o *owners, rows reflect.Value, links []any) []unsafe.Pointer {
	n := rows.Len()
	pairs := make([]int32, 0, 2*n) // (parent, row)
	for i := 0; i < n; i++ {
		var k any
		if a.Kind == schema.ManyToMany {
			k = links[i]
		} else {
			k, _ = a.RelatedKey.Key(rows.Index(i).Addr().UnsafePointer())
		}
		p, ok := o.first[k]
		if !ok {
			continue
		}
		pairs = append(pairs, p, int32(i))
		for _, q := range o.more[k] {
			pairs = append(pairs, q, int32(i))
		}
	}
	start := make([]int32, len(o.parents)+1)
	for j := 0; j < len(pairs); j += 2 {
		start[pairs[j]+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	order := make([]int32, len(pairs)/2)
	fill := append([]int32(nil), start[:len(o.parents)]...)
	for j := 0; j < len(pairs); j += 2 {
		p := pairs[j]
		order[fill[p]] = pairs[j+1]
		fill[p]++
	}
	next := make([]unsafe.Pointer, 0, n)
	for pi, p := range o.parents {
		idx := order[start[pi]:start[pi+1]]
		fv := relField(a, p)
		if !a.Rel.Many {
			if len(idx) == 0 {
				continue
			}
			if a.Rel.Ptr {
				fv.Set(rows.Index(int(idx[0])).Addr())
				next = append(next, fv.UnsafePointer())
			} else {
				fv.Set(rows.Index(int(idx[0])))
				next = append(next, fv.Addr().UnsafePointer())
			}
			continue
		}
		sl := reflect.MakeSlice(a.Rel.Type, len(idx), len(idx))
		for j, i := range idx {
			if a.Rel.Ptr {
				sl.Index(j).Set(rows.Index(int(i)).Addr())
				next = append(next, rows.Index(int(i)).Addr().UnsafePointer())
			} else {
				sl.Index(j).Set(rows.Index(int(i)))
				next = append(next, sl.Index(j).Addr().UnsafePointer())
			}
		}
		fv.Set(sl)
	}
	if a.Rel.Ptr {
		return dedupe(next) // parents sharing a row hold the same pointer
	}
	return next
}

func dedupe(ps []unsafe.Pointer) []unsafe.Pointer {
	seen := make(map[unsafe.Pointer]bool, len(ps))
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// fetchRelated reads the related rows of keys into rows (a []T), and for a
// many-to-many association the owner key of each row into links.
func (s *Session) fetchRelated(a *schema.Assoc, c *cond, keys []any, rows reflect.Value, links *[]any) error {
	per := s.e.dialect.MaxParams() / 2
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(start+per, len(keys))]
		b := s.builder()
		if err := s.writeRelatedSelect(b, a, c, chunk); err != nil {
			return err
		}
		if err := s.scanRelated(a, b.String(), b.Args, rows, links); err != nil {
			return err
		}
	}
	return nil
}

func (s *Session) writeRelatedSelect(b *clause.Builder, a *schema.Assoc, c *cond, keys []any) error {
	rel := a.Related
	b.Raw("SELECT ")
	for i, f := range rel.Fields {
		if i > 0 {
			b.Raw(", ")
		}
		qualified(b, rel.Table, f.Column)
	}
	keyTable, keyCol := rel.Table, a.RelatedKey.Column
	if a.Kind == schema.ManyToMany {
		keyTable, keyCol = a.JoinTable, a.JoinOwner
		b.Raw(", ")
		qualified(b, keyTable, keyCol)
	}
	b.Raw(" FROM ")
	b.Ident(rel.Table)
	if a.Kind == schema.ManyToMany {
		b.Raw(" JOIN ")
		b.Ident(a.JoinTable)
		b.Raw(" ON ")
		qualified(b, a.JoinTable, a.JoinRel)
		b.Raw(" = ")
		qualified(b, rel.Table, a.RelatedKey.Column)
	}
	b.Raw(" WHERE ")
	qualified(b, keyTable, keyCol)
	b.Raw(" IN (")
	b.Placeholders(keys)
	b.Raw(")")
	if c != nil {
		b.Raw(" AND (")
		if err := b.Expr(c.sql, c.args); err != nil {
			return &Error{Op: "preload", Table: rel.Table, Column: a.Rel.Name, Err: err}
		}
		b.Raw(")")
	}
	if rel.SoftDelete != nil && !s.unscope {
		b.Raw(" AND ")
		qualified(b, rel.Table, rel.SoftDelete.Column)
		b.Raw(" IS NULL")
	}
	for i, f := range rel.PrimaryKeys {
		if i == 0 {
			b.Raw(" ORDER BY ")
		} else {
			b.Raw(", ")
		}
		qualified(b, rel.Table, f.Column)
	}
	return nil
}

func qualified(b *clause.Builder, table, col string) {
	b.Ident(table)
	b.Raw(".")
	b.Ident(col)
}

// scanRelated appends the rows of query to rows.
func (s *Session) scanRelated(a *schema.Assoc, query string, args []any, rows reflect.Value, links *[]any) error {
	s.sch = a.Related
	rs, err := s.query(query, args)
	if err != nil {
		return s.fail("preload", query, err)
	}
	defer rs.Close()
	sc := schema.NewRowScanner(a.Related.Fields)
	dest := sc.Dest()
	var key reflect.Value
	var keyField *schema.Field
	if a.Kind == schema.ManyToMany {
		if keyField, err = schema.ScalarField(a.OwnerKey.Type); err != nil {
			return &Error{Op: "preload", Table: a.Related.Table, Column: a.JoinOwner, Err: err}
		}
		key = reflect.New(a.OwnerKey.Type)
		ks := schema.NewRowScanner([]*schema.Field{keyField})
		ks.Bind(key.UnsafePointer())
		dest = append(dest[:len(dest):len(dest)], ks.Dest()...)
	}
	for rs.Next() {
		n := rows.Len()
		if n == rows.Cap() {
			rows.Grow(1)
		}
		rows.SetLen(n + 1)
		sc.Bind(rows.Index(n).Addr().UnsafePointer())
		if err := rs.Scan(dest...); err != nil {
			return s.fail("preload scan", query, err)
		}
		if keyField != nil {
			k, _ := keyField.Key(key.UnsafePointer())
			*links = append(*links, k)
		}
	}
	if err := rs.Err(); err != nil {
		return s.fail("preload", query, err)
	}
	return nil
}
