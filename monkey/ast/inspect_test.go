package ast_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/lexer"
	"github.com/gee-project/gee/monkey/parser"
)

func parse(t *testing.T, src string) *ast.Program {
	t.Helper()
	p := parser.New(lexer.New(src))
	prog := p.ParseProgram()
	if errs := p.Errors(); len(errs) > 0 {
		t.Fatalf("parse %q: %v", src, errs)
	}
	return prog
}

func TestInspectVisitsEveryNodeInSourceOrder(t *testing.T) {
	prog := parse(t, `let f = fn(x) { if (x < 1) { return -x } else { [x, {"k": x}][0] } }; f(2);`)
	var kinds []string
	ast.Inspect(prog, func(n ast.Node) bool {
		kinds = append(kinds, strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast."))
		return true
	})
	want := "Program LetStatement FunctionLiteral BlockStatement ExpressionStatement IfExpression " +
		"InfixExpression Identifier IntegerLiteral BlockStatement ReturnStatement PrefixExpression Identifier " +
		"BlockStatement ExpressionStatement IndexExpression ArrayLiteral Identifier HashLiteral StringLiteral " +
		"Identifier IntegerLiteral ExpressionStatement CallExpression Identifier IntegerLiteral"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("visit order\n got: %s\nwant: %s", got, want)
	}
}

func TestInspectSkipsChildrenWhenToldAndIgnoresMissingElse(t *testing.T) {
	prog := parse(t, `if (true) { fn() { return 1 } }`)
	returns := 0
	ast.Inspect(prog, func(n ast.Node) bool {
		if _, ok := n.(*ast.ReturnStatement); ok {
			returns++
		}
		_, isFn := n.(*ast.FunctionLiteral)
		return !isFn
	})
	if returns != 0 {
		t.Fatalf("walked into a skipped function body: %d returns seen", returns)
	}
}
