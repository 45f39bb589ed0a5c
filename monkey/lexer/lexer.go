// Package lexer turns Monkey source text into tokens that carry positions.
package lexer

import (
	"strings"
	"unicode/utf8"

	"github.com/gee-project/gee/monkey/token"
)

// Lexer reads tokens from a source string one at a time.
type Lexer struct {
	input string
	pos   int  // byte offset of ch
	next  int  // byte offset after ch
	ch    rune // current rune, 0 at end of input
	line  int
	col   int
}

// bom is the UTF-8 byte order mark some editors put at the start of a file.
const bom = "\uFEFF"

// New returns a lexer positioned at the first rune of input, after a
// leading byte order mark (which takes no column).
func New(input string) *Lexer {
	l := &Lexer{input: input, line: 1}
	if strings.HasPrefix(input, bom) {
		l.next = len(bom)
	}
	l.readRune()
	return l
}

func (l *Lexer) readRune() {
	if l.ch == '\n' {
		l.line++
		l.col = 0
	}
	l.pos = l.next
	if l.pos >= len(l.input) {
		l.ch = 0
		l.col++
		return
	}
	r, w := utf8.DecodeRuneInString(l.input[l.pos:])
	l.ch = r
	l.next = l.pos + w
	l.col++
}

func (l *Lexer) peekRune() rune {
	if l.next >= len(l.input) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(l.input[l.next:])
	return r
}

func (l *Lexer) atEOF() bool { return l.pos >= len(l.input) }

// NextToken returns the next token; after the end it keeps returning EOF.
func (l *Lexer) NextToken() token.Token {
	l.skipSpaceAndComments()
	pos := token.Position{Line: l.line, Col: l.col}
	if l.atEOF() {
		return token.Token{Type: token.EOF, Pos: pos}
	}
	if tt, lit, ok := l.operator(); ok {
		return token.Token{Type: tt, Literal: lit, Pos: pos}
	}
	switch {
	case l.ch == '"':
		return l.readString(pos)
	case isLetter(l.ch):
		ident := l.readWhile(isIdentRune)
		return token.Token{Type: token.LookupIdent(ident), Literal: ident, Pos: pos}
	case isDigit(l.ch):
		return token.Token{Type: token.INT, Literal: l.readWhile(isDigit), Pos: pos}
	}
	lit := l.input[l.pos:l.next] // the bytes: an invalid one shows as such
	l.readRune()
	return token.Token{Type: token.ILLEGAL, Literal: lit, Pos: pos}
}

// operator reads a one- or two-character operator or delimiter.
func (l *Lexer) operator() (token.Type, string, bool) {
	if tt, ok := doubles[l.ch]; ok && l.peekRune() == '=' {
		lit := string(l.ch) + "="
		l.readRune()
		l.readRune()
		return tt, lit, true
	}
	tt, ok := singles[l.ch]
	if !ok {
		return "", "", false
	}
	lit := string(l.ch)
	l.readRune()
	return tt, lit, true
}

// doubles maps the first rune of a two-rune operator ending in '=' to its type.
var doubles = map[rune]token.Type{'=': token.EQ, '!': token.NOT_EQ}

var singles = map[rune]token.Type{
	'=': token.ASSIGN, '+': token.PLUS, '-': token.MINUS, '!': token.BANG,
	'*': token.ASTERISK, '/': token.SLASH, '<': token.LT, '>': token.GT,
	',': token.COMMA, ';': token.SEMICOLON, ':': token.COLON,
	'(': token.LPAREN, ')': token.RPAREN, '{': token.LBRACE, '}': token.RBRACE,
	'[': token.LBRACKET, ']': token.RBRACKET,
}

func (l *Lexer) skipSpaceAndComments() {
	for !l.atEOF() {
		switch {
		case l.ch == ' ' || l.ch == '\t' || l.ch == '\n' || l.ch == '\r':
			l.readRune()
		case l.ch == '/' && l.peekRune() == '/':
			for !l.atEOF() && l.ch != '\n' {
				l.readRune()
			}
		default:
			return
		}
	}
}

func (l *Lexer) readWhile(ok func(rune) bool) string {
	start := l.pos
	for !l.atEOF() && ok(l.ch) {
		l.readRune()
	}
	return l.input[start:l.pos]
}

// readString reads a double-quoted string with the escapes \n \t \r \" \\.
// Bytes that are not valid UTF-8 are kept as they are. An unterminated
// string becomes an ILLEGAL token whose literal starts with '"'; an unknown
// escape an ILLEGAL token at the backslash whose literal is the escape
// (after the rest of the string is skipped).
func (l *Lexer) readString(pos token.Position) token.Token {
	start := l.pos
	l.readRune() // opening quote
	var b strings.Builder
	var bad *token.Token
	for {
		if l.atEOF() {
			return token.Token{Type: token.ILLEGAL, Literal: l.input[start:l.pos], Pos: pos}
		}
		switch l.ch {
		case '"':
			l.readRune()
			if bad != nil {
				return *bad
			}
			return token.Token{Type: token.STRING, Literal: b.String(), Pos: pos}
		case '\\':
			at := token.Position{Line: l.line, Col: l.col}
			l.readRune()
			if l.atEOF() {
				return token.Token{Type: token.ILLEGAL, Literal: l.input[start:l.pos], Pos: pos}
			}
			if s, ok := unescape(l.ch); ok {
				b.WriteString(s)
			} else if bad == nil {
				bad = &token.Token{Type: token.ILLEGAL, Literal: "\\" + l.input[l.pos:l.next], Pos: at}
			}
		default:
			b.WriteString(l.input[l.pos:l.next]) // the bytes, even if not UTF-8
		}
		l.readRune()
	}
}

func unescape(r rune) (string, bool) {
	switch r {
	case 'n':
		return "\n", true
	case 't':
		return "\t", true
	case 'r':
		return "\r", true
	case '"', '\\':
		return string(r), true
	}
	return "", false
}

func isLetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '_' }

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func isIdentRune(r rune) bool { return isLetter(r) || isDigit(r) }
