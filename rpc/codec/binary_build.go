package codec

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
)

// build compiles the encoder and decoder of t; building records types in
// progress so recursive types refer to their own (later filled) codec.
func build(t reflect.Type, building map[reflect.Type]*typeCodec) (*typeCodec, error) {
	if c, ok := building[t]; ok {
		return c, nil
	}
	if c, ok := cache.Load(t); ok {
		return c.(*typeCodec), nil
	}
	tc := &typeCodec{minSize: 1}
	building[t] = tc
	var err error
	switch {
	case t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && selfMarshaling(t):
		tc.enc, tc.dec = encSelf, decSelf
		return tc, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		tc.enc, tc.dec = encBool, decBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		tc.enc, tc.dec = encInt, decInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		tc.enc, tc.dec = encUint, decUint
	case reflect.Float32:
		tc.enc, tc.dec = encFloat32, decFloat32
	case reflect.Float64:
		tc.enc, tc.dec = encFloat64, decFloat64
	case reflect.String:
		tc.enc, tc.dec = encString, decString
	case reflect.Pointer:
		err = buildPointer(tc, t, building)
	case reflect.Slice:
		err = buildSlice(tc, t, building)
	case reflect.Array:
		err = buildArray(tc, t, building)
	case reflect.Map:
		err = buildMap(tc, t, building)
	case reflect.Struct:
		err = buildStruct(tc, t, building)
	default:
		err = fmt.Errorf("binary codec: unsupported type %s", t)
	}
	if err != nil {
		delete(building, t)
		return nil, err
	}
	return tc, nil
}

func encBool(b []byte, v reflect.Value) []byte {
	if v.Bool() {
		return append(b, 1)
	}
	return append(b, 0)
}

func decBool(r *reader, v reflect.Value) error {
	p, err := r.next(1)
	if err != nil {
		return err
	}
	if p[0] > 1 {
		return fmt.Errorf("binary codec: invalid bool byte %d", p[0])
	}
	v.SetBool(p[0] == 1)
	return nil
}

func encInt(b []byte, v reflect.Value) []byte { return binary.AppendVarint(b, v.Int()) }

func decInt(r *reader, v reflect.Value) error {
	x, err := r.varint()
	if err != nil {
		return err
	}
	if v.OverflowInt(x) {
		return fmt.Errorf("binary codec: %d overflows %s", x, v.Type())
	}
	v.SetInt(x)
	return nil
}

func encUint(b []byte, v reflect.Value) []byte { return binary.AppendUvarint(b, v.Uint()) }

func decUint(r *reader, v reflect.Value) error {
	x, err := r.uvarint()
	if err != nil {
		return err
	}
	if v.OverflowUint(x) {
		return fmt.Errorf("binary codec: %d overflows %s", x, v.Type())
	}
	v.SetUint(x)
	return nil
}

func encFloat32(b []byte, v reflect.Value) []byte {
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v.Float())))
}

func decFloat32(r *reader, v reflect.Value) error {
	p, err := r.next(4)
	if err != nil {
		return err
	}
	v.SetFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(p))))
	return nil
}

func encFloat64(b []byte, v reflect.Value) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Float()))
}

func decFloat64(r *reader, v reflect.Value) error {
	p, err := r.next(8)
	if err != nil {
		return err
	}
	v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(p)))
	return nil
}

func encString(b []byte, v reflect.Value) []byte {
	s := v.String()
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func decString(r *reader, v reflect.Value) error {
	n, err := r.length(1)
	if err != nil {
		return err
	}
	if err := r.charge(uint64(n), 1); err != nil {
		return err
	}
	p, _ := r.next(n)
	v.SetString(string(p))
	return nil
}

var (
	typeBinaryMarshaler   = reflect.TypeFor[encoding.BinaryMarshaler]()
	typeBinaryUnmarshaler = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

// selfMarshaling reports types that encode themselves with
// encoding.BinaryMarshaler (time.Time, net/netip types, ...): their state is
// often unexported, so field-by-field encoding would silently lose it.
func selfMarshaling(t reflect.Type) bool {
	return t.Implements(typeBinaryMarshaler) && reflect.PointerTo(t).Implements(typeBinaryUnmarshaler)
}

func encSelf(b []byte, v reflect.Value) []byte {
	p, err := v.Interface().(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		// Encoders cannot return errors (the common case never fails);
		// Marshal recovers this and returns it.
		panic(encodePanic{fmt.Errorf("binary codec: %s: %w", v.Type(), err)})
	}
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

func decSelf(r *reader, v reflect.Value) error {
	n, err := r.length(1)
	if err != nil {
		return err
	}
	if err := r.charge(uint64(n), 1); err != nil {
		return err // UnmarshalBinary usually copies what it is given
	}
	p, _ := r.next(n)
	if !v.CanAddr() {
		return fmt.Errorf("binary codec: cannot decode %s in place", v.Type())
	}
	if err := v.Addr().Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(p); err != nil {
		return fmt.Errorf("binary codec: %s: %w", v.Type(), err)
	}
	return nil
}

// encodePanic carries a rare encoding error out of the compiled encoders.
type encodePanic struct{ err error }
