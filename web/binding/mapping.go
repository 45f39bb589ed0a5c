package binding

import (
	"encoding"
	"errors"
	"fmt"
	"mime/multipart"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// FieldError reports a request value that could not be stored in a field.
// Its message names the value by the request's key, not the Go field.
type FieldError struct {
	Field string // Go field path, e.g. "Address.Zip" (for the server's logs)
	Key   string // request key, e.g. "zip"
	Tag   string // tag kind: form, uri, header
	Value string
	Err   error // what the value should be, e.g. "want an integer"
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("binding: %s %q: invalid value %q: %v", e.Tag, e.Key, truncate(e.Value), e.Err)
}

// truncate shortens a client's value quoted back in an error message.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "..."
}

// Unwrap returns the conversion error.
func (e *FieldError) Unwrap() error { return e.Err }

var (
	fileHeaderType  = reflect.TypeFor[*multipart.FileHeader]()
	fileHeadersType = reflect.TypeFor[[]*multipart.FileHeader]()
	timeType        = reflect.TypeFor[time.Time]()
	durationType    = reflect.TypeFor[time.Duration]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

type source struct {
	tag   string
	get   func(string) ([]string, bool)
	files map[string][]*multipart.FileHeader
}

func mapValues(obj any, tag string, get func(string) ([]string, bool), files map[string][]*multipart.FileHeader) error {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("%w: want a non-nil pointer, got %T", ErrBadTarget, obj)
	}
	v = v.Elem()
	if v.Kind() != reflect.Struct {
		return fmt.Errorf("%w: %s binding needs a pointer to a struct, got %T", ErrBadTarget, tag, obj)
	}
	return source{tag, get, files}.mapStruct(v, "")
}

func (s source) mapStruct(v reflect.Value, prefix string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		// An embedded struct of unexported type still has settable, exported fields.
		if !f.IsExported() && !(f.Anonymous && f.Type.Kind() == reflect.Struct) {
			continue
		}
		if err := s.mapField(v.Field(i), f, prefix+f.Name); err != nil {
			return err
		}
	}
	return nil
}

func (s source) mapField(fv reflect.Value, f reflect.StructField, path string) error {
	name, opts, _ := strings.Cut(f.Tag.Get(s.tag), ",")
	if name == "-" {
		return nil
	}
	if name == "" && f.Type.Kind() == reflect.Struct && f.Type != timeType {
		return s.mapStruct(fv, path+".")
	}
	if name == "" {
		name = f.Name
	}
	switch f.Type {
	case fileHeaderType:
		if fhs := s.files[name]; len(fhs) > 0 {
			fv.Set(reflect.ValueOf(fhs[0]))
		}
		return nil
	case fileHeadersType:
		if fhs := s.files[name]; len(fhs) > 0 {
			fv.Set(reflect.ValueOf(fhs))
		}
		return nil
	}
	vals, ok := s.get(name)
	if !ok || len(vals) == 0 {
		def, has := defaultOpt(opts)
		if !has {
			return nil
		}
		vals = []string{def}
	}
	if err := setValue(fv, vals, f); err != nil {
		return &FieldError{Field: path, Key: name, Tag: s.tag, Value: strings.Join(vals, ","), Err: err}
	}
	return nil
}

func defaultOpt(opts string) (string, bool) {
	for _, o := range strings.Split(opts, ",") {
		if d, ok := strings.CutPrefix(o, "default="); ok {
			return d, true
		}
	}
	return "", false
}

func setValue(fv reflect.Value, vals []string, f reflect.StructField) error {
	switch fv.Kind() {
	case reflect.Slice:
		out := reflect.MakeSlice(fv.Type(), len(vals), len(vals))
		for i, s := range vals {
			if err := setOne(out.Index(i), s, f); err != nil {
				return err
			}
		}
		fv.Set(out)
		return nil
	case reflect.Array:
		if len(vals) != fv.Len() {
			return fmt.Errorf("want %d values, got %d", fv.Len(), len(vals))
		}
		for i, s := range vals {
			if err := setOne(fv.Index(i), s, f); err != nil {
				return err
			}
		}
		return nil
	}
	return setOne(fv, vals[0], f)
}

func setOne(fv reflect.Value, s string, f reflect.StructField) error {
	if fv.Kind() == reflect.Pointer {
		p := reflect.New(fv.Type().Elem())
		if err := setOne(p.Elem(), s, f); err != nil {
			return err
		}
		fv.Set(p)
		return nil
	}
	if fv.CanAddr() && fv.Addr().Type().Implements(textUnmarshaler) && fv.Type() != timeType {
		return fv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	switch fv.Type() {
	case timeType:
		return setTime(fv, s, f)
	case durationType:
		d, err := time.ParseDuration(s)
		fv.SetInt(int64(d))
		return err
	}
	return setScalar(fv, s)
}

func setTime(fv reflect.Value, s string, f reflect.StructField) error {
	if s == "" {
		return nil
	}
	layout := f.Tag.Get("time_format")
	if layout == "" {
		layout = time.RFC3339
	}
	tm, err := time.Parse(layout, s)
	if err != nil {
		return err
	}
	fv.Set(reflect.ValueOf(tm))
	return nil
}

func setScalar(fv reflect.Value, s string) error {
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(orZero(s, "false"))
		if err != nil {
			return errors.New("want a boolean")
		}
		fv.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(orZero(s, "0"), 10, fv.Type().Bits())
		if err != nil {
			return errors.New("want an integer in range")
		}
		fv.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(orZero(s, "0"), 10, fv.Type().Bits())
		if err != nil {
			return errors.New("want a non-negative integer in range")
		}
		fv.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(orZero(s, "0"), fv.Type().Bits())
		if err != nil {
			return errors.New("want a number")
		}
		fv.SetFloat(n)
	default:
		return fmt.Errorf("%w: unsupported field type %s", ErrBadTarget, fv.Type())
	}
	return nil
}

func orZero(s, zero string) string {
	if s == "" {
		return zero
	}
	return s
}
