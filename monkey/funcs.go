package monkey

import (
	"fmt"
	"io"
	"reflect"

	"github.com/gee-project/gee/monkey/object"
)

var errorType = reflect.TypeFor[error]()

// FuncOf makes a Monkey builtin of any Go func: each argument is decoded
// into the parameter's type (as Decode does; a variadic func takes any
// number of trailing arguments), and the results become the value: none is
// null, one is converted by ToObject, and a last result of type error, if
// not nil, aborts the Monkey program with its text.
func FuncOf(name string, fn any) (*object.Builtin, error) {
	rv := reflect.ValueOf(fn)
	if rv.Kind() != reflect.Func || rv.IsNil() {
		return nil, fmt.Errorf("monkey: FuncOf(%s): not a func: %T", name, fn)
	}
	b, err := funcOf(name, rv)
	if err != nil {
		return nil, fmt.Errorf("monkey: FuncOf(%s): %w", name, err)
	}
	return b.(*object.Builtin), nil
}

func funcOf(name string, rv reflect.Value) (object.Object, error) {
	t := rv.Type()
	if t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != errorType) {
		return nil, fmt.Errorf("func %s returns %d values; want at most a value and an error", t, t.NumOut())
	}
	b := &object.Builtin{Name: name}
	b.Fn = func(_ io.Writer, args ...object.Object) object.Object {
		in, err := funcArgs(t, args)
		if err != nil {
			return object.NewError("%s: %v", b.Name, err) // named when bound
		}
		return funcResult(rv.Call(in))
	}
	return b, nil
}

func funcArgs(t reflect.Type, args []object.Object) ([]reflect.Value, error) {
	fixed := t.NumIn()
	if t.IsVariadic() {
		fixed--
		if len(args) < fixed {
			return nil, fmt.Errorf("wrong number of arguments. got=%d, want at least %d", len(args), fixed)
		}
	} else if len(args) != fixed {
		return nil, fmt.Errorf("wrong number of arguments. got=%d, want=%d", len(args), fixed)
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := t.In(min(i, t.NumIn()-1))
		if i >= fixed {
			pt = t.In(t.NumIn() - 1).Elem()
		}
		v := reflect.New(pt).Elem()
		if err := decode(a, v); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		in[i] = v
	}
	return in, nil
}

func funcResult(out []reflect.Value) object.Object {
	if n := len(out); n > 0 && out[n-1].Type() == errorType {
		if !out[n-1].IsNil() {
			return &object.Error{Message: out[n-1].Interface().(error).Error()}
		}
		out = out[:n-1]
	}
	if len(out) == 0 {
		return object.NULL
	}
	o, err := toObject(out[0], "", 0)
	if err != nil {
		return object.NewError("result: %v", err)
	}
	return o
}
