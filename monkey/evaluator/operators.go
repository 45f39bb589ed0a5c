package evaluator

import (
	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/token"
)

type prefixNode struct {
	op    string
	right node
	pos   token.Position
}

func (p *prefixNode) eval(fr *frame) object.Object {
	right := p.right.eval(fr)
	switch p.op {
	case "!":
		return object.NativeBool(!object.IsTruthy(right))
	case "-":
		if i, ok := right.(*object.Integer); ok {
			return object.NewInteger(-i.Value)
		}
	}
	fail(p.pos, "unknown operator: %s%s", p.op, right.Type())
	return nil
}

// MaxStringLen bounds the length of a string built by +, so a program that
// keeps doubling a string fails with an error instead of exhausting memory.
const MaxStringLen = 1 << 28

// maxStringLen is MaxStringLen, lowered by tests.
var maxStringLen = MaxStringLen

type opKind uint8

const (
	opAdd opKind = iota
	opSub
	opMul
	opDiv
	opLT
	opGT
	opEQ
	opNE
)

var opKinds = map[string]opKind{"+": opAdd, "-": opSub, "*": opMul, "/": opDiv,
	"<": opLT, ">": opGT, "==": opEQ, "!=": opNE}

type infixNode struct {
	kind        opKind
	op          string
	left, right node
	pos         token.Position
}

func (c *compiler) infix(e *ast.InfixExpression) node {
	n := &infixNode{kind: opKinds[e.Operator], op: e.Operator, left: c.expr(e.Left),
		right: c.expr(e.Right), pos: e.Token.Pos}
	if k, ok := n.right.(*constNode); ok {
		if i, ok := k.value.(*object.Integer); ok {
			return &infixConstNode{infixNode: n, k: i.Value}
		}
	}
	return n
}

// infixConstNode is an infix expression whose right operand is an integer
// literal, as in n - 1 or n < 2: it skips evaluating the constant.
type infixConstNode struct {
	*infixNode
	k int64
}

func (n *infixConstNode) eval(fr *frame) object.Object { return n.finish(n.left.eval(fr)) }

// finish applies the operator to the evaluated left operand.
func (n *infixConstNode) finish(left object.Object) object.Object {
	if l, ok := left.(*object.Integer); ok {
		return n.ints(l.Value, n.k)
	}
	return n.other(nil, left, n.right.(*constNode).value) // never two strings
}

func (n *infixNode) eval(fr *frame) object.Object {
	left := n.left.eval(fr)
	right := n.right.eval(fr)
	if l, ok := left.(*object.Integer); ok {
		if r, ok := right.(*object.Integer); ok {
			return n.ints(l.Value, r.Value)
		}
	}
	return n.other(fr.m, left, right)
}

func (n *infixNode) ints(l, r int64) object.Object {
	switch n.kind {
	case opAdd:
		return object.NewInteger(l + r)
	case opSub:
		return object.NewInteger(l - r)
	case opMul:
		return object.NewInteger(l * r)
	case opDiv:
		if r == 0 {
			fail(n.pos, "division by zero")
		}
		return object.NewInteger(l / r)
	case opLT:
		return object.NativeBool(l < r)
	case opGT:
		return object.NativeBool(l > r)
	case opEQ:
		return object.NativeBool(l == r)
	}
	return object.NativeBool(l != r)
}

// other handles every operand pair that is not two integers, with the book's
// rules: strings concatenate and compare by value, == and != compare other
// values by identity, anything else is a type mismatch or unknown operator.
// m is the running machine, to charge string concatenation to its budget.
func (n *infixNode) other(m *machine, left, right object.Object) object.Object {
	if l, ok := left.(*object.String); ok {
		if r, ok := right.(*object.String); ok {
			switch n.kind {
			case opAdd:
				if len(l.Value)+len(r.Value) > maxStringLen {
					fail(n.pos, "string too long: %d bytes", len(l.Value)+len(r.Value))
				}
				if m != nil && m.meter.Limited() {
					m.alloc(n.pos, int64(len(l.Value)+len(r.Value)))
				}
				return &object.String{Value: l.Value + r.Value}
			case opEQ:
				return object.NativeBool(l.Value == r.Value)
			case opNE:
				return object.NativeBool(l.Value != r.Value)
			}
			fail(n.pos, "unknown operator: STRING %s STRING", n.op)
		}
	}
	switch {
	case n.kind == opEQ:
		return object.NativeBool(left == right)
	case n.kind == opNE:
		return object.NativeBool(left != right)
	case left.Type() != right.Type():
		fail(n.pos, "type mismatch: %s %s %s", left.Type(), n.op, right.Type())
	}
	fail(n.pos, "unknown operator: %s %s %s", left.Type(), n.op, right.Type())
	return nil
}
