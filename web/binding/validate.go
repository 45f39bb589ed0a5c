package binding

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// Validator returns the shared validator, reading `binding` tags, so
// callers can register custom rules.
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		validate = validator.New(validator.WithRequiredStructEnabled())
		validate.SetTagName("binding")
	})
	return validate
}

// Validate checks obj's `binding` tags when it is a struct (or pointer to
// one). The error is a *ValidationError naming each field as the request
// spells it (its json, form, uri, header or xml tag) with the rule it broke;
// it unwraps to validator.ValidationErrors.
func Validate(obj any) error {
	v := reflect.ValueOf(obj)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	err := Validator().Struct(obj)
	var ve validator.ValidationErrors
	if errors.As(err, &ve) {
		e := &ValidationError{Errs: ve, Fields: make([]FieldRule, len(ve))}
		msgs := make([]string, len(ve))
		for i, fe := range ve {
			e.Fields[i] = FieldRule{Field: requestName(v.Type(), fe.StructNamespace()), Rule: ruleOf(fe)}
			msgs[i] = fmt.Sprintf("field %q failed %q", e.Fields[i].Field, e.Fields[i].Rule)
		}
		e.msg = "binding: validation: " + strings.Join(msgs, "; ")
		return e
	}
	if err != nil {
		return fmt.Errorf("%w: validate: %v", ErrBadTarget, err)
	}
	return nil
}

// requestName turns a Go namespace ("signup.Address.Zip", "t.Items[2].Name")
// into the names the request used ("address.zip", "items[2].name"): the
// client never sees Go type or field names it did not send.
func requestName(t reflect.Type, ns string) string {
	parts := strings.Split(ns, ".")[1:] // the first part is the root type's name
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		name, index, _ := strings.Cut(p, "[")
		if index != "" {
			index = "[" + index
		}
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		tagged := name
		if t != nil && t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName(name); ok {
				tagged = tagName(f)
				t = f.Type
				if index != "" { // the index selects an element
					t = t.Elem()
				}
			} else {
				t = nil
			}
		}
		out = append(out, tagged+index)
	}
	return strings.Join(out, ".")
}

// tagName is the field's name in the first request tag that gives one.
func tagName(f reflect.StructField) string {
	for _, key := range []string{"json", "form", "uri", "header", "xml"} {
		if name, _, _ := strings.Cut(f.Tag.Get(key), ","); name != "" && name != "-" {
			return name
		}
	}
	return f.Name
}

func ruleOf(fe validator.FieldError) string {
	if fe.Param() != "" {
		return fe.Tag() + "=" + fe.Param()
	}
	return fe.Tag()
}

// FieldRule is one failed rule: the field as the request names it, and
// the rule as written in the `binding` tag (e.g. "max=100").
type FieldRule struct {
	Field string `json:"field"`
	Rule  string `json:"rule"`
}

// ValidationError lists the fields that failed their rules.
type ValidationError struct {
	Errs   validator.ValidationErrors
	Fields []FieldRule
	msg    string
}

func (e *ValidationError) Error() string { return e.msg }

// Unwrap gives access to the validator's errors.
func (e *ValidationError) Unwrap() error { return e.Errs }
