package parser

import (
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/token"
)

func mustParse(t *testing.T, src string) *ast.Program {
	t.Helper()
	prog, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return prog
}

func TestOperatorPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"-a * b", "((-a) * b)"},
		{"!-a", "(!(-a))"},
		{"a + b + c", "((a + b) + c)"},
		{"a + b - c", "((a + b) - c)"},
		{"a * b / c", "((a * b) / c)"},
		{"a + b * c + d / e - f", "(((a + (b * c)) + (d / e)) - f)"},
		{"3 + 4; -5 * 5", "(3 + 4)((-5) * 5)"},
		{"5 > 4 == 3 < 4", "((5 > 4) == (3 < 4))"},
		{"5 < 4 != 3 > 4", "((5 < 4) != (3 > 4))"},
		{"3 + 4 * 5 == 3 * 1 + 4 * 5", "((3 + (4 * 5)) == ((3 * 1) + (4 * 5)))"},
		{"true == !false", "(true == (!false))"},
		{"1 + (2 + 3) + 4", "((1 + (2 + 3)) + 4)"},
		{"-(5 + 5)", "(-(5 + 5))"},
		{"a + add(b * c) + d", "((a + add((b * c))) + d)"},
		{"add(a, b, 1, 2 * 3, 4 + 5, add(6, 7 * 8))", "add(a, b, 1, (2 * 3), (4 + 5), add(6, (7 * 8)))"},
		{"a * [1, 2, 3, 4][b * c] * d", "((a * ([1, 2, 3, 4][(b * c)])) * d)"},
		{"add(a * b[2], b[1], 2 * [1, 2][1])", "add((a * (b[2])), (b[1]), (2 * ([1, 2][1])))"},
		{"f(1)(2)", "f(1)(2)"},
		{"a[0][1]", "((a[0])[1])"},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.src).String(); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestStatementsAndLiterals(t *testing.T) {
	tests := []struct{ src, want string }{
		{"let x = 5;", "let x = 5;"},
		{"let y = true", "let y = true;"},
		{"return x + 1;", "return (x + 1);"},
		{"return 5 let a = 1", "return 5;let a = 1;"},
		{`"hello world"`, "hello world"},
		{"if (x < y) { x }", "if(x < y) x"},
		{"if (x < y) { x } else { y }", "if(x < y) xelse y"},
		{"fn(x, y) { x + y; }", "fn(x, y) (x + y)"},
		{"fn() {}", "fn() "},
		{"[]", "[]"},
		{"{}", "{}"},
		{`{"one": 1, true: 2, 3: 4 + 1,}`, "{one:1, true:2, 3:(4 + 1)}"},
		{"macro(x, y) { x + y; }", "macro(x, y) (x + y)"},
		{"let f = fn(x) { x }; // trailing comment", "let f = fn(x) x;"},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.src).String(); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestNodeFieldsAndPositions(t *testing.T) {
	prog := mustParse(t, "let add = fn(a, b) {\n  a + b\n};\nadd(1, 2)[0]")
	let := prog.Statements[0].(*ast.LetStatement)
	fl := let.Value.(*ast.FunctionLiteral)
	if fl.Name != "add" || len(fl.Parameters) != 2 || fl.Parameters[1].Value != "b" {
		t.Fatalf("function literal: %+v", fl)
	}
	infix := fl.Body.Statements[0].(*ast.ExpressionStatement).Expression.(*ast.InfixExpression)
	if infix.Operator != "+" || infix.Pos() != (token.Position{Line: 2, Col: 5}) {
		t.Errorf("infix %q at %s, want + at 2:5", infix.Operator, infix.Pos())
	}
	idx := prog.Statements[1].(*ast.ExpressionStatement).Expression.(*ast.IndexExpression)
	call := idx.Left.(*ast.CallExpression)
	checks := []struct {
		node ast.Node
		want token.Position
	}{
		{let, token.Position{Line: 1, Col: 1}},
		{let.Name, token.Position{Line: 1, Col: 5}},
		{fl, token.Position{Line: 1, Col: 11}},
		{fl.Body, token.Position{Line: 1, Col: 20}},
		{idx, token.Position{Line: 4, Col: 10}},
		{call, token.Position{Line: 4, Col: 4}},
		{call.Arguments[1], token.Position{Line: 4, Col: 8}},
	}
	for _, c := range checks {
		if c.node.Pos() != c.want {
			t.Errorf("%T %q at %s, want %s", c.node, c.node.String(), c.node.Pos(), c.want)
		}
	}
}

func TestHashPairsKeepSourceOrder(t *testing.T) {
	h := mustParse(t, `{"b": 1, "a": 2, "c": 3}`).Statements[0].(*ast.ExpressionStatement).Expression.(*ast.HashLiteral)
	var keys []string
	for _, p := range h.Pairs {
		keys = append(keys, p.Key.String())
	}
	if strings.Join(keys, ",") != "b,a,c" {
		t.Fatalf("keys in order %v", keys)
	}
}

func TestErrorsNamePositionExpectedAndFound(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"let = 5;", []string{`1:5: expected an identifier, found "="`}},
		{"let x 5;", []string{`1:7: expected "=", found "5"`}},
		{"let x = ;", []string{`1:9: expected an expression, found ";"`}},
		{"if x { 1 }", []string{`1:4: expected "(", found "x"`}},
		{"fn(x, 1) { x }", []string{`1:7: expected an identifier, found "1"`}},
		{"fn(x, x) { x }", []string{`1:7: duplicate parameter x`}},
		{"add(1 2)", []string{`1:7: expected "," or ")", found "2"`}},
		{"[1, 2", []string{`1:6: expected "," or "]", found end of input`}},
		{`{"a" 1}`, []string{`1:6: expected ":", found "1"`}},
		{`{"a": 1 "b": 2}`, []string{`1:9: expected "," or "}", found string "b"`}},
		{"fn() { 1", []string{`1:9: expected "}" to close the block opened at 1:6, found end of input`}},
		{"1 + @", []string{`1:5: illegal character "@"`}},
		{`"abc`, []string{`1:1: unterminated string`}},
		{"let s = \"x\\qy\";", []string{`1:11: unknown escape \q in string (known: \n \t \r \" \\)`}},
		{"99999999999999999999", []string{`1:1: integer literal 99999999999999999999 does not fit in 64 bits`}},
		{"let x = ;\nlet y = 2 +;\n}\nputs(1 2)", []string{
			`1:9: expected an expression, found ";"`,
			`2:12: expected an expression, found ";"`,
			`3:1: expected an expression, found "}"`,
			`4:8: expected "," or ")", found "2"`,
		}},
		{"let f = fn() {\n  let a = ;\n  let b 2;\n  if (a) {\n    a +;\n  } else { b(1 2) }\n  a\n};\nlet c = ;", []string{
			`2:11: expected an expression, found ";"`,
			`3:9: expected "=", found "2"`,
			`5:8: expected an expression, found ";"`,
			`6:16: expected "," or ")", found "2"`,
			`9:9: expected an expression, found ";"`,
		}},
		{"fn() { let = 1", []string{
			`1:12: expected an identifier, found "="`,
			`1:15: expected "}" to close the block opened at 1:6, found end of input`,
		}},
		{"let f = fn(x) {\n  x +\n};\nlet g = fn() { ) };", []string{
			`3:1: expected an expression, found "}"`,
			`4:16: expected an expression, found ")"`,
		}},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		list, ok := err.(ErrorList)
		if !ok {
			t.Errorf("%q: error %v is not an ErrorList", tt.src, err)
			continue
		}
		var got []string
		for _, e := range list {
			got = append(got, e.Error())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%q:\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	deep := strings.Repeat("(", MaxNesting+5) + "1" + strings.Repeat(")", MaxNesting+5)
	_, err := Parse(deep)
	if err == nil || !strings.Contains(err.Error(), "nesting deeper than") {
		t.Fatalf("deep nesting: got %v", err)
	}
	ok := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	mustParse(t, ok)
}

func FuzzParser(f *testing.F) {
	for _, s := range []string{
		"let x = fn(a) { if (a > 1) { return a * 2 } else { [a, {\"k\": a}] } }; x(3)[0]",
		"let = ; } ) ] {", "macro(x) { quote(unquote(x)) }", "((((", `{"a" 1`, "1 + @ \"x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := Parse(src)
		if prog == nil {
			t.Fatal("nil program")
		}
		if list, ok := err.(ErrorList); err != nil && !ok {
			t.Fatalf("error of type %T", err)
		} else {
			for _, e := range list {
				if !e.Pos.IsValid() || e.Msg == "" {
					t.Fatalf("error without position or message: %#v", e)
				}
			}
		}
	})
}
