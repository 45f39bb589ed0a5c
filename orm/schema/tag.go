package schema

import (
	"fmt"
	"strconv"
	"strings"
)

// tagOptions is the parsed form of an `orm:"..."` struct tag.
//
// Syntax: semicolon-separated items, each a flag or key:value.
//
//	orm:"column:name;primaryKey;autoIncrement;unique;index;index:idx_name;
//	     notNull;default:0;size:255;type:JSONB;softDelete;noAutoTime"
//
// Association fields (struct, pointer or slice of a model) take
// foreignKey:Field, references:Field, many2many:join_table,
// joinForeignKey:column, joinReferences:column, and alias:name (the
// qualifier of a join row's field).
//
// time.Time fields named CreatedAt and UpdatedAt are set automatically
// unless tagged noAutoTime.
//
// unique alone is a single-column UNIQUE constraint; unique:name and
// uniqueIndex:name make fields sharing name one composite unique index
// (uniqueIndex alone names it after the table and column).
//
// A lone "-" skips the field.
type tagOptions struct {
	skip          bool
	column        string
	primaryKey    bool
	autoIncrement bool
	unique        bool
	index         string // "" = none; "-" marks the default name
	uniqueIndex   string // as index, for a unique index
	notNull       bool
	hasDefault    bool
	defaultExpr   string
	size          int
	sqlType       string
	softDelete    bool
	noAutoTime    bool

	// association fields only
	foreignKey, references         string
	many2many                      string
	joinForeignKey, joinReferences string
	alias                          string
}

// relationOnly reports whether o sets an option meaningful only on an
// association field.
func (o tagOptions) relationOnly() string {
	for _, kv := range [][2]string{{"foreignKey", o.foreignKey}, {"references", o.references},
		{"many2many", o.many2many}, {"joinForeignKey", o.joinForeignKey},
		{"joinReferences", o.joinReferences}, {"alias", o.alias}} {
		if kv[1] != "" {
			return kv[0]
		}
	}
	return ""
}

func parseTag(tag string) (tagOptions, error) {
	var o tagOptions
	if tag == "-" {
		o.skip = true
		return o, nil
	}
	for _, item := range strings.Split(tag, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, hasVal := strings.Cut(item, ":")
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "column":
			o.column = strings.TrimSpace(val)
			if o.column == "" {
				return o, fmt.Errorf("tag %q: column needs a name", item)
			}
		case "primarykey", "pk":
			o.primaryKey = true
		case "autoincrement":
			o.autoIncrement = true
		case "unique":
			if name := strings.TrimSpace(val); hasVal && name != "" {
				o.uniqueIndex = name
			} else {
				o.unique = true
			}
		case "uniqueindex":
			o.uniqueIndex = "-"
			if hasVal && strings.TrimSpace(val) != "" {
				o.uniqueIndex = strings.TrimSpace(val)
			}
		case "index":
			o.index = "-"
			if hasVal && strings.TrimSpace(val) != "" {
				o.index = strings.TrimSpace(val)
			}
		case "notnull":
			o.notNull = true
		case "default":
			o.hasDefault, o.defaultExpr = true, val
		case "size":
			n, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || n <= 0 {
				return o, fmt.Errorf("tag %q: size must be a positive integer", item)
			}
			o.size = n
		case "type":
			o.sqlType = strings.TrimSpace(val)
		case "softdelete":
			o.softDelete = true
		case "noautotime":
			o.noAutoTime = true
		case "foreignkey", "references", "many2many", "joinforeignkey", "joinreferences", "alias":
			if err := o.setRelation(strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)); err != nil {
				return o, fmt.Errorf("tag %q: %w", item, err)
			}
		case "-":
			o.skip = true
		default:
			return o, fmt.Errorf("tag %q: unknown option %q", tag, key)
		}
	}
	return o, nil
}

func (o *tagOptions) setRelation(key, val string) error {
	if val == "" {
		return fmt.Errorf("%s needs a name", key)
	}
	switch key {
	case "foreignkey":
		o.foreignKey = val
	case "references":
		o.references = val
	case "many2many":
		o.many2many = val
	case "joinforeignkey":
		o.joinForeignKey = val
	case "joinreferences":
		o.joinReferences = val
	case "alias":
		o.alias = val
	}
	return nil
}
