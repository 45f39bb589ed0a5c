// Package parser builds a Monkey syntax tree with a Pratt (top-down operator
// precedence) parser. It reports every syntax error of a program with its
// line and column, recovering at statement boundaries.
package parser

import (
	"fmt"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/lexer"
	"github.com/gee-project/gee/monkey/token"
)

// MaxNesting bounds how deeply expressions and blocks may nest, so hostile
// input cannot exhaust the stack of the parser or of an evaluator.
const MaxNesting = 1000

type (
	prefixParseFn func() ast.Expression
	infixParseFn  func(ast.Expression) ast.Expression
)

// Parser reads tokens from a lexer and builds a Program.
type Parser struct {
	l      *lexer.Lexer
	errors ErrorList

	curToken  token.Token
	peekToken token.Token
	prevLine  int // line of the token before curToken
	depth     int // bracket depth after curToken
	count     int // tokens consumed, to guarantee progress while recovering
	nesting   int
	failed    bool // an error was reported in the current statement

	prefixParseFns map[token.Type]prefixParseFn
	infixParseFns  map[token.Type]infixParseFn
}

// New returns a parser reading from l.
func New(l *lexer.Lexer) *Parser {
	p := &Parser{l: l}
	p.registerFns()
	p.nextToken()
	p.nextToken()
	return p
}

// Parse parses src and returns the program and, if there were syntax errors,
// an ErrorList holding all of them.
func Parse(src string) (*ast.Program, error) {
	p := New(lexer.New(src))
	prog := p.ParseProgram()
	return prog, p.Errors().Err()
}

// Errors returns the syntax errors found so far.
func (p *Parser) Errors() ErrorList { return p.errors }

func (p *Parser) nextToken() {
	p.prevLine = p.curToken.Pos.Line
	p.curToken = p.peekToken
	p.peekToken = p.l.NextToken()
	p.count++
	switch p.curToken.Type {
	case token.LPAREN, token.LBRACKET, token.LBRACE:
		p.depth++
	case token.RPAREN, token.RBRACKET, token.RBRACE:
		p.depth--
	}
}

func (p *Parser) curTokenIs(t token.Type) bool  { return p.curToken.Type == t }
func (p *Parser) peekTokenIs(t token.Type) bool { return p.peekToken.Type == t }

// errorAt records an error unless one was already reported for this
// statement: after the first error the rest are usually consequences of it.
func (p *Parser) errorAt(pos token.Position, format string, args ...any) {
	if p.failed {
		return
	}
	p.failed = true
	p.errors = append(p.errors, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// unexpected reports tok where something else was expected.
func (p *Parser) unexpected(tok token.Token, want string) {
	if tok.Type == token.ILLEGAL {
		p.illegal(tok)
		return
	}
	p.errorAt(tok.Pos, "expected %s, found %s", want, tok.Describe())
}

func (p *Parser) illegal(tok token.Token) {
	if len(tok.Literal) > 0 && tok.Literal[0] == '"' {
		p.errorAt(tok.Pos, "unterminated string")
		return
	}
	if len(tok.Literal) > 1 && tok.Literal[0] == '\\' {
		p.errorAt(tok.Pos, "unknown escape %s in string (known: \\n \\t \\r \\\" \\\\)", tok.Literal)
		return
	}
	p.errorAt(tok.Pos, "illegal character %q", tok.Literal)
}

// expectPeek advances if the next token has type t and reports an error otherwise.
func (p *Parser) expectPeek(t token.Type) bool {
	if p.peekTokenIs(t) {
		p.nextToken()
		return true
	}
	p.unexpected(p.peekToken, describeType(t))
	return false
}

// ParseProgram parses statements until the end of input. On a syntax error it
// skips to the next statement boundary and goes on, so Errors holds them all.
func (p *Parser) ParseProgram() *ast.Program {
	program := &ast.Program{Statements: []ast.Statement{}}
	for !p.curTokenIs(token.EOF) {
		startDepth, startCount := p.statementStart()
		p.failed = false
		stmt := p.parseStatement()
		if stmt == nil || p.failed {
			p.synchronize(startDepth, startCount, false)
			continue
		}
		program.Statements = append(program.Statements, stmt)
		p.nextToken()
	}
	return program
}

// statementStart returns what synchronize needs to know about the statement
// starting at curToken: the bracket depth before it and the token count.
func (p *Parser) statementStart() (depth, count int) {
	return p.depth - depthDelta(p.curToken.Type), p.count
}

func depthDelta(t token.Type) int {
	switch t {
	case token.LPAREN, token.LBRACKET, token.LBRACE:
		return 1
	case token.RPAREN, token.RBRACKET, token.RBRACE:
		return -1
	}
	return 0
}

// synchronize skips the rest of a broken statement: up to and including a
// semicolon at the statement's bracket depth, or up to the first token of a
// later line back at that depth. Inside a block it also stops before the
// brace that closes the block.
func (p *Parser) synchronize(depth, startCount int, inBlock bool) {
	if p.count == startCount {
		p.nextToken()
	}
	for !p.curTokenIs(token.EOF) {
		if inBlock && p.curTokenIs(token.RBRACE) && p.depth < depth {
			return
		}
		before := p.depth - depthDelta(p.curToken.Type)
		if p.curTokenIs(token.SEMICOLON) && p.depth <= depth {
			p.nextToken()
			return
		}
		if p.curToken.Pos.Line > p.prevLine && before <= depth && p.count > startCount &&
			!closes(p.curToken.Type) {
			return
		}
		p.nextToken()
	}
}

func closes(t token.Type) bool {
	return t == token.RPAREN || t == token.RBRACKET || t == token.RBRACE
}
