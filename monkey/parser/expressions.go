package parser

import (
	"strconv"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/token"
)

// Operator precedences, lowest first, as in the book.
const (
	_ int = iota
	LOWEST
	EQUALS      // ==
	LESSGREATER // > or <
	SUM         // +
	PRODUCT     // *
	PREFIX      // -X or !X
	CALL        // myFunction(X)
	INDEX       // array[index]
)

var precedences = map[token.Type]int{
	token.EQ:       EQUALS,
	token.NOT_EQ:   EQUALS,
	token.LT:       LESSGREATER,
	token.GT:       LESSGREATER,
	token.PLUS:     SUM,
	token.MINUS:    SUM,
	token.SLASH:    PRODUCT,
	token.ASTERISK: PRODUCT,
	token.LPAREN:   CALL,
	token.LBRACKET: INDEX,
}

func (p *Parser) registerFns() {
	p.prefixParseFns = map[token.Type]prefixParseFn{
		token.IDENT:    p.parseIdentifier,
		token.INT:      p.parseIntegerLiteral,
		token.STRING:   p.parseStringLiteral,
		token.TRUE:     p.parseBoolean,
		token.FALSE:    p.parseBoolean,
		token.BANG:     p.parsePrefixExpression,
		token.MINUS:    p.parsePrefixExpression,
		token.LPAREN:   p.parseGroupedExpression,
		token.IF:       p.parseIfExpression,
		token.FUNCTION: p.parseFunctionLiteral,
		token.LBRACKET: p.parseArrayLiteral,
		token.LBRACE:   p.parseHashLiteral,
		token.MACRO:    p.parseMacroLiteral,
	}
	p.infixParseFns = map[token.Type]infixParseFn{
		token.LPAREN:   p.parseCallExpression,
		token.LBRACKET: p.parseIndexExpression,
	}
	for _, t := range []token.Type{token.PLUS, token.MINUS, token.SLASH, token.ASTERISK,
		token.EQ, token.NOT_EQ, token.LT, token.GT} {
		p.infixParseFns[t] = p.parseInfixExpression
	}
}

func (p *Parser) peekPrecedence() int {
	if pr, ok := precedences[p.peekToken.Type]; ok {
		return pr
	}
	return LOWEST
}

func (p *Parser) curPrecedence() int {
	if pr, ok := precedences[p.curToken.Type]; ok {
		return pr
	}
	return LOWEST
}

// parseExpression is the Pratt loop; it returns nil after reporting an error.
func (p *Parser) parseExpression(precedence int) ast.Expression {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	prefix := p.prefixParseFns[p.curToken.Type]
	if prefix == nil {
		p.unexpected(p.curToken, "an expression")
		return nil
	}
	left := prefix()
	for left != nil && !p.peekTokenIs(token.SEMICOLON) && precedence < p.peekPrecedence() {
		infix := p.infixParseFns[p.peekToken.Type]
		p.nextToken()
		left = infix(left)
	}
	return left
}

func (p *Parser) parseIdentifier() ast.Expression {
	return &ast.Identifier{Token: p.curToken, Value: p.curToken.Literal}
}

func (p *Parser) parseIntegerLiteral() ast.Expression {
	v, err := strconv.ParseInt(p.curToken.Literal, 10, 64)
	if err != nil {
		p.errorAt(p.curToken.Pos, "integer literal %s does not fit in 64 bits", p.curToken.Literal)
		return nil
	}
	return &ast.IntegerLiteral{Token: p.curToken, Value: v}
}

func (p *Parser) parseStringLiteral() ast.Expression {
	return &ast.StringLiteral{Token: p.curToken, Value: p.curToken.Literal}
}

func (p *Parser) parseBoolean() ast.Expression {
	return &ast.Boolean{Token: p.curToken, Value: p.curTokenIs(token.TRUE)}
}

func (p *Parser) parsePrefixExpression() ast.Expression {
	e := &ast.PrefixExpression{Token: p.curToken, Operator: p.curToken.Literal}
	p.nextToken()
	e.Right = p.parseExpression(PREFIX)
	if e.Right == nil {
		return nil
	}
	return e
}

func (p *Parser) parseInfixExpression(left ast.Expression) ast.Expression {
	e := &ast.InfixExpression{Token: p.curToken, Operator: p.curToken.Literal, Left: left}
	precedence := p.curPrecedence()
	p.nextToken()
	e.Right = p.parseExpression(precedence)
	if e.Right == nil {
		return nil
	}
	return e
}

func (p *Parser) parseGroupedExpression() ast.Expression {
	p.nextToken()
	e := p.parseExpression(LOWEST)
	if e == nil || !p.expectPeek(token.RPAREN) {
		return nil
	}
	return e
}

func (p *Parser) parseIfExpression() ast.Expression {
	e := &ast.IfExpression{Token: p.curToken}
	if !p.expectPeek(token.LPAREN) {
		return nil
	}
	p.nextToken()
	if e.Condition = p.parseExpression(LOWEST); e.Condition == nil {
		return nil
	}
	if !p.expectPeek(token.RPAREN) || !p.expectPeek(token.LBRACE) {
		return nil
	}
	if e.Consequence = p.parseBlockStatement(); e.Consequence == nil {
		return nil
	}
	if p.peekTokenIs(token.ELSE) {
		p.nextToken()
		if !p.expectPeek(token.LBRACE) {
			return nil
		}
		if e.Alternative = p.parseBlockStatement(); e.Alternative == nil {
			return nil
		}
	}
	return e
}

func (p *Parser) parseFunctionLiteral() ast.Expression {
	e := &ast.FunctionLiteral{Token: p.curToken}
	var ok bool
	if e.Parameters, e.Body, ok = p.parseParamsAndBody(); !ok {
		return nil
	}
	return e
}

func (p *Parser) parseMacroLiteral() ast.Expression {
	e := &ast.MacroLiteral{Token: p.curToken}
	var ok bool
	if e.Parameters, e.Body, ok = p.parseParamsAndBody(); !ok {
		return nil
	}
	return e
}

// parseParamsAndBody parses `(a, b) { body }` after fn or macro.
func (p *Parser) parseParamsAndBody() ([]*ast.Identifier, *ast.BlockStatement, bool) {
	if !p.expectPeek(token.LPAREN) {
		return nil, nil, false
	}
	params, ok := p.parseParameters()
	if !ok || !p.expectPeek(token.LBRACE) {
		return nil, nil, false
	}
	body := p.parseBlockStatement()
	return params, body, body != nil
}

func (p *Parser) parseParameters() ([]*ast.Identifier, bool) {
	params := []*ast.Identifier{}
	if p.peekTokenIs(token.RPAREN) {
		p.nextToken()
		return params, true
	}
	seen := map[string]bool{}
	for {
		if !p.expectPeek(token.IDENT) {
			return nil, false
		}
		id := &ast.Identifier{Token: p.curToken, Value: p.curToken.Literal}
		if seen[id.Value] {
			p.errorAt(id.Token.Pos, "duplicate parameter %s", id.Value)
			return nil, false
		}
		seen[id.Value] = true
		params = append(params, id)
		if !p.peekTokenIs(token.COMMA) {
			break
		}
		p.nextToken()
	}
	return params, p.expectPeek(token.RPAREN)
}

func (p *Parser) parseCallExpression(function ast.Expression) ast.Expression {
	e := &ast.CallExpression{Token: p.curToken, Function: function}
	var ok bool
	if e.Arguments, ok = p.parseExpressionList(token.RPAREN); !ok {
		return nil
	}
	return e
}

func (p *Parser) parseArrayLiteral() ast.Expression {
	e := &ast.ArrayLiteral{Token: p.curToken}
	var ok bool
	if e.Elements, ok = p.parseExpressionList(token.RBRACKET); !ok {
		return nil
	}
	return e
}

// parseExpressionList parses comma-separated expressions up to end.
func (p *Parser) parseExpressionList(end token.Type) ([]ast.Expression, bool) {
	list := []ast.Expression{}
	if p.peekTokenIs(end) {
		p.nextToken()
		return list, true
	}
	p.nextToken()
	for {
		e := p.parseExpression(LOWEST)
		if e == nil {
			return nil, false
		}
		list = append(list, e)
		if !p.peekTokenIs(token.COMMA) {
			break
		}
		p.nextToken()
		p.nextToken()
	}
	if !p.peekTokenIs(end) {
		p.unexpected(p.peekToken, "\",\" or "+describeType(end))
		return nil, false
	}
	p.nextToken()
	return list, true
}

func (p *Parser) parseIndexExpression(left ast.Expression) ast.Expression {
	e := &ast.IndexExpression{Token: p.curToken, Left: left}
	p.nextToken()
	if e.Index = p.parseExpression(LOWEST); e.Index == nil {
		return nil
	}
	if !p.expectPeek(token.RBRACKET) {
		return nil
	}
	return e
}

func (p *Parser) parseHashLiteral() ast.Expression {
	h := &ast.HashLiteral{Token: p.curToken, Pairs: []ast.HashPair{}}
	for !p.peekTokenIs(token.RBRACE) {
		p.nextToken()
		key := p.parseExpression(LOWEST)
		if key == nil || !p.expectPeek(token.COLON) {
			return nil
		}
		p.nextToken()
		value := p.parseExpression(LOWEST)
		if value == nil {
			return nil
		}
		h.Pairs = append(h.Pairs, ast.HashPair{Key: key, Value: value})
		if !p.peekTokenIs(token.RBRACE) && !p.peekTokenIs(token.COMMA) {
			p.unexpected(p.peekToken, `"," or "}"`)
			return nil
		}
		if p.peekTokenIs(token.COMMA) {
			p.nextToken()
		}
	}
	p.nextToken()
	return h
}
