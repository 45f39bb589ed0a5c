package orm

import (
	"fmt"
	"reflect"
	"slices"
	"time"
	"unsafe"

	"github.com/gee-project/gee/orm/clause"
	"github.com/gee-project/gee/orm/dialect"
	"github.com/gee-project/gee/orm/schema"
)

// rowSet is the rows of one struct type passed to Insert or Upsert.
type rowSet struct {
	sch   *schema.Schema
	bases []unsafe.Pointer
}

// collect groups struct pointers, slices and slice pointers by type.
func collect(values []any) ([]rowSet, error) {
	var sets []rowSet
	add := func(t reflect.Type, base unsafe.Pointer) error {
		sch, err := schema.ParseType(t)
		if err != nil {
			return err
		}
		if n := len(sets); n > 0 && sets[n-1].sch == sch {
			sets[n-1].bases = append(sets[n-1].bases, base)
			return nil
		}
		sets = append(sets, rowSet{sch: sch, bases: []unsafe.Pointer{base}})
		return nil
	}
	for _, v := range values {
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Slice {
			rv = rv.Elem()
		}
		switch {
		case rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct:
			if err := add(rv.Elem().Type(), rv.UnsafePointer()); err != nil {
				return nil, err
			}
		case rv.Kind() == reflect.Slice:
			if err := collectSlice(rv, add); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("orm: cannot insert %T: want a struct pointer or a slice of structs", v)
		}
	}
	return sets, nil
}

func collectSlice(rv reflect.Value, add func(reflect.Type, unsafe.Pointer) error) error {
	et := rv.Type().Elem()
	for i := 0; i < rv.Len(); i++ {
		e := rv.Index(i)
		switch {
		case et.Kind() == reflect.Struct:
			if err := add(et, e.Addr().UnsafePointer()); err != nil {
				return err
			}
		case et.Kind() == reflect.Pointer && et.Elem().Kind() == reflect.Struct && !e.IsNil():
			if err := add(et.Elem(), e.UnsafePointer()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("orm: cannot insert element %d of %s", i, rv.Type())
		}
	}
	return nil
}

// Insert inserts struct pointers and slices of structs, one statement per
// type (chunked under the dialect's parameter limit, inside a transaction
// when chunked), and fills in generated keys. It returns the rows inserted.
// Every field is written, zero values included.
func (s *Session) Insert(values ...any) (int64, error) {
	return s.insertAll("insert", values)
}

// Upsert inserts rows, updating every non-key column of rows that conflict
// on the primary key (or the OnConflict columns). Generated keys are filled
// in on PostgreSQL only.
func (s *Session) Upsert(values ...any) (int64, error) {
	return s.insertAll("upsert", values)
}

func (s *Session) insertAll(op string, values []any) (int64, error) {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return 0, err
	}
	var total int64
	if len(values) == 1 { // fast path: one struct pointer
		rv := reflect.ValueOf(values[0])
		if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct {
			sch, err := schema.ParseType(rv.Elem().Type())
			if err != nil {
				return 0, err
			}
			one := [1]unsafe.Pointer{rv.UnsafePointer()}
			return s.insertSet(op, sch, one[:])
		}
	}
	sets, err := collect(values)
	if err != nil {
		return 0, err
	}
	for _, set := range sets {
		n, err := s.insertSet(op, set.sch, set.bases)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// insertSet splits rows by whether the auto-increment key is set, since the
// two kinds need different column lists.
func (s *Session) insertSet(op string, sch *schema.Schema, bases []unsafe.Pointer) (int64, error) {
	s.sch = sch
	if err := schemaColumns(op, sch); err != nil {
		return 0, err
	}
	if op == "upsert" {
		for _, c := range s.updCols {
			if _, err := s.field(sch, c); err != nil {
				return 0, err
			}
		}
	}
	stampInsert(sch, bases)
	if err := s.runHooks(sch, beforeInsert, bases); err != nil {
		return 0, err
	}
	zero, keyed := splitByKey(sch, bases)
	var total int64
	for i, whole := range [2][]unsafe.Pointer{zero, keyed} {
		for _, g := range splitByDefaults(op, sch, whole) {
			n, err := s.insertGroup(op, sch, g.bases, i == 0, g.omit)
			total += n
			if err != nil {
				return total, err
			}
		}
	}
	if err := s.runHooks(sch, afterInsert, bases); err != nil {
		return total, err
	}
	return total, nil
}

// defaultGroup is rows leaving out the same defaulted fields (bit i of omit
// is sch.Defaulted[i]).
type defaultGroup struct {
	omit  uint64
	bases []unsafe.Pointer
}

// splitByDefaults groups rows by which fields with a default hold their zero
// value: those are left out of the INSERT so the database default applies.
func splitByDefaults(op string, sch *schema.Schema, bases []unsafe.Pointer) []defaultGroup {
	if len(bases) == 0 {
		return nil
	}
	if op != "insert" || len(sch.Defaulted) == 0 {
		return []defaultGroup{{bases: bases}}
	}
	var groups []defaultGroup
	at := map[uint64]int{}
	for _, b := range bases {
		var m uint64
		for i, f := range sch.Defaulted {
			if f.IsZero(b) {
				m |= 1 << i
			}
		}
		i, ok := at[m]
		if !ok {
			i = len(groups)
			at[m] = i
			groups = append(groups, defaultGroup{omit: m})
		}
		groups[i].bases = append(groups[i].bases, b)
	}
	return groups
}

// insertGroup inserts rows sharing one column list.
func (s *Session) insertGroup(op string, sch *schema.Schema, part []unsafe.Pointer, genKey bool, omit uint64) (int64, error) {
	if op == "upsert" && genKey {
		return s.upsertKeyed(sch, part)
	}
	if !genKey || op != "insert" || len(part) < 2 || s.e.dialect.Name() != "mysql" || s.tx != nil {
		return s.insertChunks(op, sch, part, genKey, omit)
	}
	// The key step is a session variable: read it on the connection that
	// runs the INSERT.
	var n int64
	err := s.Transaction(func(ts *Session) error {
		var err error
		n, err = ts.insertChunks(op, sch, part, true, omit)
		return err
	})
	return n, err
}

// stampInsert sets zero CreatedAt/UpdatedAt fields to now, truncated to
// the microseconds PostgreSQL and MySQL keep, so the struct equals what is
// read back.
func stampInsert(sch *schema.Schema, bases []unsafe.Pointer) {
	if sch.CreatedAt == nil && sch.UpdatedAt == nil {
		return
	}
	now := time.Now().Truncate(time.Microsecond)
	for _, f := range [2]*schema.Field{sch.CreatedAt, sch.UpdatedAt} {
		if f == nil {
			continue
		}
		for _, b := range bases {
			if f.IsZero(b) {
				_ = f.SetAny(b, now) // a time.Time into a time.Time field cannot fail
			}
		}
	}
}

// splitByKey separates rows whose auto-increment key is unset (the database
// generates it) from rows that carry their own key.
func splitByKey(sch *schema.Schema, bases []unsafe.Pointer) (zero, keyed []unsafe.Pointer) {
	if sch.AutoInc == nil {
		return nil, bases
	}
	nz := 0
	for _, b := range bases {
		if !sch.AutoInc.IsZero(b) {
			nz++
		}
	}
	switch nz {
	case 0:
		return bases, nil
	case len(bases):
		return nil, bases
	}
	for _, b := range bases {
		if sch.AutoInc.IsZero(b) {
			zero = append(zero, b)
		} else {
			keyed = append(keyed, b)
		}
	}
	return zero, keyed
}

// insertChunks runs one statement per chunk, all in one transaction when
// there is more than one chunk.
func (s *Session) insertChunks(op string, sch *schema.Schema, bases []unsafe.Pointer, genKey bool, omit uint64) (int64, error) {
	cols := insertFields(sch, genKey, omit)
	per := s.e.dialect.MaxParams() / len(cols)
	if len(bases) <= per {
		return s.insertStmt(op, sch, cols, bases, genKey, omit)
	}
	var total int64
	run := func(ts *Session) error {
		for start := 0; start < len(bases); start += per {
			end := min(start+per, len(bases))
			n, err := ts.insertStmt(op, sch, cols, bases[start:end], genKey, omit)
			total += n
			if err != nil {
				return err
			}
		}
		return nil
	}
	if s.tx != nil {
		return total, run(s)
	}
	err := s.Transaction(run)
	return total, err
}

func insertFields(sch *schema.Schema, genKey bool, omit uint64) []*schema.Field {
	all := sch.Fields
	if genKey {
		all = sch.Generated
	}
	if omit == 0 {
		return all
	}
	skip := map[*schema.Field]bool{}
	for i, f := range sch.Defaulted {
		if omit&(1<<i) != 0 {
			skip[f] = true
		}
	}
	cols := make([]*schema.Field, 0, len(all)-len(skip))
	for _, f := range all {
		if !skip[f] {
			cols = append(cols, f)
		}
	}
	if len(cols) == 0 {
		return all // an INSERT needs a column; zero values are written
	}
	return cols
}

// maxCachedRows bounds the batch sizes whose INSERT text is cached.
const maxCachedRows = 1000

// insertStmt builds and runs one multi-row INSERT and fills generated keys.
func (s *Session) insertStmt(op string, sch *schema.Schema, cols []*schema.Field, bases []unsafe.Pointer, genKey bool, omit uint64) (int64, error) {
	d := s.e.dialect
	b := s.builder()
	returning := genKey && d.Returning()
	var query string
	if op == "insert" && len(bases) <= maxCachedRows {
		k := sqlKey{sch: sch, op: opInsertAll, rows: len(bases), omit: omit}
		if genKey {
			k.op = opInsertNoKey
		}
		query, _ = s.e.cachedSQL(k, func(cb *clause.Builder) error {
			s.writeInsert(cb, op, sch, cols, bases, returning)
			return nil
		})
		b.Args = slices.Grow(b.Args, len(bases)*len(cols))
		for _, base := range bases {
			for _, f := range cols {
				b.Args = append(b.Args, f.Arg(base))
			}
		}
	} else {
		b.Args = slices.Grow(b.Args, len(bases)*len(cols))
		s.writeInsert(b, op, sch, cols, bases, returning)
		query = b.String()
	}
	if returning {
		return s.insertReturning(op, sch, query, bases)
	}
	step := int64(1)
	if genKey && op == "insert" && len(bases) > 1 && d.Name() == "mysql" {
		var ok bool
		if step, ok = s.mysqlKeyStep(); !ok {
			return s.insertEach(op, sch, cols, bases, omit)
		}
	}
	res, err := s.exec(query, b.Args)
	if err != nil {
		return 0, s.fail(op, query, err)
	}
	n, _ := res.RowsAffected()
	if genKey && op == "insert" {
		if err := backfill(d.Name(), sch, res, bases, step); err != nil {
			return n, s.fail(op, query, err)
		}
	}
	return n, nil
}

// mysqlKeyStep returns the distance between the keys one multi-row INSERT
// generates on this session's connection (which must be a transaction's),
// or false when they need not be evenly spaced: innodb_autoinc_lock_mode=2
// lets concurrent inserts interleave.
func (s *Session) mysqlKeyStep() (int64, bool) {
	if s.dry != nil {
		return 1, true // show the one multi-row statement
	}
	if s.tx == nil {
		return 0, false
	}
	var step, mode int64
	err := s.q.QueryRowContext(s.ctx, "SELECT @@SESSION.auto_increment_increment, @@GLOBAL.innodb_autoinc_lock_mode").Scan(&step, &mode)
	if err != nil || mode == 2 || step < 1 {
		return 0, false
	}
	return step, true
}

// insertEach inserts rows one statement each, so every LastInsertId is the
// row's own key.
func (s *Session) insertEach(op string, sch *schema.Schema, cols []*schema.Field, bases []unsafe.Pointer, omit uint64) (int64, error) {
	var total int64
	for i := range bases {
		n, err := s.insertStmt(op, sch, cols, bases[i:i+1], true, omit)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (s *Session) writeInsert(b *clause.Builder, op string, sch *schema.Schema, cols []*schema.Field, bases []unsafe.Pointer, returning bool) {
	b.Raw("INSERT INTO ")
	b.Ident(sch.Table)
	b.Raw(" (")
	for i, f := range cols {
		if i > 0 {
			b.Raw(", ")
		}
		b.Ident(f.Column)
	}
	b.Raw(") VALUES ")
	for r, base := range bases {
		if r > 0 {
			b.Raw(", ")
		}
		b.Raw("(")
		for i, f := range cols {
			if i > 0 {
				b.Raw(", ")
			}
			b.Bind(f.Arg(base))
		}
		b.Raw(")")
	}
	if op != "insert" {
		s.writeConflict(b, op, sch, cols)
	}
	if returning {
		b.Raw(" RETURNING ")
		b.Ident(sch.AutoInc.Column)
	}
}

func (s *Session) writeConflict(b *clause.Builder, op string, sch *schema.Schema, cols []*schema.Field) {
	conflict := s.confl
	if len(conflict) == 0 {
		for _, f := range sch.PrimaryKeys {
			conflict = append(conflict, f.Column)
		}
	}
	skip := map[string]bool{}
	for _, c := range conflict {
		skip[c] = true
	}
	var upd []string
	switch {
	case s.doNoth:
	case len(s.updCols) > 0:
		for _, c := range s.updCols {
			if f, err := s.field(sch, c); err == nil { // checked in insertSet
				upd = append(upd, f.Column)
			}
		}
	default:
		for _, f := range cols {
			if !skip[f.Column] && !f.PrimaryKey {
				upd = append(upd, f.Column)
			}
		}
	}
	if ku, ok := s.e.dialect.(dialect.KeyUpserter); ok && op == opUpsertKey {
		b.Buf = ku.UpsertKey(b.Buf, sch.AutoInc.Column, upd)
		return
	}
	b.Buf = s.e.dialect.Upsert(b.Buf, conflict, upd)
}

// insertReturning runs an INSERT ... RETURNING key and stores the keys.
func (s *Session) insertReturning(op string, sch *schema.Schema, query string, bases []unsafe.Pointer) (int64, error) {
	rows, err := s.query(query, s.b.Args)
	if err != nil {
		return 0, s.fail(op, query, err)
	}
	defer rows.Close()
	var n, id int64
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return n, s.fail(op, query, err)
		}
		if int(n) < len(bases) {
			sch.AutoInc.SetInt64(bases[n], id)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, s.fail(op, query, err)
	}
	return n, nil
}

type lastIDer interface{ LastInsertId() (int64, error) }

// backfill derives keys from LastInsertId: SQLite reports the last row's
// key, MySQL the first; keys of one statement are step apart (SQLite holds
// the write lock for the whole statement; MySQL's step was checked by
// mysqlKeyStep).
func backfill(dialect string, sch *schema.Schema, res lastIDer, bases []unsafe.Pointer, step int64) error {
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("reading generated key: %w", err)
	}
	first := id - int64(len(bases)-1)*step
	if dialect == "mysql" {
		first = id
	}
	for i, b := range bases {
		sch.AutoInc.SetInt64(b, first+int64(i)*step)
	}
	return nil
}
