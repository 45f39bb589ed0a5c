package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
)

func enter(r *reader) error {
	r.depth++
	if r.depth > maxDepth {
		return errors.New("binary codec: nesting deeper than 1000")
	}
	return nil
}

func buildPointer(tc *typeCodec, t reflect.Type, building map[reflect.Type]*typeCodec) error {
	elem, err := build(t.Elem(), building)
	if err != nil {
		return err
	}
	et := t.Elem()
	tc.enc = func(b []byte, v reflect.Value) []byte {
		if v.IsNil() {
			return append(b, 0)
		}
		return elem.enc(append(b, 1), v.Elem())
	}
	tc.dec = func(r *reader, v reflect.Value) error {
		p, err := r.next(1)
		if err != nil {
			return err
		}
		switch p[0] {
		case 0:
			v.SetZero()
			return nil
		case 1:
		default:
			return errors.New("binary codec: invalid pointer marker")
		}
		if err := enter(r); err != nil {
			return err
		}
		if v.IsNil() {
			if err := r.charge(1, uint64(et.Size())); err != nil {
				return err
			}
			v.Set(reflect.New(et))
		}
		err = elem.dec(r, v.Elem())
		r.depth--
		return err
	}
	return nil
}

func buildBytes(tc *typeCodec) {
	tc.enc = func(b []byte, v reflect.Value) []byte {
		p := v.Bytes()
		return append(binary.AppendUvarint(b, uint64(len(p))), p...)
	}
	tc.dec = func(r *reader, v reflect.Value) error {
		n, err := r.length(1)
		if err != nil {
			return err
		}
		p, _ := r.next(n)
		if n == 0 {
			v.SetZero()
			return nil
		}
		if err := r.charge(uint64(n), 1); err != nil {
			return err
		}
		v.SetBytes(append([]byte(nil), p...))
		return nil
	}
}

func buildSlice(tc *typeCodec, t reflect.Type, building map[reflect.Type]*typeCodec) error {
	if t.Elem().Kind() == reflect.Uint8 {
		buildBytes(tc)
		return nil
	}
	elem, err := build(t.Elem(), building)
	if err != nil {
		return err
	}
	tc.enc = func(b []byte, v reflect.Value) []byte {
		n := v.Len()
		b = binary.AppendUvarint(b, uint64(n))
		for i := 0; i < n; i++ {
			b = elem.enc(b, v.Index(i))
		}
		return b
	}
	tc.dec = func(r *reader, v reflect.Value) error {
		n, err := r.length(elem.minSize)
		if err != nil {
			return err
		}
		if n == 0 {
			v.SetZero()
			return nil
		}
		if err := enter(r); err != nil {
			return err
		}
		if err := r.charge(uint64(n), uint64(t.Elem().Size())); err != nil {
			return err
		}
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			if err := elem.dec(r, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
		r.depth--
		return nil
	}
	return nil
}

func buildArray(tc *typeCodec, t reflect.Type, building map[reflect.Type]*typeCodec) error {
	elem, err := build(t.Elem(), building)
	if err != nil {
		return err
	}
	n := t.Len()
	tc.minSize = satMul(n, elem.minSize)
	tc.enc = func(b []byte, v reflect.Value) []byte {
		for i := 0; i < n; i++ {
			b = elem.enc(b, v.Index(i))
		}
		return b
	}
	tc.dec = func(r *reader, v reflect.Value) error {
		for i := 0; i < n; i++ {
			if err := elem.dec(r, v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

func buildMap(tc *typeCodec, t reflect.Type, building map[reflect.Type]*typeCodec) error {
	key, err := build(t.Key(), building)
	if err != nil {
		return err
	}
	val, err := build(t.Elem(), building)
	if err != nil {
		return err
	}
	tc.enc = func(b []byte, v reflect.Value) []byte {
		b = binary.AppendUvarint(b, uint64(v.Len()))
		it := v.MapRange()
		for it.Next() {
			b = key.enc(b, it.Key())
			b = val.enc(b, it.Value())
		}
		return b
	}
	tc.dec = func(r *reader, v reflect.Value) error {
		n, err := r.length(max(1, satAdd(key.minSize, val.minSize)))
		if err != nil {
			return err
		}
		if err := enter(r); err != nil {
			return err
		}
		// A map entry costs its key and value plus table overhead, about
		// doubled by growth.
		if err := r.charge(uint64(n), 2*uint64(t.Key().Size()+t.Elem().Size()+8)); err != nil {
			return err
		}
		m := reflect.MakeMapWithSize(t, min(n, 1024))
		k := reflect.New(t.Key()).Elem()
		e := reflect.New(t.Elem()).Elem()
		for i := 0; i < n; i++ {
			k.SetZero()
			if err := key.dec(r, k); err != nil {
				return err
			}
			e.SetZero()
			if err := val.dec(r, e); err != nil {
				return err
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
		r.depth--
		return nil
	}
	return nil
}

func buildStruct(tc *typeCodec, t reflect.Type, building map[reflect.Type]*typeCodec) error {
	var idx []int
	var fields []*typeCodec
	tc.minSize = 0
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("gee") == "-" {
			continue
		}
		fc, err := build(f.Type, building)
		if err != nil {
			return err
		}
		idx = append(idx, i)
		fields = append(fields, fc)
	}
	if len(fields) == 0 && t.NumField() > 0 {
		return fmt.Errorf("binary codec: struct %s has fields but none exported; its state would be lost", t)
	}
	for _, fc := range fields {
		tc.minSize = satAdd(tc.minSize, fc.minSize)
	}
	tc.enc = func(b []byte, v reflect.Value) []byte {
		for j, fc := range fields {
			b = fc.enc(b, v.Field(idx[j]))
		}
		return b
	}
	tc.dec = func(r *reader, v reflect.Value) error {
		for j, fc := range fields {
			if err := fc.dec(r, v.Field(idx[j])); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

// satAdd and satMul keep minimum sizes of huge array types from overflowing.
func satAdd(a, b int) int { return min(a+b, 1<<40) }

func satMul(a, b int) int {
	if a != 0 && b > (1<<40)/a {
		return 1 << 40
	}
	return a * b
}
