package vm

import (
	"fmt"

	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/object"
)

// callValue calls a builtin (or fails for a value that is not a function).
// The messages are those of the shared builtins in package object.
func (m *VM) callValue(f Value, args []Value) (Value, *object.Error) {
	if f.k == kObject {
		if b, ok := (*objBox)(f.p).obj.(*object.Builtin); ok {
			return m.callHost(b, args)
		}
	}
	if f.k != kBuiltin {
		return null, object.NewError("not a function: %s", f.typeName())
	}
	switch f.i {
	case 0:
		return builtinLen(args)
	case 1:
		return m.puts(args)
	case 2, 3, 4:
		names := [...]string{"first", "last", "rest"}
		if err := arrayArg(names[f.i-2], args, 1); err != nil {
			return null, err
		}
		e := args[0].elems()
		if len(e) == 0 {
			return null, nil
		}
		switch f.i {
		case 2:
			return e[0], nil
		case 3:
			return e[len(e)-1], nil
		}
		return rest(args[0]), nil
	case 5:
		if err := arrayArg("push", args, 2); err != nil {
			return null, err
		}
		res, slots := push(args[0], args[1])
		return res, m.alloc(int64(slots) * budget.ElementSize)
	}
	return null, object.NewError("not a function: %s", f.typeName())
}

func wrongArgs(got, want int) *object.Error {
	return object.NewError("wrong number of arguments. got=%d, want=%d", got, want)
}

func builtinLen(args []Value) (Value, *object.Error) {
	if len(args) != 1 {
		return null, wrongArgs(len(args), 1)
	}
	switch args[0].k {
	case kString:
		return intValue(args[0].i), nil
	case kArray:
		return intValue(args[0].i), nil
	}
	return null, object.NewError("argument to `len` not supported, got %s", args[0].typeName())
}

func arrayArg(name string, args []Value, want int) *object.Error {
	if len(args) != want {
		return wrongArgs(len(args), want)
	}
	if args[0].k != kArray {
		return object.NewError("argument to `%s` must be ARRAY, got %s", name, args[0].typeName())
	}
	return nil
}

func (m *VM) puts(args []Value) (Value, *object.Error) {
	for _, a := range args {
		fmt.Fprintln(m.out, m.inspect(a))
	}
	return null, nil
}
