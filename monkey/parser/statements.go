package parser

import (
	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/token"
)

func (p *Parser) parseStatement() ast.Statement {
	switch p.curToken.Type {
	case token.LET:
		return p.parseLetStatement()
	case token.RETURN:
		return p.parseReturnStatement()
	}
	return p.parseExpressionStatement()
}

func (p *Parser) parseLetStatement() ast.Statement {
	stmt := &ast.LetStatement{Token: p.curToken}
	if !p.expectPeek(token.IDENT) {
		return nil
	}
	stmt.Name = &ast.Identifier{Token: p.curToken, Value: p.curToken.Literal}
	if !p.expectPeek(token.ASSIGN) {
		return nil
	}
	p.nextToken()
	stmt.Value = p.parseExpression(LOWEST)
	if stmt.Value == nil {
		return nil
	}
	if fl, ok := stmt.Value.(*ast.FunctionLiteral); ok {
		fl.Name = stmt.Name.Value
	}
	if p.peekTokenIs(token.SEMICOLON) {
		p.nextToken()
	}
	return stmt
}

func (p *Parser) parseReturnStatement() ast.Statement {
	stmt := &ast.ReturnStatement{Token: p.curToken}
	p.nextToken()
	stmt.ReturnValue = p.parseExpression(LOWEST)
	if stmt.ReturnValue == nil {
		return nil
	}
	if p.peekTokenIs(token.SEMICOLON) {
		p.nextToken()
	}
	return stmt
}

func (p *Parser) parseExpressionStatement() ast.Statement {
	stmt := &ast.ExpressionStatement{Token: p.curToken}
	stmt.Expression = p.parseExpression(LOWEST)
	if stmt.Expression == nil {
		return nil
	}
	if p.peekTokenIs(token.SEMICOLON) {
		p.nextToken()
	}
	return stmt
}

// parseBlockStatement parses `{ statements }`; curToken is the {.
func (p *Parser) parseBlockStatement() *ast.BlockStatement {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	block := &ast.BlockStatement{Token: p.curToken, Statements: []ast.Statement{}}
	p.nextToken()
	failed := false
	for !p.curTokenIs(token.RBRACE) {
		if p.curTokenIs(token.EOF) {
			p.failed = false
			p.errorAt(p.curToken.Pos, "expected \"}\" to close the block opened at %s, found end of input", block.Token.Pos)
			return nil
		}
		// Each statement of the block reports its own first error.
		startDepth, startCount := p.statementStart()
		p.failed = false
		stmt := p.parseStatement()
		if stmt == nil || p.failed {
			failed = true
			p.synchronize(startDepth, startCount, true)
			continue
		}
		block.Statements = append(block.Statements, stmt)
		p.nextToken()
	}
	p.failed = failed
	return block
}

// enter counts one level of nesting and reports an error past MaxNesting.
func (p *Parser) enter() bool {
	p.nesting++
	if p.nesting > MaxNesting {
		p.errorAt(p.curToken.Pos, "nesting deeper than %d levels", MaxNesting)
		return false
	}
	return true
}

func (p *Parser) leave() { p.nesting-- }
