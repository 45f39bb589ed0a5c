package orm

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/gee-project/gee/orm/schema"
)

// BeforeInserter runs before a row is inserted; an error aborts the insert.
type BeforeInserter interface{ BeforeInsert(*Session) error }

// AfterInserter runs after a row is inserted, with generated keys filled in.
type AfterInserter interface{ AfterInsert(*Session) error }

// BeforeUpdater runs before an update; an error aborts it.
type BeforeUpdater interface{ BeforeUpdate(*Session) error }

// AfterUpdater runs after an update.
type AfterUpdater interface{ AfterUpdate(*Session) error }

// BeforeDeleter runs before a delete; an error aborts it.
type BeforeDeleter interface{ BeforeDelete(*Session) error }

// AfterDeleter runs after a delete.
type AfterDeleter interface{ AfterDelete(*Session) error }

// AfterQuerier runs on every struct loaded by Find, First and Get.
type AfterQuerier interface{ AfterQuery(*Session) error }

type hook uint8

const (
	beforeInsert hook = 1 << iota
	afterInsert
	beforeUpdate
	afterUpdate
	beforeDelete
	afterDelete
	afterQuery
)

var hookIfaces = []struct {
	h hook
	t reflect.Type
}{
	{beforeInsert, reflect.TypeFor[BeforeInserter]()}, {afterInsert, reflect.TypeFor[AfterInserter]()},
	{beforeUpdate, reflect.TypeFor[BeforeUpdater]()}, {afterUpdate, reflect.TypeFor[AfterUpdater]()},
	{beforeDelete, reflect.TypeFor[BeforeDeleter]()}, {afterDelete, reflect.TypeFor[AfterDeleter]()},
	{afterQuery, reflect.TypeFor[AfterQuerier]()},
}

var hookCache sync.Map // *schema.Schema -> hook

// hooksOf returns the hooks *T implements, computed once per schema.
func hooksOf(sch *schema.Schema) hook {
	if h, ok := hookCache.Load(sch); ok {
		return h.(hook)
	}
	var h hook
	pt := reflect.PointerTo(sch.Type)
	for _, hi := range hookIfaces {
		if pt.Implements(hi.t) {
			h |= hi.h
		}
	}
	hookCache.Store(sch, h)
	return h
}

// runHook calls hook h on the struct at base if its type has it.
func (s *Session) runHook(sch *schema.Schema, h hook, base unsafe.Pointer) error {
	if hooksOf(sch)&h == 0 {
		return nil
	}
	v := reflect.NewAt(sch.Type, base).Interface()
	c := s.child()
	switch h {
	case beforeInsert:
		return v.(BeforeInserter).BeforeInsert(c)
	case afterInsert:
		return v.(AfterInserter).AfterInsert(c)
	case beforeUpdate:
		return v.(BeforeUpdater).BeforeUpdate(c)
	case afterUpdate:
		return v.(AfterUpdater).AfterUpdate(c)
	case beforeDelete:
		return v.(BeforeDeleter).BeforeDelete(c)
	case afterDelete:
		return v.(AfterDeleter).AfterDelete(c)
	case afterQuery:
		return v.(AfterQuerier).AfterQuery(c)
	}
	return nil
}

// runHooks calls h on every row, stopping at the first error.
func (s *Session) runHooks(sch *schema.Schema, h hook, bases []unsafe.Pointer) error {
	if hooksOf(sch)&h == 0 {
		return nil
	}
	for _, b := range bases {
		if err := s.runHook(sch, h, b); err != nil {
			return &Error{Op: "hook", Table: sch.Table, Err: err}
		}
	}
	return nil
}
