package schema

import (
	"reflect"
	"time"
	"unsafe"
)

// Ptr returns the address of the field inside the struct at base.
func (f *Field) Ptr(base unsafe.Pointer) unsafe.Pointer { return unsafe.Add(base, f.Offset) }

// Value returns the field of the struct at base as a value for the driver.
// Integers are widened to int64 so database/sql takes its no-reflection path.
func (f *Field) Value(base unsafe.Pointer) any { return f.valueAt(f.Ptr(base)) }

// Arg is Value for a bind argument consumed before the statement returns:
// strings and times are not copied into a new allocation but referenced in
// place (the interface points at the field, which database/sql and the
// driver only read during the call). base must be heap memory (a struct
// passed to the session through an interface always is) and the field must
// not change until the statement has run.
func (f *Field) Arg(base unsafe.Pointer) any {
	switch f.write {
	case cString:
		return alias(stringType, f.Ptr(base))
	case cTime:
		return alias(timeEface, f.Ptr(base))
	}
	return f.valueAt(f.Ptr(base))
}

// eface is the layout of an empty interface.
type eface struct{ typ, data unsafe.Pointer }

func efaceType(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	stringType = efaceType("")
	timeEface  = efaceType(time.Time{})
)

// alias returns an interface of dynamic type typ whose value is at p.
func alias(typ, p unsafe.Pointer) any {
	var v any
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, p
	return v
}

func (f *Field) valueAt(p unsafe.Pointer) any {
	switch f.write {
	case cBool:
		return *(*bool)(p)
	case cInt:
		return int64(*(*int)(p))
	case cInt8:
		return int64(*(*int8)(p))
	case cInt16:
		return int64(*(*int16)(p))
	case cInt32:
		return int64(*(*int32)(p))
	case cInt64:
		return *(*int64)(p)
	case cUint:
		return uintValue(uint64(*(*uint)(p)))
	case cUint8:
		return int64(*(*uint8)(p))
	case cUint16:
		return int64(*(*uint16)(p))
	case cUint32:
		return int64(*(*uint32)(p))
	case cUint64:
		return uintValue(*(*uint64)(p))
	case cFloat32:
		return float64(*(*float32)(p))
	case cFloat64:
		return *(*float64)(p)
	case cString:
		return *(*string)(p)
	case cBytes:
		b := *(*[]byte)(p)
		if b == nil {
			return nil
		}
		return b
	case cTime:
		return *(*time.Time)(p)
	case cPtr:
		ep := *(*unsafe.Pointer)(p)
		if ep == nil {
			return nil
		}
		return f.elem.valueAt(ep)
	}
	return reflect.NewAt(f.Type, p).Elem().Interface()
}

// uintValue keeps uint64 values above MaxInt64 as uint64 so the driver can
// reject or handle them rather than see them wrap to negative.
func uintValue(u uint64) any {
	if u > 1<<63-1 {
		return u
	}
	return int64(u)
}

// IsZero reports whether the field of the struct at base holds its zero value.
func (f *Field) IsZero(base unsafe.Pointer) bool {
	p := f.Ptr(base)
	switch f.write {
	case cInt:
		return *(*int)(p) == 0
	case cInt64:
		return *(*int64)(p) == 0
	case cString:
		return *(*string)(p) == ""
	}
	return reflect.NewAt(f.Type, p).Elem().IsZero()
}

// SetInt64 stores an integer (a generated key) into the field.
func (f *Field) SetInt64(base unsafe.Pointer, v int64) {
	rv := reflect.NewAt(f.Type, f.Ptr(base)).Elem()
	if rv.CanUint() {
		rv.SetUint(uint64(v))
		return
	}
	rv.SetInt(v)
}

// SetAny stores v into the field with the same conversions used for scanning.
func (f *Field) SetAny(base unsafe.Pointer, v any) error {
	return f.scanInto(f.Ptr(base), v)
}
