package orm

import (
	"sync"

	"github.com/gee-project/gee/orm/clause"
	"github.com/gee-project/gee/orm/schema"
)

type sqlOp uint8

const (
	opGet sqlOp = iota
	opInsertAll
	opInsertNoKey
	opUpdateAll
	opDelete
)

// sqlKey identifies a statement whose text depends only on the schema.
type sqlKey struct {
	sch     *schema.Schema
	op      sqlOp
	unscope bool
}

// sqlTexts caches statement text per engine (texts depend on the dialect).
type sqlTexts struct{ m sync.Map }

// cachedSQL returns the cached text for k, building it once with build. The
// builder's arguments are discarded: callers bind their own.
func (e *Engine) cachedSQL(k sqlKey, build func(*clause.Builder) error) (string, error) {
	if v, ok := e.texts.m.Load(k); ok {
		return v.(string), nil
	}
	b := &clause.Builder{D: e.dialect}
	if err := build(b); err != nil {
		return "", err
	}
	q := b.String()
	e.texts.m.Store(k, q)
	return q, nil
}
