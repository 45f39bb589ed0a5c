package orm

import (
	"fmt"
	"reflect"

	"github.com/gee-project/gee/orm/schema"
)

// Pluck reads one column (a column or field name of the Model) of every
// matching row into dest, a pointer to a slice of a scalar type
// (*[]int64, *[]string, *[]time.Time, ...). Where, OrderBy, Limit and Offset
// apply; with distinct, duplicates are dropped (SELECT DISTINCT).
func (s *Session) Pluck(column string, distinct bool, dest any) error {
	defer s.reset()
	if err := s.takeErr(); err != nil {
		return err
	}
	if s.sch == nil {
		return fmt.Errorf("orm: Pluck needs Model")
	}
	sv := reflect.ValueOf(dest)
	if sv.Kind() != reflect.Pointer || sv.IsNil() || sv.Elem().Kind() != reflect.Slice || !schema.IsScalar(sv.Elem().Type().Elem()) {
		return fmt.Errorf("orm: Pluck needs a non-nil pointer to a slice of a scalar type, got %T", dest)
	}
	sch := s.sch
	f, err := s.field(sch, column)
	if err != nil {
		return err
	}
	b := s.builder()
	b.Raw("SELECT ")
	if distinct || s.xr().distinct {
		b.Raw("DISTINCT ")
	}
	s.colRef(b, sch, f.Column)
	if err := s.writeFrom(b, sch); err != nil {
		return err
	}
	if err := s.writeWhere(b, sch); err != nil {
		return err
	}
	if err := s.writeGroup(b, sch); err != nil {
		return err
	}
	if err := s.writeOrderLimit(b, sch); err != nil {
		return err
	}
	query := b.String()
	rows, err := s.query(query, b.Args)
	if err != nil {
		return s.fail("pluck", query, err)
	}
	defer rows.Close()
	return scanScalars(rows, query, sv.Elem(), sv.Elem().Type().Elem())
}
