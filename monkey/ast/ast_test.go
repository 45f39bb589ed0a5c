package ast

import (
	"testing"

	"github.com/gee-project/gee/monkey/token"
)

func ident(name string) *Identifier {
	return &Identifier{Token: token.Token{Type: token.IDENT, Literal: name}, Value: name}
}

func intLit(v int64, lit string) *IntegerLiteral {
	return &IntegerLiteral{Token: token.Token{Type: token.INT, Literal: lit}, Value: v}
}

func TestString(t *testing.T) {
	prog := &Program{Statements: []Statement{
		&LetStatement{Token: token.Token{Type: token.LET, Literal: "let"}, Name: ident("myVar"), Value: ident("anotherVar")},
	}}
	if got := prog.String(); got != "let myVar = anotherVar;" {
		t.Errorf("got %q", got)
	}
}

func TestModifyCopiesAndRewrites(t *testing.T) {
	one := func() Expression { return intLit(1, "1") }
	turnOneIntoTwo := func(n Node) Node {
		if i, ok := n.(*IntegerLiteral); ok && i.Value == 1 {
			return intLit(2, "2")
		}
		return n
	}
	block := func() *BlockStatement {
		return &BlockStatement{Statements: []Statement{&ExpressionStatement{Expression: one()}}}
	}
	tests := []struct {
		in   Node
		want string
	}{
		{one(), "2"},
		{&Program{Statements: []Statement{&ExpressionStatement{Expression: one()}}}, "2"},
		{&InfixExpression{Left: one(), Operator: "+", Right: one()}, "(2 + 2)"},
		{&PrefixExpression{Operator: "-", Right: one()}, "(-2)"},
		{&IndexExpression{Left: one(), Index: one()}, "(2[2])"},
		{&IfExpression{Token: token.Token{Literal: "if"}, Condition: one(), Consequence: block(), Alternative: block()}, "if2 2else 2"},
		{&ReturnStatement{Token: token.Token{Literal: "return"}, ReturnValue: one()}, "return 2;"},
		{&LetStatement{Token: token.Token{Literal: "let"}, Name: ident("x"), Value: one()}, "let x = 2;"},
		{&FunctionLiteral{Token: token.Token{Literal: "fn"}, Parameters: []*Identifier{}, Body: block()}, "fn() 2"},
		{&ArrayLiteral{Elements: []Expression{one(), one()}}, "[2, 2]"},
		{&HashLiteral{Pairs: []HashPair{{Key: one(), Value: one()}}}, "{2:2}"},
		{&CallExpression{Function: ident("f"), Arguments: []Expression{one()}}, "f(2)"},
	}
	for _, tt := range tests {
		before := tt.in.String()
		got := Modify(tt.in, turnOneIntoTwo)
		if got.String() != tt.want {
			t.Errorf("Modify(%s) = %s, want %s", before, got.String(), tt.want)
		}
		if tt.in.String() != before {
			t.Errorf("Modify changed its input: %s became %s", before, tt.in.String())
		}
	}
}
