package vm

import (
	"strconv"
	"unsafe"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/token"
)

// quote rebuilds a quote template with the unquote values in vals.
func (m *VM) quote(q *compiler.Quote, vals []Value) (Value, *object.Error) {
	if q.NArgs != 1 {
		return null, &object.Error{Message: "wrong number of arguments. got=" + strconv.Itoa(q.NArgs) + ", want=1", Pos: q.Pos}
	}
	i := 0
	var err *object.Error
	expanded := ast.Modify(q.Arg, func(n ast.Node) ast.Node {
		call, ok := compiler.IsUnquote(n)
		if !ok || i >= q.Unquotes || err != nil {
			return n
		}
		v := m.toObject(vals[i])
		i++
		var s ast.Node
		if s, err = toSyntax(v, call.Token.Pos); err != nil {
			return n
		}
		return s
	})
	if err != nil {
		return null, err
	}
	return Value{k: kObject, p: unsafe.Pointer(&objBox{obj: &object.Quote{Node: expanded}})}, nil
}

// toSyntax turns an unquoted value back into a syntax tree, as the
// evaluator does.
func toSyntax(v object.Object, pos token.Position) (ast.Node, *object.Error) {
	switch v := v.(type) {
	case *object.Integer:
		lit := strconv.FormatInt(v.Value, 10)
		return &ast.IntegerLiteral{Token: token.Token{Type: token.INT, Literal: lit, Pos: pos}, Value: v.Value}, nil
	case *object.Boolean:
		t := token.Token{Type: token.FALSE, Literal: "false", Pos: pos}
		if v.Value {
			t = token.Token{Type: token.TRUE, Literal: "true", Pos: pos}
		}
		return &ast.Boolean{Token: t, Value: v.Value}, nil
	case *object.String:
		return &ast.StringLiteral{Token: token.Token{Type: token.STRING, Literal: v.Value, Pos: pos}, Value: v.Value}, nil
	case *object.Quote:
		return v.Node, nil
	case *object.Array:
		arr := &ast.ArrayLiteral{Token: token.Token{Type: token.LBRACKET, Literal: "[", Pos: pos}}
		for _, e := range v.Elements {
			n, err := toSyntax(e, pos)
			if err != nil {
				return nil, err
			}
			x, ok := n.(ast.Expression)
			if !ok {
				return nil, cannotSyntax(e, pos)
			}
			arr.Elements = append(arr.Elements, x)
		}
		return arr, nil
	case *object.Builtin:
		return &ast.Identifier{Token: token.Token{Type: token.IDENT, Literal: v.Name, Pos: pos}, Value: v.Name}, nil
	case *object.Function:
		return &ast.FunctionLiteral{Token: token.Token{Type: token.FUNCTION, Literal: "fn", Pos: pos},
			Parameters: v.Parameters, Body: v.Body}, nil
	}
	return nil, cannotSyntax(v, pos)
}

func cannotSyntax(v object.Object, pos token.Position) *object.Error {
	typ := object.ObjectType("NULL")
	if v != nil {
		typ = v.Type()
	}
	return &object.Error{Message: "unquote: cannot turn " + string(typ) + " into syntax", Pos: pos}
}
