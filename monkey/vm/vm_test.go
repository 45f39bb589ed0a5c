package vm

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

// run runs src and renders its value or error, and its output.
func run(t *testing.T, src string, opts Options) (string, string) {
	t.Helper()
	prog, err := parser.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	var out bytes.Buffer
	res, err := RunWith(prog, &out, opts)
	if err != nil {
		return "error: " + err.Error(), out.String()
	}
	if res == nil {
		return "nil", out.String()
	}
	return res.Inspect(), out.String()
}

func TestValues(t *testing.T) {
	tests := []struct{ src, want string }{
		{`1 + 2 * 3 - 4 / 2`, "5"},
		{`-5 + 10`, "5"},
		{`let x = 7; -x`, "-7"},
		{`9223372036854775807 + 1`, "-9223372036854775808"},
		{`1 < 2 == true`, "true"},
		{`!5`, "false"},
		{`!!0`, "true"},
		{`"a" + "b" == "ab"`, "true"},
		{`"a" != "a"`, "false"},
		{`[1] == [1]`, "false"},
		{`let a = [1]; a == a`, "true"},
		{`let a = [1, 2]; [rest(a) == rest(a), push(a, 3) == push(a, 3)]`, "[false, false]"},
		{`let a = [1, 2]; let r = rest(a); let p = push(a, 3); [r == r, p == p, first(a) == 1]`, "[true, true, true]"},
		{`1 == true`, "false"},
		{`if (0) { 1 } else { 2 }`, "1"},
		{`if (false) { 1 }`, "null"},
		{`if (null_value()) { 1 } else { 2 }`, "error: 1:5: identifier not found: null_value"},
		{`let x = 1;`, "nil"},
		{``, "null"},
		{`fn() { let x = 1; }()`, "null"},
		{`fn() {}()`, "null"},
		{`[1, 2 + 3, "x"][1]`, "5"},
		{`[1, 2][2]`, "null"},
		{`[1, 2][-1]`, "null"},
		{`{"a": 1, true: 2, 3: 4}[true]`, "2"},
		{`{"a": 1, "b": 2, "a": 3}`, "{a: 3, b: 2}"},
		{`{"a": 1}["b"]`, "null"},
		{`fn(x, y) { x + y }`, "fn(x, y) {\n(x + y)\n}"},
		{`len`, "builtin function"},
		{`return 3; 4`, "3"},
		{`let f = fn() { if (true) { if (true) { return 10; } } return 1; }; f()`, "10"},
	}
	for _, tt := range tests {
		if got, _ := run(t, tt.src, Options{}); got != tt.want {
			t.Errorf("%s\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestClosures(t *testing.T) {
	tests := []struct{ src, want string }{
		// recursive closures: global, local (self reference) and mutual
		{`let fact = fn(n) { if (n == 0) { 1 } else { n * fact(n - 1) } }; fact(20)`, "2432902008176640000"},
		{`let outer = fn() { let count = fn(n) { if (n == 0) { 0 } else { 1 + count(n - 1) } }; count(50) }; outer()`, "50"},
		{`let w = fn() { let even = fn(n) { if (n == 0) { true } else { odd(n - 1) } };
		  let odd = fn(n) { if (n == 0) { false } else { even(n - 1) } }; even(10) }; w()`, "true"},
		// nested three deep, capturing from every level
		{`let a = fn(x) { fn(y) { fn(z) { x * 100 + y * 10 + z } } }; a(1)(2)(3)`, "123"},
		{`let a = fn(x) { let b = fn(y) { let c = fn(z) { [x, y, z] }; c }; b }; a(1)(2)(3)`, "[1, 2, 3]"},
		// a closure sees a later rebinding of the variable it captured
		{`let f = fn() { let x = 1; let g = fn() { x }; let x = 2; g() }; f()`, "2"},
		// a closure created before the variable is bound reads it when called
		{`let f = fn() { let g = fn() { y }; let y = 5; g() }; f()`, "5"},
		{`let f = fn() { let g = fn() { y }; let r = g(); let y = 5; r }; f()`, "error: 1:31: identifier not found: y"},
		// a let on one branch only; the read falls back to the global
		{`let x = "global"; let f = fn(c) { if (c) { let x = "local"; } x }; [f(true), f(false)]`, "[local, global]"},
		{`let adders = fn(n) { fn(x) { x + n } }; let add2 = adders(2); let add3 = adders(3); [add2(1), add3(1)]`, "[3, 4]"},
		{`let x = 10; let f = fn() { x }; let x = 20; f()`, "20"},
	}
	for _, tt := range tests {
		if got, _ := run(t, tt.src, Options{}); got != tt.want {
			t.Errorf("%s\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestBuiltins(t *testing.T) {
	tests := []struct{ src, want, out string }{
		{`len("hello")`, "5", ""},
		{`len([1, 2, 3])`, "3", ""},
		{`len(1)`, "error: 1:4: argument to `len` not supported, got INTEGER", ""},
		{`len("a", "b")`, "error: 1:4: wrong number of arguments. got=2, want=1", ""},
		{`first([7, 8])`, "7", ""},
		{`first([])`, "null", ""},
		{`last([7, 8])`, "8", ""},
		{`rest([7, 8, 9])`, "[8, 9]", ""},
		{`rest([])`, "null", ""},
		{`rest(1)`, "error: 1:5: argument to `rest` must be ARRAY, got INTEGER", ""},
		{`push([1], 2)`, "[1, 2]", ""},
		{`let a = [1]; let b = push(a, 2); let c = push(a, 3); [a, b, c]`, "[[1], [1, 2], [1, 3]]", ""},
		{`let a = push(push([], 1), 2); let r = rest(a); [push(r, 9), push(a, 8), a]`, "[[2, 9], [1, 2, 8], [1, 2]]", ""},
		{`puts("a", 1, [true, puts()], {"k": "v"})`, "null", "a\n1\n[true, null]\n{k: v}\n"},
		{`let len = fn(x) { 42 }; len("abc")`, "42", ""},
		{`let s = len("ab"); let len = 3; s + len`, "5", ""},
	}
	for _, tt := range tests {
		got, out := run(t, tt.src, Options{})
		if got != tt.want || out != tt.out {
			t.Errorf("%s\n got %q, output %q\nwant %q, output %q", tt.src, got, out, tt.want, tt.out)
		}
	}
}

func TestRuntimeErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`5 + true`, "error: 1:3: type mismatch: INTEGER + BOOLEAN"},
		{`5 + true; 5`, "error: 1:3: type mismatch: INTEGER + BOOLEAN"},
		{`-true`, "error: 1:1: unknown operator: -BOOLEAN"},
		{`true + false`, "error: 1:6: unknown operator: BOOLEAN + BOOLEAN"},
		{`"a" - "b"`, "error: 1:5: unknown operator: STRING - STRING"},
		{`"a" < "b"`, "error: 1:5: unknown operator: STRING < STRING"},
		{`1[0]`, "error: 1:2: index operator not supported: INTEGER"},
		{`[1]["a"]`, "error: 1:4: index operator not supported: ARRAY"},
		{`{}[fn(){}]`, "error: 1:3: unusable as hash key: FUNCTION"},
		{`{[1]: 2}`, "error: 1:1: unusable as hash key: ARRAY"},
		{`1 / 0`, "error: 1:3: division by zero"},
		{`5()`, "error: 1:2: not a function: INTEGER"},
		{`fn(x) { x }(1, 2)`, "error: 1:12: wrong number of arguments: want=1, got=2"},
		{"let f = fn(x) {\n  if (x > 1) { x } else { x + \"s\" }\n};\nf(0)", "error: 2:29: type mismatch: INTEGER + STRING"},
		{`foo`, "error: 1:1: identifier not found: foo"},
		{`if (true) { 1 } else { foo }`, "1"},
		{`if (1 < "a") { 1 }`, "error: 1:7: type mismatch: INTEGER < STRING"},
		{`let x = "s"; if (x > 1) { 1 }`, "error: 1:20: type mismatch: STRING > INTEGER"},
	}
	for _, tt := range tests {
		if got, _ := run(t, tt.src, Options{}); got != tt.want {
			t.Errorf("%s\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestOutputBeforeErrorIsKept(t *testing.T) {
	got, out := run(t, `puts(1); x; puts(2)`, Options{})
	if got != "error: 1:10: identifier not found: x" || out != "1\n" {
		t.Errorf("got %q, output %q", got, out)
	}
}

func TestErrorIsObjectError(t *testing.T) {
	prog, _ := parser.Parse("\n  1 + true")
	_, err := Run(prog, &bytes.Buffer{})
	var oe *object.Error
	if !errors.As(err, &oe) || oe.Pos.Line != 2 || oe.Pos.Col != 5 || oe.Message != "type mismatch: INTEGER + BOOLEAN" {
		t.Fatalf("err = %#v", err)
	}
}

func TestDeepRecursion(t *testing.T) {
	tests := []struct{ src, want string }{
		{`let sum = fn(n) { if (n == 0) { 0 } else { n + sum(n - 1) } }; sum(100000)`, "5000050000"},
		{`let build = fn(a, n) { if (n == 0) { a } else { build(push(a, n), n - 1) } };
		  let total = fn(a) { if (len(a) == 0) { 0 } else { first(a) + total(rest(a)) } };
		  total(build([], 100000))`, "5000050000"},
	}
	for _, tt := range tests {
		if got, _ := run(t, tt.src, Options{}); got != tt.want {
			t.Errorf("%s\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestStackOverflow(t *testing.T) {
	src := `let f = fn(n) { puts(n); f(n + 1) }; f(0)`
	got, out := run(t, src, Options{MaxDepth: 1000})
	if got != "error: 1:27: stack overflow" {
		t.Errorf("got %q", got)
	}
	if n := strings.Count(out, "\n"); n != 1000 {
		t.Errorf("%d calls ran before the overflow, want 1000", n)
	}
	got, _ = run(t, `let f = fn() { 1 + f() }; f()`, Options{})
	if got != "error: 1:21: stack overflow" {
		t.Errorf("default depth: got %q", got)
	}
}

func TestLongStringAndArrayBuilding(t *testing.T) {
	src := `let build = fn(s, n) { if (n == 0) { s } else { build(s + "ab", n - 1) } };
	let s = build("", 20000); len(s)`
	if got, _ := run(t, src, Options{}); got != "40000" {
		t.Errorf("got %q", got)
	}
	src = `let a = "x"; let b = a + "y"; let c = a + "z"; a + b + c`
	if got, _ := run(t, src, Options{}); got != "xxyxz" {
		t.Errorf("shared string buffers: got %q", got)
	}
}

func TestLargeLiterals(t *testing.T) {
	var b strings.Builder
	b.WriteString("let h = {")
	for i := 0; i < 1000; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.Repeat("1", 1) + "0" + string(rune('0'+i%10)) + ": " + "[" + string(rune('0'+i%10)) + "]")
	}
	b.WriteString("}; [h[100], h[109], len([")
	for i := 0; i < 700; i++ {
		b.WriteString("1, ")
	}
	b.WriteString("2])]")
	if got, _ := run(t, b.String(), Options{}); got != "[[0], [9], 701]" {
		t.Errorf("got %q", got)
	}
}

func TestHashes(t *testing.T) {
	tests := []struct{ src, want string }{
		{`let h = {0: "a", 1: "b", 2: "c"}; [h[0], h[2], h[3], h[-1], h["0"], h[true]]`, "[a, c, null, null, null, null]"},
		{`{0: 1, 2: 3, 1: 2}`, "{0: 1, 2: 3, 1: 2}"},
		{`let h = {0: 1, 1: 2, 0: 9}; [h, h[0]]`, "[{0: 9, 1: 2}, 9]"},
		{`let h = {0: 1, "k": 2, true: 3, 1: 4}; [h[0], h["k"], h[true], h[1], h[false], h]`, "[1, 2, 3, 4, null, {0: 1, k: 2, true: 3, 1: 4}]"},
		{`let h = {1: 1, 0: 0}; [h[0], h[1]]`, "[0, 1]"},
	}
	for _, tt := range tests {
		if got, _ := run(t, tt.src, Options{}); got != tt.want {
			t.Errorf("%s\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}
