package schema

import (
	"database/sql"
	"fmt"
	"reflect"
	"strings"
)

// codec selects the fast path used to move a field's value to and from the
// driver. Named types share the codec of their underlying kind.
type codec uint8

const (
	cReflect codec = iota // reflect-based fallback
	cBool
	cInt
	cInt8
	cInt16
	cInt32
	cInt64
	cUint
	cUint8
	cUint16
	cUint32
	cUint64
	cFloat32
	cFloat64
	cString
	cBytes
	cTime
	cScanner // *T implements sql.Scanner
	cValuer  // T implements driver.Valuer
	cPtr     // pointer to a supported type
)

var kindCodec = map[reflect.Kind]codec{
	reflect.Bool: cBool, reflect.Int: cInt, reflect.Int8: cInt8, reflect.Int16: cInt16,
	reflect.Int32: cInt32, reflect.Int64: cInt64, reflect.Uint: cUint, reflect.Uint8: cUint8,
	reflect.Uint16: cUint16, reflect.Uint32: cUint32, reflect.Uint64: cUint64,
	reflect.Float32: cFloat32, reflect.Float64: cFloat64, reflect.String: cString,
}

func (f *Field) setCodecs() error {
	t := f.Type
	switch {
	case reflect.PointerTo(t).Implements(scannerType):
		f.read = cScanner
	case t == timeType:
		f.read = cTime
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		f.read = cBytes
	case t.Kind() == reflect.Pointer:
		f.read = cPtr
	default:
		f.read = kindCodec[t.Kind()]
	}
	switch {
	case t.Implements(valuerType):
		f.write = cValuer
	case t == timeType:
		f.write = cTime
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		f.write = cBytes
	case t.Kind() == reflect.Pointer:
		f.write = cPtr
	default:
		f.write = kindCodec[t.Kind()]
	}
	if f.read == cPtr || f.write == cPtr {
		if t.Elem().Kind() == reflect.Pointer {
			return fmt.Errorf("pointer to pointer type %s is not supported", t)
		}
		elem := &Field{Name: f.Name, Column: f.Column, Type: t.Elem()}
		if err := elem.setCodecs(); err != nil {
			return err
		}
		f.elem = elem
	}
	if f.read == cReflect && f.write == cReflect {
		return fmt.Errorf("type %s is not supported (implement sql.Scanner and driver.Valuer, or tag it orm:\"-\")", t)
	}
	return nil
}

// Kind classifies a field for SQL type mapping.
type Kind uint8

// Kinds a dialect maps to SQL types.
const (
	KindOther Kind = iota
	KindBool
	KindInt32
	KindInt64
	KindFloat32
	KindFloat64
	KindString
	KindBytes
	KindTime
)

// Nullable reports whether the Go type can hold NULL (pointers, sql.Null*).
func (f *Field) Nullable() bool {
	return f.Type.Kind() == reflect.Pointer || strings.HasPrefix(f.Type.Name(), "Null")
}

// SQLKind returns the kind a dialect maps to a column type.
func (f *Field) SQLKind() Kind { return kindOf(f.Type) }

var nullKinds = map[reflect.Type]Kind{
	reflect.TypeFor[sql.NullString]():  KindString,
	reflect.TypeFor[sql.NullInt64]():   KindInt64,
	reflect.TypeFor[sql.NullInt32]():   KindInt32,
	reflect.TypeFor[sql.NullInt16]():   KindInt32,
	reflect.TypeFor[sql.NullByte]():    KindInt32,
	reflect.TypeFor[sql.NullFloat64](): KindFloat64,
	reflect.TypeFor[sql.NullBool]():    KindBool,
	reflect.TypeFor[sql.NullTime]():    KindTime,
}

func kindOf(t reflect.Type) Kind {
	if k, ok := nullKinds[t]; ok {
		return k
	}
	if t == timeType {
		return KindTime
	}
	if t.Kind() == reflect.Struct && t.PkgPath() == "database/sql" && strings.HasPrefix(t.Name(), "Null[") {
		return kindOf(t.Field(0).Type) // sql.Null[T]
	}
	switch t.Kind() {
	case reflect.Pointer:
		return kindOf(t.Elem())
	case reflect.Bool:
		return KindBool
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return KindInt32
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return KindInt64
	case reflect.Float32:
		return KindFloat32
	case reflect.Float64:
		return KindFloat64
	case reflect.String:
		return KindString
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return KindBytes
		}
	}
	return KindOther
}
