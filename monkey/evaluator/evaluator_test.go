package evaluator

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

// run parses, expands macros and evaluates src; it returns the value's
// Inspect (or "ERROR l:c: msg") and what puts printed.
func run(t *testing.T, src string) (string, string) {
	t.Helper()
	prog, err := parser.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	macros := object.NewEnvironment()
	DefineMacros(prog, macros)
	expanded, merr := ExpandMacros(prog, macros)
	if merr != nil {
		return "ERROR " + merr.Error(), ""
	}
	env := object.NewEnvironment()
	var out bytes.Buffer
	env.SetOutput(&out)
	res := Eval(expanded.(*ast.Program), env)
	switch r := res.(type) {
	case nil:
		return "<nil>", out.String()
	case *object.Error:
		return "ERROR " + r.Error(), out.String()
	}
	return res.Inspect(), out.String()
}

type evalCase struct{ src, want string }

func checkAll(t *testing.T, tests []evalCase) {
	t.Helper()
	for _, tt := range tests {
		if got, _ := run(t, tt.src); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestIntegerArithmetic(t *testing.T) {
	checkAll(t, []evalCase{
		{"5", "5"}, {"-10", "-10"}, {"--5", "5"},
		{"5 + 5 + 5 + 5 - 10", "10"}, {"2 * 2 * 2 * 2 * 2", "32"},
		{"-50 + 100 + -50", "0"}, {"5 * 2 + 10", "20"}, {"5 + 2 * 10", "25"},
		{"50 / 2 * 2 + 10", "60"}, {"2 * (5 + 10)", "30"}, {"3 * 3 * 3 + 10", "37"},
		{"(5 + 10 * 2 + 15 / 3) * 2 + -10", "50"},
		{"7 / 2", "3"}, {"-7 / 2", "-3"}, {"7 / -2", "-3"},
		{"9223372036854775807 + 1", "-9223372036854775808"},
		{"1 / 0", "ERROR 1:3: division by zero"},
		{"let z = 0; 10 / z", "ERROR 1:15: division by zero"},
	})
}

func TestBooleansAndComparison(t *testing.T) {
	checkAll(t, []evalCase{
		{"true", "true"}, {"false", "false"},
		{"1 < 2", "true"}, {"1 > 2", "false"}, {"1 < 1", "false"}, {"1 == 1", "true"},
		{"1 != 1", "false"}, {"1 == 2", "false"}, {"1 != 2", "true"},
		{"true == true", "true"}, {"true != false", "true"}, {"(1 < 2) == true", "true"},
		{"(1 > 2) == true", "false"}, {"1 == true", "false"}, {"1 != true", "true"},
		{`"a" == "a"`, "true"}, {`"a" != "a"`, "false"}, {`"a" == "b"`, "false"},
		{`let a = "x" + "y"; a == "xy"`, "true"}, {"[1] == [1]", "false"},
		{"let a = [1]; a == a", "true"}, {`1 == "1"`, "false"},
		{"!true", "false"}, {"!false", "true"}, {"!5", "false"}, {"!!true", "true"},
		{"!!5", "true"}, {"!0", "false"}, {`!""`, "false"},
		{"let n = if (false) { 1 }; !n", "true"},
	})
}

func TestConditionals(t *testing.T) {
	checkAll(t, []evalCase{
		{"if (true) { 10 }", "10"}, {"if (false) { 10 }", "null"}, {"if (1) { 10 }", "10"},
		{"if (1 < 2) { 10 }", "10"}, {"if (1 > 2) { 10 }", "null"},
		{"if (1 > 2) { 10 } else { 20 }", "20"}, {"if (1 < 2) { 10 } else { 20 }", "10"},
		{"if (0) { 1 } else { 2 }", "1"}, {`if ("") { 1 } else { 2 }`, "1"},
		{"if ([]) { 1 } else { 2 }", "1"}, {"if (true) { }", "null"},
		{"if (if (false) { 1 }) { 1 } else { 2 }", "2"},
		{"if (true == 1) { 1 } else { 2 }", "2"}, {"if (true != 1) { 1 } else { 2 }", "1"},
		{"let n = 5; [if (n > 4) { 1 }, if (n < 4) { 1 }, if (n == 5) { 1 }, if (n != 5) { 1 }]", "[1, null, 1, null]"},
		{`if ("a" < 1) { 1 }`, "ERROR 1:9: type mismatch: STRING < INTEGER"},
		{"if (true > 1) { 1 }", "ERROR 1:10: type mismatch: BOOLEAN > INTEGER"},
	})
}

func TestReturn(t *testing.T) {
	checkAll(t, []evalCase{
		{"return 10;", "10"}, {"return 10; 9;", "10"}, {"return 2 * 5; 9;", "10"},
		{"9; return 2 * 5; 9;", "10"},
		{"if (10 > 1) { if (10 > 1) { return 10; } return 1; }", "10"},
		{"let f = fn(x) { return x; x + 10; }; f(10);", "10"},
		{"let f = fn(x) { let result = x + 10; return result; return 10; }; f(10);", "20"},
		{"let f = fn() { if (true) { if (true) { return 1 } }; 2 }; f() + 10", "11"},
		{"let g = fn() { return 5 }; let f = fn() { g(); 7 }; f()", "7"},
		{"let x = 1; return x; puts(2)", "1"},
	})
}

func TestErrors(t *testing.T) {
	checkAll(t, []evalCase{
		{"5 + true;", "ERROR 1:3: type mismatch: INTEGER + BOOLEAN"},
		{"5 + true; 5;", "ERROR 1:3: type mismatch: INTEGER + BOOLEAN"},
		{"-true", "ERROR 1:1: unknown operator: -BOOLEAN"},
		{`-"a"`, "ERROR 1:1: unknown operator: -STRING"},
		{"true + false;", "ERROR 1:6: unknown operator: BOOLEAN + BOOLEAN"},
		{"5; true + false; 5", "ERROR 1:9: unknown operator: BOOLEAN + BOOLEAN"},
		{"if (10 > 1) { true + false; }", "ERROR 1:20: unknown operator: BOOLEAN + BOOLEAN"},
		{"if (10 > 1) { if (10 > 1) { return true + false; } return 1; }",
			"ERROR 1:41: unknown operator: BOOLEAN + BOOLEAN"},
		{`"Hello" - "World"`, "ERROR 1:9: unknown operator: STRING - STRING"},
		{`"a" < "b"`, "ERROR 1:5: unknown operator: STRING < STRING"},
		{"true < false", "ERROR 1:6: unknown operator: BOOLEAN < BOOLEAN"},
		{`"a" * 2`, "ERROR 1:5: type mismatch: STRING * INTEGER"},
		{"foobar", "ERROR 1:1: identifier not found: foobar"},
		{"let f = fn() { x }; f()", "ERROR 1:16: identifier not found: x"},
		{`{"name": "Monkey"}[fn(x) { x }];`, "ERROR 1:19: unusable as hash key: FUNCTION"},
		{`{[1]: 2}`, "ERROR 1:1: unusable as hash key: ARRAY"},
		{"1[0]", "ERROR 1:2: index operator not supported: INTEGER"},
		{`[1]["a"]`, "ERROR 1:4: index operator not supported: ARRAY"},
		{"let a = 1; a(2)", "ERROR 1:13: not a function: INTEGER"},
		{`"f"()`, "ERROR 1:4: not a function: STRING"},
		{"fn(x) { x }()", "ERROR 1:12: wrong number of arguments: want=1, got=0"},
		{"fn() { 1 }(1, 2)", "ERROR 1:11: wrong number of arguments: want=0, got=2"},
		{"len(1)", "ERROR 1:4: argument to `len` not supported, got INTEGER"},
		{`len("one", "two")`, "ERROR 1:4: wrong number of arguments. got=2, want=1"},
		{"first(1)", "ERROR 1:6: argument to `first` must be ARRAY, got INTEGER"},
		{"last(1)", "ERROR 1:5: argument to `last` must be ARRAY, got INTEGER"},
		{"rest(1)", "ERROR 1:5: argument to `rest` must be ARRAY, got INTEGER"},
		{"push(1, 1)", "ERROR 1:5: argument to `push` must be ARRAY, got INTEGER"},
		{"let r = len(1); 5", "ERROR 1:12: argument to `len` not supported, got INTEGER"},
		{"let f = fn(n) { f(n + 1) }; f(0)", "ERROR 1:18: stack overflow"},
	})
}

func TestErrorAbortsProgram(t *testing.T) {
	res, out := run(t, `puts("before"); let x = 1 + true; puts("after"); 5`)
	if res != "ERROR 1:27: type mismatch: INTEGER + BOOLEAN" || out != "before\n" {
		t.Errorf("got %q, printed %q", res, out)
	}
	res, out = run(t, `puts(1); len(5); puts(2)`)
	if !strings.HasPrefix(res, "ERROR") || out != "1\n" {
		t.Errorf("builtin error did not abort: %q, printed %q", res, out)
	}
}

func TestLetAndGlobals(t *testing.T) {
	checkAll(t, []evalCase{
		{"let a = 5; a;", "5"}, {"let a = 5 * 5; a;", "25"}, {"let a = 5; let b = a; b;", "5"},
		{"let a = 5; let b = a; let c = a + b + 5; c;", "15"}, {"let a = 5;", "<nil>"},
		{"let a = 1; let a = a + 1; a", "2"},
		{"let x = 10; let f = fn() { let x = x + 1; x }; f() + x", "21"},
		{"let f = fn() { let y = 1; if (true) { let y = 2; }; y }; f()", "2"},
	})
}

func TestFunctionsAndClosures(t *testing.T) {
	checkAll(t, []evalCase{
		{"fn(x) { x + 2; };", "fn(x) {\n(x + 2)\n}"},
		{"let identity = fn(x) { x; }; identity(5);", "5"},
		{"let double = fn(x) { x * 2; }; double(5);", "10"},
		{"let add = fn(x, y) { x + y; }; add(5 + 5, add(5, 5));", "20"},
		{"fn(x) { x; }(5)", "5"}, {"fn() { }()", "null"}, {"fn() { let a = 1; }()", "null"},
		{"let newAdder = fn(x) { fn(y) { x + y }; }; let addTwo = newAdder(2); addTwo(2);", "4"},
		{"let a = fn(x) { fn(y) { fn(z) { x + y + z } } }; a(1)(2)(3)", "6"},
		{"let counter = fn() { let n = 0; fn() { let n = n + 1; n } }; let c = counter(); c(); c()", "1"},
		{"let add = fn(a, b) { a + b }; let applyFunc = fn(a, b, func) { func(a, b) }; applyFunc(2, 2, add);", "4"},
		{"let f = fn() { let g = fn(n) { if (n == 0) { 0 } else { n + g(n - 1) } }; g(10) }; f()", "55"},
		{"let f = fn() { let even = fn(n) { if (n == 0) { true } else { odd(n - 1) } }; " +
			"let odd = fn(n) { if (n == 0) { false } else { even(n - 1) } }; even(10) }; f()", "true"},
		{"let x = 1; let f = fn() { x }; let x = 2; f()", "2"},
		{`let x = "global"; let f = fn() { let show = fn() { x }; let before = show(); let x = "local"; ` +
			`[before, show(), x] }; f()`, "[global, local, local]"},
		{"let f = fn() { if (false) { let y = 1 }; y }; f()", "ERROR 1:42: identifier not found: y"},
		{"let y = 5; let f = fn() { if (false) { let y = 1 }; y }; f()", "5"},
		{"let f = fn(a) { let a = a * 2; a }; f(21)", "42"},
		{"let fact = fn(n) { if (n < 2) { 1 } else { n * fact(n - 1) } }; fact(20)", "2432902008176640000"},
		{"let fib = fn(n) { if (n < 2) { n } else { fib(n - 1) + fib(n - 2) } }; fib(15)", "610"},
		{"let deep = fn(n) { if (n == 0) { 0 } else { 1 + deep(n - 1) } }; deep(5000)", "5000"},
	})
}

func TestStringsArraysHashes(t *testing.T) {
	checkAll(t, []evalCase{
		{`"Hello World!"`, "Hello World!"}, {`"Hello" + " " + "World!"`, "Hello World!"},
		{"[1, 2 * 2, 3 + 3]", "[1, 4, 6]"},
		{"[1, 2, 3][0]", "1"}, {"[1, 2, 3][2]", "3"}, {"let i = 0; [1][i];", "1"},
		{"[1, 2, 3][1 + 1];", "3"}, {"let myArray = [1, 2, 3]; myArray[0] + myArray[1] + myArray[2];", "6"},
		{"[1, 2, 3][3]", "null"}, {"[1, 2, 3][-1]", "null"}, {"[][0]", "null"},
		{`let two = "two"; {"one": 10 - 9, two: 1 + 1, "thr" + "ee": 6 / 2, 4: 4, true: 5, false: 6}`,
			"{one: 1, two: 2, three: 3, 4: 4, true: 5, false: 6}"},
		{`{"foo": 5}["foo"]`, "5"}, {`{"foo": 5}["bar"]`, "null"}, {`let key = "foo"; {"foo": 5}[key]`, "5"},
		{`{}["foo"]`, "null"}, {"{5: 5}[5]", "5"}, {"{true: 5}[true]", "5"}, {"{false: 5}[false]", "5"},
		{`{1: "a", 1: "b"}`, "{1: b}"}, {`{"1": 1, 1: 2}["1"]`, "1"},
		{`[1, "two", [3], {"k": fn(x) { x }}]`, "[1, two, [3], {k: fn(x) {\nx\n}}]"},
		{`len("")`, "0"}, {`len("four")`, "4"}, {`len("hello world")`, "11"}, {"len([1, 2, 3])", "3"},
		{"len([])", "0"}, {"first([1, 2, 3])", "1"}, {"first([])", "null"}, {"last([1, 2, 3])", "3"},
		{"last([])", "null"}, {"rest([1, 2, 3])", "[2, 3]"}, {"rest([])", "null"}, {"rest(rest([1]))", "null"},
		{"push([], 1)", "[1]"}, {"let a = [1]; let b = push(a, 2); [a, b]", "[[1], [1, 2]]"},
		{"puts", "builtin function"}, {"let len = fn(x) { 42 }; len([])", "42"},
	})
}

func TestPuts(t *testing.T) {
	res, out := run(t, `puts("hello", 1, [1, "a"], {"k": true}, null_free()); `+"\n"+`1`)
	if !strings.Contains(res, "identifier not found: null_free") || out != "" {
		t.Errorf("args are evaluated before puts runs: got %q printed %q", res, out)
	}
	res, out = run(t, `let r = puts("hello", 1, [1, "a"], {"k": true}); r`)
	if res != "null" || out != "hello\n1\n[1, a]\n{k: true}\n" {
		t.Errorf("got %q printed %q", res, out)
	}
}

func TestQuoteUnquote(t *testing.T) {
	checkAll(t, []evalCase{
		{"quote(5)", "QUOTE(5)"}, {"quote(5 + 8)", "QUOTE((5 + 8))"}, {"quote(foobar)", "QUOTE(foobar)"},
		{"quote(foobar + barfoo)", "QUOTE((foobar + barfoo))"},
		{"quote(unquote(4))", "QUOTE(4)"}, {"quote(unquote(4 + 4))", "QUOTE(8)"},
		{"quote(8 + unquote(4 + 4))", "QUOTE((8 + 8))"}, {"quote(unquote(4 + 4) + 8)", "QUOTE((8 + 8))"},
		{"let foobar = 8; quote(foobar)", "QUOTE(foobar)"}, {"let foobar = 8; quote(unquote(foobar))", "QUOTE(8)"},
		{"quote(unquote(true))", "QUOTE(true)"}, {"quote(unquote(true == false))", "QUOTE(false)"},
		{"quote(unquote(quote(4 + 4)))", "QUOTE((4 + 4))"},
		{"let q = quote(4 + 4); quote(unquote(4 + 4) + unquote(q))", "QUOTE((8 + (4 + 4)))"},
		{`quote(unquote("s"))`, "QUOTE(s)"}, {"quote(f(unquote(1 + 1)))", "QUOTE(f(2))"},
		{"let f = fn(x) { quote(x + unquote(x)) }; f(3)", "QUOTE((x + 3))"},
		{"let f = fn() { quote(unquote(1)) }; [f(), f()]", "[QUOTE(1), QUOTE(1)]"},
		{"quote(unquote(null_value))", "ERROR 1:15: identifier not found: null_value"},
		{"quote(unquote(if (false) { 1 }))", "ERROR 1:14: unquote: cannot turn NULL into syntax"},
		{"quote(1, 2)", "ERROR 1:6: wrong number of arguments. got=2, want=1"},
		{"let f = fn(q, n) { if (n == 0) { q } else { f(quote([unquote(q), unquote(q)]), n - 1) } }; f(quote(1), 60)",
			"ERROR 1:52: quote too large (more than 262144 nodes)"},
	})
}

func TestMacros(t *testing.T) {
	checkAll(t, []evalCase{
		{"let infixExpression = macro() { quote(1 + 2); }; infixExpression();", "3"},
		{"let reverse = macro(a, b) { quote(unquote(b) - unquote(a)); }; reverse(2 + 2, 10 - 5);", "1"},
		{`let unless = macro(condition, consequence, alternative) {
			quote(if (!(unquote(condition))) { unquote(consequence); } else { unquote(alternative); });
		};
		unless(10 > 5, "not greater", "greater");`, "greater"},
		{"let m = macro(x) { quote(unquote(x) * 2) }; let f = fn(n) { m(n + 1) }; f(4)", "10"},
		{"let m = macro(x) { x }; m(1 + 2)", "3"},
		{"let m = macro(x) { 1 }; m(2)", "ERROR 1:26: macro must return a quote, got INTEGER"},
		{"let m = macro(x) { quote(x) }; m()", "ERROR 1:33: wrong number of arguments: want=1, got=0"},
		{"let m = macro() { 1 + true }; m()", "ERROR 1:21: type mismatch: INTEGER + BOOLEAN"},
		{"macro(x) { x }", "macro(x) {\nx\n}"},
		{"let t = macro(x) { quote([unquote(x), unquote(x)]) }; " + strings.Repeat("t(", 30) + "1" + strings.Repeat(")", 30),
			"ERROR 1:25: quote too large (more than 262144 nodes)"},
		{"let t = macro(x) { quote([unquote(x), unquote(x)]) }; len(t(t(t(1))))", "2"},
		{"let m = macro(x) { x }; let f = fn() { m }; f()", "ERROR 1:40: identifier not found: m"},
	})
}

func TestEnvironmentPersistsAcrossEvals(t *testing.T) {
	env := object.NewEnvironment()
	for _, step := range []evalCase{
		{"let x = 5; let add = fn(a) { a + x };", "<nil>"},
		{"add(1)", "6"},
		{"let x = 10; add(1)", "11"},
		{"y", "ERROR 1:1: identifier not found: y"},
		{"let y = 2; x * y", "20"},
	} {
		prog, err := parser.Parse(step.src)
		if err != nil {
			t.Fatal(err)
		}
		got := "<nil>"
		switch r := Eval(prog, env).(type) {
		case *object.Error:
			got = "ERROR " + r.Error()
		case nil:
		default:
			got = r.Inspect()
		}
		if got != step.want {
			t.Fatalf("%s: got %s, want %s", step.src, got, step.want)
		}
	}
	if v, ok := env.Get("y"); !ok || v.Inspect() != "2" {
		t.Errorf("global y = %v", v)
	}
}

func TestStackOverflowNeverCrashes(t *testing.T) {
	// Deeply nested call sites cost more stack, so they overflow sooner, but
	// always as a Monkey error rather than a fatal Go stack overflow.
	nested := "let f = fn(n) { " + strings.Repeat("-", 900) + "f(n + 1) }; f(0)"
	plain := "let count = fn(n) { if (n == 0) { 0 } else { 1 + count(n - 1) } }; count(20000)"
	for _, src := range []string{nested, "let f = fn(n) { f(n + 1) }; f(0)",
		"let f = fn(n) { [f(n + 1)] }; f(0)", "let f = fn() { puts(f()) }; f()"} {
		if got, _ := run(t, src); !strings.HasSuffix(got, "stack overflow") {
			t.Errorf("%.60s...: got %s", src, got)
		}
	}
	if got, _ := run(t, plain); got != "20000" {
		t.Errorf("20000 nested calls: got %s", got)
	}
}

func TestStringTooLong(t *testing.T) {
	defer func(old int) { maxStringLen = old }(maxStringLen)
	maxStringLen = 1 << 10
	got, _ := run(t, `let f = fn(s, n) { if (n == 0) { len(s) } else { f(s + s, n - 1) } }; f("ab", 40)`)
	if got != "ERROR 1:54: string too long: 2048 bytes" {
		t.Errorf("got %s", got)
	}
}

func steps(n int64) budget.Limits { return budget.Limits{MaxSteps: n} }

func TestStepLimit(t *testing.T) {
	prog, err := parser.Parse("let fib = fn(n) { if (n < 2) { n } else { fib(n - 1) + fib(n - 2) } }; fib(30)")
	if err != nil {
		t.Fatal(err)
	}
	res, ok := EvalContext(context.Background(), prog, object.NewEnvironment(), steps(1000)).(*object.Error)
	if !ok || res.Message != "step limit exceeded: 1000 steps" || !errors.Is(res, budget.ErrSteps) {
		t.Fatalf("got %v", res)
	}
	prog, _ = parser.Parse("let fib = fn(n) { if (n < 2) { n } else { fib(n - 1) + fib(n - 2) } }; fib(10)")
	if got := EvalContext(context.Background(), prog, object.NewEnvironment(), steps(177)); got.Inspect() != "55" {
		t.Errorf("fib(10) makes 177 calls; with that budget got %s", got.Inspect())
	}
	if got := EvalContext(context.Background(), prog, object.NewEnvironment(), steps(176)); got.Inspect() != "ERROR: step limit exceeded: 176 steps" {
		t.Errorf("one call short: got %s", got.Inspect())
	}
}

func TestApply(t *testing.T) {
	env := object.NewEnvironment()
	prog, _ := parser.Parse("let sq = fn(x) { x * x }; let bad = fn(x) { x + true };")
	Eval(prog, env)
	sq, _ := env.Get("sq")
	if got := Apply(sq, []object.Object{object.NewInteger(9)}, env); got.Inspect() != "81" {
		t.Errorf("sq(9) = %s", got.Inspect())
	}
	bad, _ := env.Get("bad")
	if got, ok := Apply(bad, []object.Object{object.NewInteger(1)}, env).(*object.Error); !ok ||
		got.Message != "type mismatch: INTEGER + BOOLEAN" {
		t.Errorf("bad(1) = %v", got)
	}
	if got := Apply(object.GetBuiltinByName("len"), []object.Object{&object.String{Value: "abc"}}, env); got.Inspect() != "3" {
		t.Errorf("len = %s", got.Inspect())
	}
}

func FuzzEval(f *testing.F) {
	for _, s := range []string{
		"let f = fn(n) { if (n < 2) { n } else { f(n - 1) + f(n - 2) } }; f(10)",
		`let h = {"a": [1, 2], 3: true}; h["a"][1] + len("xy")`,
		"let m = macro(a) { quote(unquote(a) + 1) }; m(2)",
		"let f = fn(n) { f(n) }; f(1)", "quote(unquote(quote(unquote(1))))", "1 / 0; -true",
		"rest(push([1], fn(x){x}))[0](1)", "let a = [1]; a[9223372036854775807]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := parser.Parse(src)
		if err != nil {
			return
		}
		macros := object.NewEnvironment()
		DefineMacros(prog, macros)
		expanded, merr := ExpandMacros(prog, macros)
		if merr != nil {
			return
		}
		env := object.NewEnvironment()
		env.SetOutput(&bytes.Buffer{})
		if e, ok := EvalContext(context.Background(), expanded, env, steps(20000)).(*object.Error); ok && (e.Message == "" || !e.Pos.IsValid()) {
			t.Fatalf("error without message or position: %#v", e)
		}
	})
}
