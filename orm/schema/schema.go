// Package schema maps Go structs to table definitions. A struct type is parsed
// once and cached; fields carry their byte offset from the struct start so
// values are read and scanned without walking reflect paths per row.
package schema

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"time"
)

// Field is one mapped column.
type Field struct {
	Name          string       // Go field name
	Column        string       // column name
	Type          reflect.Type // Go type
	Offset        uintptr      // byte offset from the start of the outer struct
	PrimaryKey    bool
	AutoIncrement bool
	Unique        bool
	NotNull       bool
	HasDefault    bool
	Default       string // SQL expression used as DEFAULT
	Size          int    // string size for VARCHAR, 0 when unsized
	SQLType       string // explicit SQL type from the tag, overrides the dialect mapping
	SoftDelete    bool
	AutoTime      bool   // CreatedAt/UpdatedAt set by Insert/Update
	IndexName     string // non-empty when the column is indexed
	UniqueIndex   string // non-empty when the column is part of a unique index

	read  codec // how driver values are stored into the field
	write codec // how the field becomes a driver value
	elem  *Field
}

// Index is a secondary index; fields sharing an index name form one index.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
}

// Schema is the mapping of one struct type to one table. Table is empty
// for an anonymous struct without a TableName method, which can receive
// query results but is not a table.
type Schema struct {
	Type        reflect.Type
	Table       string
	Fields      []*Field
	PrimaryKeys []*Field
	AutoInc     *Field // auto-increment primary key, nil if none
	SoftDelete  *Field // soft-delete timestamp column, nil if none
	Indexes     []Index
	NonKey      []*Field    // fields outside the primary key (updated by default)
	Generated   []*Field    // Fields minus the auto-increment key (inserted when it is unset)
	Defaulted   []*Field    // up to 64 fields with a default, left out of INSERT when zero
	CreatedAt   *Field      // time.Time CreatedAt set on Insert when zero
	UpdatedAt   *Field      // time.Time UpdatedAt set on Insert when zero and on every Update
	Relations   []*Relation // association fields (not columns)
	byColumn    map[string]*Field
	byName      map[string]*Field
}

// Tabler lets a model choose its table name.
type Tabler interface{ TableName() string }

var (
	cache       sync.Map // reflect.Type -> *Schema
	timeType    = reflect.TypeFor[time.Time]()
	scannerType = reflect.TypeFor[sql.Scanner]()
	valuerType  = reflect.TypeFor[driver.Valuer]()
	tablerType  = reflect.TypeFor[Tabler]()
)

// LookupField returns the field with the given column or Go field name.
func (s *Schema) LookupField(name string) *Field {
	if f := s.byColumn[name]; f != nil {
		return f
	}
	return s.byName[name]
}

// ModelType returns the struct type behind v: a struct, a pointer to one, or a
// pointer to a slice of structs or struct pointers.
func ModelType(v any) (reflect.Type, error) {
	if v == nil {
		return nil, fmt.Errorf("schema: model is nil")
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("schema: model %T is not a struct, a struct pointer or a slice of them", v)
	}
	return t, nil
}

// IsScalar reports whether t is scanned as one column value (a basic type,
// time.Time, []byte, a sql.Scanner, or a pointer to one) rather than as a
// struct of fields.
func IsScalar(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() != reflect.Struct || t == timeType || reflect.PointerTo(t).Implements(scannerType)
}

// ScalarField returns a field that scans one column into a value of type t
// at offset 0, for results scanned into []T of a scalar T.
func ScalarField(t reflect.Type) (*Field, error) {
	f := &Field{Name: "value", Column: "value", Type: t}
	if err := f.setCodecs(); err != nil {
		return nil, err
	}
	return f, nil
}

// Parse returns the cached schema of v's struct type, parsing it on first use.
func Parse(v any) (*Schema, error) {
	t, err := ModelType(v)
	if err != nil {
		return nil, err
	}
	return ParseType(t)
}

// ParseType returns the cached schema of the struct type t.
func ParseType(t reflect.Type) (*Schema, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("schema: %s is not a struct", t)
	}
	if s, ok := cache.Load(t); ok {
		return s.(*Schema), nil
	}
	s, err := build(t)
	if err != nil {
		return nil, err
	}
	actual, _ := cache.LoadOrStore(t, s)
	return actual.(*Schema), nil
}

func build(t reflect.Type) (*Schema, error) {
	s := &Schema{Type: t, Table: SnakeCase(t.Name()),
		byColumn: map[string]*Field{}, byName: map[string]*Field{}}
	if reflect.PointerTo(t).Implements(tablerType) {
		s.Table = reflect.New(t).Interface().(Tabler).TableName()
	}
	if err := s.addFields(t, 0); err != nil {
		return nil, fmt.Errorf("schema: %s: %w", t, err)
	}
	if len(s.Fields) == 0 && len(s.Relations) == 0 {
		return nil, fmt.Errorf("schema: %s has no mapped fields", t)
	}
	s.finish()
	return s, nil
}

func (s *Schema) addFields(t reflect.Type, base uintptr) error {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, hasTag := sf.Tag.Lookup("orm")
		opts, err := parseTag(tag)
		if err != nil {
			return fmt.Errorf("field %s: %w", sf.Name, err)
		}
		if opts.skip || (!sf.IsExported() && !sf.Anonymous) {
			continue
		}
		if sf.Anonymous && !hasTag && isEmbeddable(sf.Type) {
			if err := s.addFields(sf.Type, base+sf.Offset); err != nil {
				return err
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if elem, many, ptr, ok := relationType(sf.Type); ok && opts.sqlType == "" {
			s.Relations = append(s.Relations, newRelation(sf, opts, elem, many, ptr, base+sf.Offset))
			continue
		}
		if k := opts.relationOnly(); k != "" {
			return fmt.Errorf("field %s: %s applies only to association fields (a model struct, pointer or slice), not %s", sf.Name, k, sf.Type)
		}
		f, err := newField(sf, opts, base+sf.Offset)
		if err != nil {
			return err
		}
		if s.byColumn[f.Column] != nil {
			return fmt.Errorf("field %s: column %q is mapped twice", sf.Name, f.Column)
		}
		s.Fields = append(s.Fields, f)
		s.byColumn[f.Column] = f
		s.byName[f.Name] = f
	}
	return nil
}

func isEmbeddable(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t != timeType &&
		!reflect.PointerTo(t).Implements(scannerType) && !t.Implements(valuerType)
}

func newField(sf reflect.StructField, o tagOptions, offset uintptr) (*Field, error) {
	f := &Field{Name: sf.Name, Column: o.column, Type: sf.Type, Offset: offset,
		PrimaryKey: o.primaryKey, AutoIncrement: o.autoIncrement, Unique: o.unique,
		NotNull: o.notNull || o.primaryKey, HasDefault: o.hasDefault, Default: o.defaultExpr,
		Size: o.size, SQLType: o.sqlType, SoftDelete: o.softDelete,
		AutoTime: !o.noAutoTime && sf.Type == timeType && (sf.Name == "CreatedAt" || sf.Name == "UpdatedAt")}
	if f.Column == "" {
		f.Column = SnakeCase(sf.Name)
	}
	f.IndexName, f.UniqueIndex = o.index, o.uniqueIndex
	if err := f.setCodecs(); err != nil {
		return nil, fmt.Errorf("field %s: %w", sf.Name, err)
	}
	if f.AutoIncrement && !f.isInteger() {
		return nil, fmt.Errorf("field %s: autoIncrement needs an integer type, not %s", sf.Name, sf.Type)
	}
	if f.SoftDelete && f.Type != reflect.PointerTo(timeType) && f.Type != reflect.TypeFor[sql.NullTime]() {
		return nil, fmt.Errorf("field %s: softDelete needs *time.Time or sql.NullTime", sf.Name)
	}
	return f, nil
}

// finish resolves the primary key and indexes once all fields are known.
func (s *Schema) finish() {
	for _, f := range s.Fields {
		if f.PrimaryKey {
			s.PrimaryKeys = append(s.PrimaryKeys, f)
		}
		if f.SoftDelete && s.SoftDelete == nil {
			s.SoftDelete = f
		}
		if f.AutoTime && f.Name == "CreatedAt" && s.CreatedAt == nil {
			s.CreatedAt = f
		}
		if f.AutoTime && f.Name == "UpdatedAt" && s.UpdatedAt == nil {
			s.UpdatedAt = f
		}
	}
	if len(s.PrimaryKeys) == 0 {
		if f := s.byColumn["id"]; f != nil {
			f.PrimaryKey, f.NotNull = true, true
			f.AutoIncrement = f.AutoIncrement || f.isInteger()
			s.PrimaryKeys = append(s.PrimaryKeys, f)
		}
	}
	if len(s.PrimaryKeys) == 1 && s.PrimaryKeys[0].AutoIncrement {
		s.AutoInc = s.PrimaryKeys[0]
	}
	for _, f := range s.Fields {
		if !f.PrimaryKey {
			s.NonKey = append(s.NonKey, f)
		}
		if f != s.AutoInc {
			s.Generated = append(s.Generated, f)
		}
		if f != s.AutoInc && f.HasDefault && len(s.Defaulted) < 64 {
			s.Defaulted = append(s.Defaulted, f)
		}
	}
	byName := map[string]int{}
	for _, f := range s.Fields {
		if f.IndexName != "" {
			f.IndexName = s.addIndex(byName, f.IndexName, "idx_", f.Column, false)
		}
		if f.UniqueIndex != "" {
			f.UniqueIndex = s.addIndex(byName, f.UniqueIndex, "uidx_", f.Column, true)
		}
	}
	sort.SliceStable(s.Indexes, func(i, j int) bool { return s.Indexes[i].Name < s.Indexes[j].Name })
}

// addIndex adds column to the index called name ("-" for a default name
// from prefix, table and column) and returns the name.
func (s *Schema) addIndex(byName map[string]int, name, prefix, column string, unique bool) string {
	if name == "-" {
		name = prefix + s.Table + "_" + column
	}
	if i, ok := byName[name]; ok {
		s.Indexes[i].Columns = append(s.Indexes[i].Columns, column)
		s.Indexes[i].Unique = s.Indexes[i].Unique || unique
		return name
	}
	byName[name] = len(s.Indexes)
	s.Indexes = append(s.Indexes, Index{Name: name, Columns: []string{column}, Unique: unique})
	return name
}

func (f *Field) isInteger() bool {
	switch f.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// Column returns the field mapped to column, or nil.
func (s *Schema) Column(column string) *Field { return s.byColumn[column] }
