package orm

import (
	"sync"
	"sync/atomic"

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
	rows    int    // row count of multi-row inserts
	omit    uint64 // defaulted fields left out of an INSERT (bits of Schema.Defaulted)
}

// maxTexts bounds the cached texts; beyond it texts are built every time.
const maxTexts = 4096

// sqlTexts caches statement text per engine (texts depend on the dialect).
type sqlTexts struct {
	m sync.Map
	n atomic.Int64
}

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
	if e.texts.n.Load() < maxTexts {
		if _, loaded := e.texts.m.LoadOrStore(k, q); !loaded {
			e.texts.n.Add(1)
		}
	}
	return q, nil
}
