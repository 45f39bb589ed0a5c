package orm

import (
	"fmt"
	"time"
	"unsafe"

	"github.com/gee-project/gee/orm/schema"
)

// Delete deletes the rows of the given struct pointers by primary key, or,
// with no arguments, the Model's rows matching the conditions (Where is
// required). Models with a softDelete column get it set instead, unless the
// session is Unscoped. It returns the rows affected.
func (s *Session) Delete(values ...any) (int64, error) {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return 0, err
	}
	if len(values) == 0 {
		return s.deleteWhere()
	}
	var total int64
	for _, v := range values {
		s.sch = nil
		sch, base, err := s.structDest("Delete", v)
		if err != nil {
			return total, err
		}
		n, err := s.deleteOne(sch, base)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (s *Session) deleteOne(sch *schema.Schema, base unsafe.Pointer) (int64, error) {
	if err := s.runHook(sch, beforeDelete, base); err != nil {
		return 0, &Error{Op: "hook", Table: sch.Table, Err: err}
	}
	keys := make([]any, len(sch.PrimaryKeys))
	for i, f := range sch.PrimaryKeys {
		keys[i] = f.Value(base)
	}
	b := s.builder()
	s.writeDeleteHead(sch)
	if err := s.writePK(b, sch, keys); err != nil {
		return 0, err
	}
	n, err := s.execCount("delete", b.String())
	if err != nil {
		return n, err
	}
	if err := s.runHook(sch, afterDelete, base); err != nil {
		return n, &Error{Op: "hook", Table: sch.Table, Err: err}
	}
	return n, nil
}

func (s *Session) deleteWhere() (int64, error) {
	if s.sch == nil {
		return 0, fmt.Errorf("orm: Delete without values needs Model")
	}
	sch := s.sch
	if len(s.conds) == 0 {
		return 0, &Error{Op: "delete", Table: sch.Table, Err: ErrMissingWhere}
	}
	base := s.modelBase()
	if base != nil {
		if err := s.runHook(sch, beforeDelete, base); err != nil {
			return 0, &Error{Op: "hook", Table: sch.Table, Err: err}
		}
	}
	b := s.builder()
	s.writeDeleteHead(sch)
	if err := s.writeWhere(b, sch); err != nil {
		return 0, err
	}
	n, err := s.execCount("delete", b.String())
	if err == nil && base != nil {
		if herr := s.runHook(sch, afterDelete, base); herr != nil {
			return n, &Error{Op: "hook", Table: sch.Table, Err: herr}
		}
	}
	return n, err
}

// writeDeleteHead writes DELETE FROM, or the soft-delete UPDATE.
func (s *Session) writeDeleteHead(sch *schema.Schema) {
	b := &s.b
	if sch.SoftDelete == nil || s.unscope {
		b.Raw("DELETE FROM ")
		b.Ident(sch.Table)
		return
	}
	b.Raw("UPDATE ")
	b.Ident(sch.Table)
	b.Raw(" SET ")
	b.Ident(sch.SoftDelete.Column)
	b.Raw(" = ")
	b.Bind(time.Now().UTC())
}
