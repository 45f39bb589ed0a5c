package evaluator

import (
	"strconv"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/token"
)

// MaxQuoteNodes bounds the syntax tree a quote may describe. Unquoted
// quotes are shared, not copied, so nested quoting (at run time or by macros
// expanding their own results) could otherwise describe a tree too large to
// ever print, expand or evaluate.
const MaxQuoteNodes = 1 << 18

// quoteNode is quote(expr): it yields expr unevaluated, except that each
// unquote(x) inside is replaced by the syntax for x's value.
type quoteNode struct {
	arg      ast.Node
	unquotes []node // compiled unquote arguments, in ast.Modify visiting order
	nargs    int
	pos      token.Position
}

func isUnquoteCall(n ast.Node) (*ast.CallExpression, bool) {
	call, ok := n.(*ast.CallExpression)
	if !ok || len(call.Arguments) != 1 {
		return nil, false
	}
	id, ok := call.Function.(*ast.Identifier)
	return call, ok && id.Value == "unquote"
}

// quote compiles the unquote arguments in the current scope; the runtime walk
// meets the unquote calls in the same order as this one.
func (c *compiler) quote(e *ast.CallExpression) node {
	q := &quoteNode{nargs: len(e.Arguments), pos: e.Token.Pos}
	if len(e.Arguments) != 1 {
		return q
	}
	q.arg = e.Arguments[0]
	ast.Modify(q.arg, func(n ast.Node) ast.Node {
		if call, ok := isUnquoteCall(n); ok {
			q.unquotes = append(q.unquotes, c.expr(call.Arguments[0]))
		}
		return n
	})
	return q
}

func (q *quoteNode) eval(fr *frame) object.Object {
	if q.nargs != 1 {
		fail(q.pos, "wrong number of arguments. got=%d, want=1", q.nargs)
	}
	i := 0
	expanded := ast.Modify(q.arg, func(n ast.Node) ast.Node {
		call, ok := isUnquoteCall(n)
		if !ok || i >= len(q.unquotes) {
			return n
		}
		v := q.unquotes[i].eval(fr)
		i++
		return toSyntax(v, call.Token.Pos)
	})
	if i > 0 && !withinSize(expanded, MaxQuoteNodes) {
		fail(q.pos, "quote too large (more than %d nodes)", MaxQuoteNodes)
	}
	return &object.Quote{Node: expanded}
}

// toSyntax turns an unquoted value back into a syntax tree.
func toSyntax(v object.Object, pos token.Position) ast.Node {
	switch v := v.(type) {
	case *object.Integer:
		lit := strconv.FormatInt(v.Value, 10)
		return &ast.IntegerLiteral{Token: token.Token{Type: token.INT, Literal: lit, Pos: pos}, Value: v.Value}
	case *object.Boolean:
		t := token.Token{Type: token.FALSE, Literal: "false", Pos: pos}
		if v.Value {
			t = token.Token{Type: token.TRUE, Literal: "true", Pos: pos}
		}
		return &ast.Boolean{Token: t, Value: v.Value}
	case *object.String:
		return &ast.StringLiteral{Token: token.Token{Type: token.STRING, Literal: v.Value, Pos: pos}, Value: v.Value}
	case *object.Quote:
		return v.Node
	case *object.Array:
		arr := &ast.ArrayLiteral{Token: token.Token{Type: token.LBRACKET, Literal: "[", Pos: pos}}
		for _, e := range v.Elements {
			arr.Elements = append(arr.Elements, toExpression(e, pos))
		}
		return arr
	case *object.Builtin:
		return &ast.Identifier{Token: token.Token{Type: token.IDENT, Literal: v.Name, Pos: pos}, Value: v.Name}
	case *object.Function:
		return &ast.FunctionLiteral{Token: token.Token{Type: token.FUNCTION, Literal: "fn", Pos: pos},
			Parameters: v.Parameters, Body: v.Body}
	}
	fail(pos, "unquote: cannot turn %s into syntax", v.Type())
	return nil
}

func toExpression(v object.Object, pos token.Position) ast.Expression {
	if e, ok := toSyntax(v, pos).(ast.Expression); ok {
		return e
	}
	fail(pos, "unquote: cannot turn %s into syntax", v.Type())
	return nil
}
