package object

import (
	"fmt"
	"io"
)

// Builtins lists the builtin functions in the book's order; the bytecode
// compiler uses the index as the builtin's operand.
var Builtins = []struct {
	Name    string
	Builtin *Builtin
}{
	{"len", &Builtin{Name: "len", Fn: builtinLen}},
	{"puts", &Builtin{Name: "puts", Fn: builtinPuts}},
	{"first", &Builtin{Name: "first", Fn: builtinFirst}},
	{"last", &Builtin{Name: "last", Fn: builtinLast}},
	{"rest", &Builtin{Name: "rest", Fn: builtinRest}},
	{"push", &Builtin{Name: "push", Fn: builtinPush}},
}

// GetBuiltinByName returns the builtin called name, or nil.
func GetBuiltinByName(name string) *Builtin {
	for _, b := range Builtins {
		if b.Name == name {
			return b.Builtin
		}
	}
	return nil
}

func wrongArgs(got, want int) *Error {
	return NewError("wrong number of arguments. got=%d, want=%d", got, want)
}

func builtinLen(_ io.Writer, args ...Object) Object {
	if len(args) != 1 {
		return wrongArgs(len(args), 1)
	}
	switch arg := args[0].(type) {
	case *String:
		return NewInteger(int64(len(arg.Value)))
	case *Array:
		return NewInteger(int64(len(arg.Elements)))
	}
	return NewError("argument to `len` not supported, got %s", args[0].Type())
}

func builtinPuts(out io.Writer, args ...Object) Object {
	for _, a := range args {
		fmt.Fprintln(out, a.Inspect())
	}
	return NULL
}

// arrayArg checks the argument count and that the first argument is an array.
func arrayArg(name string, args []Object, want int) (*Array, *Error) {
	if len(args) != want {
		return nil, wrongArgs(len(args), want)
	}
	arr, ok := args[0].(*Array)
	if !ok {
		return nil, NewError("argument to `%s` must be ARRAY, got %s", name, args[0].Type())
	}
	return arr, nil
}

func builtinFirst(_ io.Writer, args ...Object) Object {
	arr, err := arrayArg("first", args, 1)
	if err != nil {
		return err
	}
	if len(arr.Elements) == 0 {
		return NULL
	}
	return arr.Elements[0]
}

func builtinLast(_ io.Writer, args ...Object) Object {
	arr, err := arrayArg("last", args, 1)
	if err != nil {
		return err
	}
	if len(arr.Elements) == 0 {
		return NULL
	}
	return arr.Elements[len(arr.Elements)-1]
}

func builtinRest(_ io.Writer, args ...Object) Object {
	arr, err := arrayArg("rest", args, 1)
	if err != nil {
		return err
	}
	if len(arr.Elements) == 0 {
		return NULL
	}
	return Rest(arr)
}

func builtinPush(_ io.Writer, args ...Object) Object {
	arr, err := arrayArg("push", args, 2)
	if err != nil {
		return err
	}
	res, _ := Push(arr, args[1])
	return res
}
