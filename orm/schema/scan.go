package schema

import (
	"database/sql"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// RowScanner scans result columns straight into struct fields by offset.
// Build one per query, Bind it to each row's struct, then pass Dest to Scan.
type RowScanner struct {
	cols []colScanner
	dest []any
}

type colScanner struct {
	f    *Field
	base unsafe.Pointer
}

// NewRowScanner returns a scanner for the given fields, in column order.
func NewRowScanner(fields []*Field) *RowScanner {
	rs := &RowScanner{}
	rs.Reset(fields)
	return rs
}

// Reset re-targets the scanner at fields, reusing its buffers.
func (rs *RowScanner) Reset(fields []*Field) {
	if cap(rs.cols) < len(fields) {
		rs.cols = make([]colScanner, len(fields))
		rs.dest = make([]any, len(fields))
	}
	rs.cols, rs.dest = rs.cols[:len(fields)], rs.dest[:len(fields)]
	for i, f := range fields {
		rs.cols[i] = colScanner{f: f}
		rs.dest[i] = &rs.cols[i]
	}
}

// Bind points every column at the struct located at base.
func (rs *RowScanner) Bind(base unsafe.Pointer) {
	for i := range rs.cols {
		rs.cols[i].base = base
	}
}

// Dest returns the destinations for (*sql.Rows).Scan.
func (rs *RowScanner) Dest() []any { return rs.dest }

// Scan implements sql.Scanner for one column.
func (c *colScanner) Scan(src any) error {
	if err := c.f.scanInto(c.f.Ptr(c.base), src); err != nil {
		return fmt.Errorf("column %q: %w", c.f.Column, err)
	}
	return nil
}

// scanInto stores the driver value src into the field at p. NULL leaves the
// zero value in non-nullable fields.
func (f *Field) scanInto(p unsafe.Pointer, src any) error {
	switch f.read {
	case cString:
		switch v := src.(type) {
		case string:
			*(*string)(p) = v
			return nil
		case []byte:
			*(*string)(p) = string(v)
			return nil
		case nil:
			*(*string)(p) = ""
			return nil
		}
	case cBytes:
		switch v := src.(type) {
		case []byte:
			*(*[]byte)(p) = append([]byte(nil), v...)
			return nil
		case string:
			*(*[]byte)(p) = []byte(v)
			return nil
		case nil:
			*(*[]byte)(p) = nil
			return nil
		}
	case cTime:
		return scanTime((*time.Time)(p), src)
	case cBool:
		return scanBool((*bool)(p), src)
	case cScanner:
		return reflect.NewAt(f.Type, p).Interface().(sql.Scanner).Scan(src)
	case cPtr:
		return f.scanPtr(p, src)
	case cFloat32, cFloat64:
		return f.scanFloat(p, src)
	case cReflect:
		return f.scanReflect(p, src)
	default:
		return f.scanInt(p, src)
	}
	return fmt.Errorf("cannot store %T into %s", src, f.Type)
}

func (f *Field) scanPtr(p unsafe.Pointer, src any) error {
	pp := (*unsafe.Pointer)(p)
	if src == nil {
		*pp = nil
		return nil
	}
	if *pp == nil {
		*pp = reflect.New(f.Type.Elem()).UnsafePointer()
	}
	return f.elem.scanInto(*pp, src)
}

func (f *Field) scanReflect(p unsafe.Pointer, src any) error {
	dst := reflect.NewAt(f.Type, p).Elem()
	if src == nil {
		dst.SetZero()
		return nil
	}
	sv := reflect.ValueOf(src)
	if sv.Type().ConvertibleTo(f.Type) {
		dst.Set(sv.Convert(f.Type))
		return nil
	}
	return fmt.Errorf("cannot store %T into %s", src, f.Type)
}

func scanTime(dst *time.Time, src any) error {
	switch v := src.(type) {
	case time.Time:
		*dst = v
		return nil
	case nil:
		*dst = time.Time{}
		return nil
	case string:
		return parseTime(dst, v)
	case []byte:
		return parseTime(dst, string(v))
	}
	return fmt.Errorf("cannot store %T into time.Time", src)
}

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02",
}

func parseTime(dst *time.Time, s string) error {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			*dst = t
			return nil
		}
	}
	if t, ok := parseTimeString(s); ok {
		*dst = t
		return nil
	}
	return fmt.Errorf("cannot parse %q as a time", s)
}

// parseTimeString reads time.Time.String() text, which older versions
// stored on SQLite: "2006-01-02 15:04:05.999 -0700 MST m=+0.07". The offset
// decides the instant; the zone name is dropped because some zones print
// names time.Parse rejects ("+1345").
func parseTimeString(s string) (time.Time, bool) {
	if i := strings.Index(s, " m="); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 && strings.Count(s, " ") == 3 {
		s = s[:i]
	}
	t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700", s)
	return t, err == nil
}

func scanBool(dst *bool, src any) error {
	switch v := src.(type) {
	case bool:
		*dst = v
	case int64:
		*dst = v != 0
	case nil:
		*dst = false
	case []byte, string:
		b, err := strconv.ParseBool(asString(v))
		if err != nil {
			return fmt.Errorf("cannot parse %q as a bool", v)
		}
		*dst = b
	default:
		return fmt.Errorf("cannot store %T into bool", src)
	}
	return nil
}

func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v.(string)
}

func (f *Field) scanFloat(p unsafe.Pointer, src any) error {
	var x float64
	switch v := src.(type) {
	case float64:
		x = v
	case float32:
		x = float64(v)
	case int64:
		x = float64(v)
	case nil:
	case []byte, string:
		var err error
		if x, err = strconv.ParseFloat(asString(v), 64); err != nil {
			return fmt.Errorf("cannot parse %q as a float", v)
		}
	default:
		return fmt.Errorf("cannot store %T into %s", src, f.Type)
	}
	if f.read == cFloat32 {
		*(*float32)(p) = float32(x)
	} else {
		*(*float64)(p) = x
	}
	return nil
}

func (f *Field) scanInt(p unsafe.Pointer, src any) error {
	var i int64
	var u uint64
	unsigned := false
	switch v := src.(type) {
	case int64:
		i = v
	case uint64:
		u, unsigned = v, true
	case nil:
	case bool:
		if v {
			i = 1
		}
	case float64:
		if v != math.Trunc(v) {
			return fmt.Errorf("cannot store fractional %v into %s", v, f.Type)
		}
		i = int64(v)
	case []byte, string:
		s := asString(v)
		var err error
		if i, err = strconv.ParseInt(s, 10, 64); err != nil {
			if u, err = strconv.ParseUint(s, 10, 64); err != nil {
				return fmt.Errorf("cannot parse %q as an integer", s)
			}
			unsigned = true
		}
	default:
		return fmt.Errorf("cannot store %T into %s", src, f.Type)
	}
	if unsigned {
		if u > math.MaxInt64 && f.read < cUint {
			return fmt.Errorf("value %d overflows %s", u, f.Type)
		}
		if u > math.MaxInt64 {
			return f.storeUint(p, u)
		}
		i = int64(u)
	}
	if i < 0 && f.read >= cUint {
		return fmt.Errorf("negative value %d cannot go into %s", i, f.Type)
	}
	return f.storeInt(p, i)
}

// intRange is the inclusive range of each narrow integer codec.
var intRange = map[codec][2]int64{
	cInt8: {math.MinInt8, math.MaxInt8}, cInt16: {math.MinInt16, math.MaxInt16},
	cInt32: {math.MinInt32, math.MaxInt32}, cUint8: {0, math.MaxUint8},
	cUint16: {0, math.MaxUint16}, cUint32: {0, math.MaxUint32},
}

func (f *Field) storeInt(p unsafe.Pointer, i int64) error {
	if r, ok := intRange[f.read]; ok && (i < r[0] || i > r[1]) {
		return fmt.Errorf("value %d overflows %s", i, f.Type)
	}
	switch f.read {
	case cInt:
		*(*int)(p) = int(i)
	case cInt8:
		*(*int8)(p) = int8(i)
	case cInt16:
		*(*int16)(p) = int16(i)
	case cInt32:
		*(*int32)(p) = int32(i)
	case cInt64:
		*(*int64)(p) = i
	case cUint:
		*(*uint)(p) = uint(i)
	case cUint8:
		*(*uint8)(p) = uint8(i)
	case cUint16:
		*(*uint16)(p) = uint16(i)
	case cUint32:
		*(*uint32)(p) = uint32(i)
	case cUint64:
		*(*uint64)(p) = uint64(i)
	}
	return nil
}

// storeUint stores values above MaxInt64 into the 64-bit unsigned codecs.
func (f *Field) storeUint(p unsafe.Pointer, u uint64) error {
	switch f.read {
	case cUint64:
		*(*uint64)(p) = u
	case cUint:
		*(*uint)(p) = uint(u)
	default:
		return fmt.Errorf("value %d overflows %s", u, f.Type)
	}
	return nil
}
