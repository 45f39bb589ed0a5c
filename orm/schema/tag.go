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
		case "-":
			o.skip = true
		default:
			return o, fmt.Errorf("tag %q: unknown option %q", tag, key)
		}
	}
	return o, nil
}
