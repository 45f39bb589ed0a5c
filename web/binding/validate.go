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
// one). The error wraps validator.ValidationErrors.
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
		msgs := make([]string, len(ve))
		for i, fe := range ve {
			msgs[i] = fmt.Sprintf("field %s failed %q", fe.Namespace(), ruleOf(fe))
		}
		return &ValidationError{Errs: ve, msg: "binding: validation: " + strings.Join(msgs, "; ")}
	}
	return err
}

func ruleOf(fe validator.FieldError) string {
	if fe.Param() != "" {
		return fe.Tag() + "=" + fe.Param()
	}
	return fe.Tag()
}

// ValidationError lists the fields that failed their rules.
type ValidationError struct {
	Errs validator.ValidationErrors
	msg  string
}

func (e *ValidationError) Error() string { return e.msg }

// Unwrap gives access to the validator's errors.
func (e *ValidationError) Unwrap() error { return e.Errs }
