package schema

import (
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Relation is a struct-typed field naming another model: an association,
// not a column. Its kind and keys are resolved on first use (Assoc), since
// the related type may refer back to this one.
type Relation struct {
	Name   string       // Go field name
	Type   reflect.Type // field type: T, *T, []T or []*T
	Elem   reflect.Type // the related struct type T
	Offset uintptr
	Many   bool // a slice
	Ptr    bool // T is held through a pointer (*T or []*T)

	foreignKey, references                string
	many2many, joinForeignKey, joinRefers string
	alias                                 string

	once  sync.Once
	assoc *Assoc
	err   error
}

// AssocKind is how an association's rows are linked.
type AssocKind int

// Association kinds.
const (
	BelongsTo  AssocKind = iota + 1 // the owner holds the foreign key
	HasOne                          // the related row holds the foreign key, one row
	HasMany                         // the related rows hold the foreign key
	ManyToMany                      // rows linked through a join table
)

func (k AssocKind) String() string {
	switch k {
	case BelongsTo:
		return "belongs-to"
	case HasOne:
		return "has-one"
	case HasMany:
		return "has-many"
	case ManyToMany:
		return "many-to-many"
	}
	return "unknown"
}

// Assoc is a resolved association: rows of Related are linked to the owner
// when RelatedKey's value equals OwnerKey's (or, for ManyToMany, through
// JoinTable's JoinOwner and JoinRelated columns).
type Assoc struct {
	Kind       AssocKind
	Rel        *Relation
	Owner      *Schema
	Related    *Schema
	OwnerKey   *Field
	RelatedKey *Field
	JoinTable  string
	JoinOwner  string // join table column holding the owner's key
	JoinRel    string // join table column holding the related key
}

// Alias is the qualifier used for the relation's columns when it is a field
// of a join row (the alias tag, else the related table name).
func (r *Relation) Alias(related *Schema) string {
	if r.alias != "" {
		return r.alias
	}
	return related.Table
}

// Relation returns the association field called name, or nil.
func (s *Schema) Relation(name string) *Relation {
	for _, r := range s.Relations {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// relationType reports whether a field of type t is an association: a
// struct (other than time.Time, a Scanner or a Valuer), a pointer to one, or
// a slice of either.
func relationType(t reflect.Type) (elem reflect.Type, many, ptr, ok bool) {
	if t.Kind() == reflect.Slice {
		many, t = true, t.Elem()
	}
	if t.Kind() == reflect.Pointer {
		ptr, t = true, t.Elem()
	}
	if !isEmbeddable(t) || t.Implements(valuerType) || reflect.PointerTo(t).Implements(valuerType) {
		return nil, false, false, false
	}
	return t, many, ptr, true
}

func newRelation(sf reflect.StructField, o tagOptions, elem reflect.Type, many, ptr bool, offset uintptr) *Relation {
	return &Relation{Name: sf.Name, Type: sf.Type, Elem: elem, Offset: offset, Many: many, Ptr: ptr,
		foreignKey: o.foreignKey, references: o.references, many2many: o.many2many,
		joinForeignKey: o.joinForeignKey, joinRefers: o.joinReferences, alias: o.alias}
}

// Resolve returns the association of relation name, inferring its kind and
// keys by convention (gorm's): a has-many []Order on User uses Order.UserID;
// a Profile field is belongs-to when the owner has ProfileID, else has-one
// when Profile has UserID. Tags override: foreignKey:Field,
// references:Field, many2many:join_table, joinForeignKey:column,
// joinReferences:column.
func (s *Schema) Resolve(name string) (*Assoc, error) {
	r := s.Relation(name)
	if r == nil {
		return nil, fmt.Errorf("schema: %s has no association field %q", s.Type, name)
	}
	r.once.Do(func() { r.assoc, r.err = s.resolve(r) })
	return r.assoc, r.err
}

func (s *Schema) resolve(r *Relation) (*Assoc, error) {
	rel, err := ParseType(r.Elem)
	if err != nil {
		return nil, fmt.Errorf("schema: %s.%s: %w", s.Type, r.Name, err)
	}
	a := &Assoc{Rel: r, Owner: s, Related: rel}
	fail := func(format string, args ...any) (*Assoc, error) {
		return nil, fmt.Errorf("schema: %s.%s: "+format, append([]any{s.Type, r.Name}, args...)...)
	}
	ownerPK, err := s.keyField(r.references, s)
	switch {
	case r.many2many != "":
		return s.resolveMany2Many(a, r, rel, fail)
	case r.Many:
		a.Kind = HasMany
		if err != nil {
			return fail("%v", err)
		}
		a.OwnerKey = ownerPK
		fk := r.foreignKey
		if fk == "" {
			fk = conventionKey(s, ownerPK)
		}
		if a.RelatedKey = lookupKey(rel, fk); a.RelatedKey == nil {
			return fail("has-many needs foreign key field %s in %s (or tag foreignKey:Field)", fk, rel.Type)
		}
		return a, nil
	}
	fk := r.foreignKey
	if fk == "" {
		fk = r.Name + "ID"
	}
	if f := lookupKey(s, fk); f != nil { // belongs-to: the owner holds the key
		a.Kind, a.OwnerKey = BelongsTo, f
		if a.RelatedKey, err = rel.keyField(r.references, rel); err != nil {
			return fail("%v", err)
		}
		return a, nil
	}
	if err != nil {
		return fail("%v", err)
	}
	if r.foreignKey == "" {
		fk = conventionKey(s, ownerPK)
	}
	if a.RelatedKey = lookupKey(rel, fk); a.RelatedKey == nil {
		return fail("no foreign key: add %sID to %s (belongs-to) or %s to %s (has-one), or tag foreignKey:Field",
			r.Name, s.Type, fk, rel.Type)
	}
	a.Kind, a.OwnerKey = HasOne, ownerPK
	return a, nil
}

// conventionKey is the foreign key field name pointing at owner: its type
// name (first letter upper-cased) plus its key field's name, "UserID".
func conventionKey(owner *Schema, pk *Field) string {
	n := owner.Type.Name()
	if n != "" {
		n = strings.ToUpper(n[:1]) + n[1:]
	}
	return n + pk.Name
}

// lookupKey finds a key field by Go name or column, also accepting the
// column form of a Go name ("UserID" finds column user_id).
func lookupKey(in *Schema, name string) *Field {
	if f := in.LookupField(name); f != nil {
		return f
	}
	return in.Column(SnakeCase(name))
}

// keyField returns the field named by a references tag, or the single
// primary key of in.
func (s *Schema) keyField(name string, in *Schema) (*Field, error) {
	if name != "" {
		if f := in.LookupField(name); f != nil {
			return f, nil
		}
		return nil, fmt.Errorf("references %s: no such field in %s", name, in.Type)
	}
	if len(in.PrimaryKeys) != 1 {
		return nil, fmt.Errorf("%s needs exactly one primary key column to be referenced (or tag references:Field)", in.Type)
	}
	return in.PrimaryKeys[0], nil
}

func (s *Schema) resolveMany2Many(a *Assoc, r *Relation, rel *Schema, fail func(string, ...any) (*Assoc, error)) (*Assoc, error) {
	if !r.Many {
		return fail("many2many needs a slice field, not %s", r.Type)
	}
	var err error
	if a.OwnerKey, err = s.keyField(r.references, s); err != nil {
		return fail("%v", err)
	}
	if a.RelatedKey, err = rel.keyField("", rel); err != nil {
		return fail("%v", err)
	}
	a.Kind, a.JoinTable = ManyToMany, r.many2many
	a.JoinOwner, a.JoinRel = r.joinForeignKey, r.joinRefers
	if a.JoinOwner == "" {
		a.JoinOwner = SnakeCase(s.Type.Name()) + "_" + a.OwnerKey.Column
	}
	if a.JoinRel == "" {
		a.JoinRel = SnakeCase(rel.Type.Name()) + "_" + a.RelatedKey.Column
	}
	if a.JoinOwner == a.JoinRel {
		return fail("join table %s would use column %s for both sides: tag joinForeignKey:col;joinReferences:col", a.JoinTable, a.JoinOwner)
	}
	return a, nil
}

// Key returns the field's value at base in a form usable as a map key for
// matching rows of two tables (integers as int64, bytes as string, times as
// UTC text), and false when it is NULL.
func (f *Field) Key(base unsafe.Pointer) (any, bool) {
	return normKey(f.Value(base))
}

// NormKey is Key for a value read from the database or passed by a caller.
func NormKey(v any) (any, bool) { return normKey(v) }

func normKey(v any) (any, bool) {
	if vr, ok := v.(driver.Valuer); ok {
		var err error
		if v, err = vr.Value(); err != nil {
			return nil, false
		}
	}
	switch x := v.(type) {
	case nil:
		return nil, false
	case int64, string, bool, float64:
		return x, true
	case uint64:
		if x <= 1<<63-1 {
			return int64(x), true
		}
		return x, true
	case []byte:
		return string(x), true
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), true
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return rv.Int(), true
	case rv.CanUint():
		return normKey(rv.Uint())
	case rv.Kind() == reflect.String:
		return rv.String(), true
	}
	if rv.Comparable() {
		return v, true
	}
	return fmt.Sprint(v), true
}

// Shifted returns a copy of f addressing the field inside a struct embedded
// at offset off of an outer struct (a model inside a join row).
func (f *Field) Shifted(off uintptr) *Field {
	c := *f
	c.Offset += off
	return &c
}
