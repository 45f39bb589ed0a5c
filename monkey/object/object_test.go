package object

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/token"
)

func TestInspect(t *testing.T) {
	prog, err := parser.Parse("fn(x, y) { x + y }")
	if err != nil {
		t.Fatal(err)
	}
	fl := prog.Statements[0].(*ast.ExpressionStatement).Expression.(*ast.FunctionLiteral)
	h := NewHash(2)
	h.Set(&String{Value: "b"}, NewInteger(1))
	h.Set(TRUE, &Array{Elements: []Object{NULL}})
	h.Set(&String{Value: "b"}, NewInteger(2)) // overwrite keeps the position
	tests := []struct {
		obj  Object
		want string
	}{
		{NewInteger(-42), "-42"},
		{NewInteger(1 << 40), "1099511627776"},
		{TRUE, "true"},
		{FALSE, "false"},
		{NULL, "null"},
		{&String{Value: "hi there"}, "hi there"},
		{&Array{Elements: []Object{NewInteger(1), &String{Value: "a"}, &Array{}}}, "[1, a, []]"},
		{h, "{b: 2, true: [null]}"},
		{&Hash{Pairs: map[HashKey]HashPair{
			NewInteger(2).HashKey(): {Key: NewInteger(2), Value: TRUE},
			NewInteger(1).HashKey(): {Key: NewInteger(1), Value: FALSE},
		}}, "{1: false, 2: true}"},
		{&Function{Parameters: fl.Parameters, Body: fl.Body}, "fn(x, y) {\n(x + y)\n}"},
		{&Macro{Parameters: fl.Parameters, Body: fl.Body}, "macro(x, y) {\n(x + y)\n}"},
		{&Quote{Node: fl.Body}, "QUOTE((x + y))"},
		{&Builtin{Name: "len"}, "builtin function"},
		{NewError("boom %d", 1), "ERROR: boom 1"},
		{&ReturnValue{Value: NewInteger(7)}, "7"},
	}
	for _, tt := range tests {
		if got := tt.obj.Inspect(); got != tt.want {
			t.Errorf("%T.Inspect() = %q, want %q", tt.obj, got, tt.want)
		}
	}
}

func TestHashKeys(t *testing.T) {
	a1, a2 := &String{Value: "a"}, &String{Value: "a"}
	if a1.HashKey() != a2.HashKey() {
		t.Error("equal strings have different keys")
	}
	distinct := []Hashable{&String{Value: "1"}, NewInteger(1), TRUE, FALSE, NewInteger(0), &String{Value: ""}}
	seen := map[HashKey]Hashable{}
	for _, k := range distinct {
		if prev, ok := seen[k.HashKey()]; ok {
			t.Errorf("%s %s and %s %s share a key", prev.Type(), prev.Inspect(), k.Type(), k.Inspect())
		}
		seen[k.HashKey()] = k
	}
	h := NewHash(0)
	h.Set(NewInteger(5), &String{Value: "five"})
	if v, ok := h.Get(NewInteger(5)); !ok || v.Inspect() != "five" {
		t.Errorf("Get(5) = %v, %v", v, ok)
	}
	if _, ok := h.Get(&String{Value: "5"}); ok {
		t.Error(`Get("5") found the integer key`)
	}
}

func TestSharedValues(t *testing.T) {
	seven, big := int64(7), int64(1<<20)
	if NewInteger(seven) != NewInteger(7) || NewInteger(big) == NewInteger(1<<20) {
		t.Error("small integers should be shared, large ones fresh")
	}
	if NativeBool(true) != TRUE || NativeBool(false) != FALSE {
		t.Error("NativeBool does not return the singletons")
	}
	for _, o := range []Object{NewInteger(0), &String{}, &Array{}, TRUE} {
		if !IsTruthy(o) {
			t.Errorf("%s %q should be truthy", o.Type(), o.Inspect())
		}
	}
	if IsTruthy(FALSE) || IsTruthy(NULL) {
		t.Error("false and null must be falsy")
	}
}

func TestErrorFormatting(t *testing.T) {
	e := &Error{Message: "division by zero", Pos: token.Position{Line: 3, Col: 9}}
	if e.Error() != "3:9: division by zero" {
		t.Errorf("got %q", e.Error())
	}
	if NewError("x").Error() != "x" {
		t.Error("error without position should print only the message")
	}
}

func TestEnvironment(t *testing.T) {
	env := NewEnvironment()
	if _, ok := env.Get("x"); ok {
		t.Fatal("empty environment has x")
	}
	slot := env.Slot("x") // reserved but unbound
	if _, ok := env.Get("x"); ok || len(env.Names()) != 0 {
		t.Fatal("reserved slot counts as bound")
	}
	env.Set("x", NewInteger(1))
	env.SetAt(slot, NewInteger(2))
	env.Set("y", TRUE)
	if v, _ := env.Get("x"); v.Inspect() != "2" || env.At(env.Slot("y")) != TRUE {
		t.Fatalf("x = %v", v)
	}
	if names := env.Names(); len(names) != 2 || names[0] != "x" || names[1] != "y" {
		t.Fatalf("Names() = %v", names)
	}
}

func call(name string, args ...Object) (Object, string) {
	var out bytes.Buffer
	return GetBuiltinByName(name).Fn(&out, args...), out.String()
}

func TestBuiltins(t *testing.T) {
	arr := &Array{Elements: []Object{NewInteger(1), NewInteger(2), NewInteger(3)}}
	empty := &Array{}
	tests := []struct {
		name string
		args []Object
		want string
	}{
		{"len", []Object{&String{Value: "four"}}, "4"},
		{"len", []Object{arr}, "3"},
		{"len", []Object{NewInteger(1)}, "ERROR: argument to `len` not supported, got INTEGER"},
		{"len", []Object{arr, arr}, "ERROR: wrong number of arguments. got=2, want=1"},
		{"first", []Object{arr}, "1"},
		{"first", []Object{empty}, "null"},
		{"first", []Object{NewInteger(1)}, "ERROR: argument to `first` must be ARRAY, got INTEGER"},
		{"last", []Object{arr}, "3"},
		{"last", []Object{empty}, "null"},
		{"last", []Object{TRUE}, "ERROR: argument to `last` must be ARRAY, got BOOLEAN"},
		{"rest", []Object{arr}, "[2, 3]"},
		{"rest", []Object{empty}, "null"},
		{"rest", []Object{}, "ERROR: wrong number of arguments. got=0, want=1"},
		{"rest", []Object{NULL}, "ERROR: argument to `rest` must be ARRAY, got NULL"},
		{"push", []Object{arr, NewInteger(4)}, "[1, 2, 3, 4]"},
		{"push", []Object{empty, NULL}, "[null]"},
		{"push", []Object{arr}, "ERROR: wrong number of arguments. got=1, want=2"},
		{"push", []Object{NewInteger(1), NewInteger(1)}, "ERROR: argument to `push` must be ARRAY, got INTEGER"},
	}
	for _, tt := range tests {
		got, _ := call(tt.name, tt.args...)
		if got.Inspect() != tt.want {
			t.Errorf("%s(%d args) = %q, want %q", tt.name, len(tt.args), got.Inspect(), tt.want)
		}
	}
	if arr.Inspect() != "[1, 2, 3]" {
		t.Errorf("push or rest modified its argument: %s", arr.Inspect())
	}
	res, out := call("puts", &String{Value: "hello"}, NewInteger(5), arr)
	if res != NULL || out != "hello\n5\n[1, 2, 3]\n" {
		t.Errorf("puts returned %v and printed %q", res, out)
	}
	if GetBuiltinByName("nope") != nil {
		t.Error("unknown builtin found")
	}
}

func TestInspectIsBounded(t *testing.T) {
	defer func(old int) { maxInspectLen = old }(maxInspectLen)
	maxInspectLen = 1000
	var v Object = NewInteger(1)
	for i := 0; i < 60; i++ { // 2^60 leaves, all shared
		v = &Array{Elements: []Object{v, v}}
	}
	h := NewHash(1)
	h.Set(&String{Value: "k"}, v)
	for _, o := range []Object{v, h} {
		s := o.Inspect()
		if len(s) > maxInspectLen+100 || !strings.HasSuffix(s, "...") {
			t.Errorf("%s: %d bytes, ends %q", o.Type(), len(s), s[len(s)-10:])
		}
	}
}
