package lexer

import (
	"testing"

	"github.com/gee-project/gee/monkey/token"
)

type want struct {
	typ       token.Type
	lit       string
	line, col int
}

func lexAll(src string) []token.Token {
	l := New(src)
	var toks []token.Token
	for {
		t := l.NextToken()
		toks = append(toks, t)
		if t.Type == token.EOF {
			return toks
		}
	}
}

func check(t *testing.T, src string, wants []want) {
	t.Helper()
	toks := lexAll(src)
	if len(toks) != len(wants) {
		t.Fatalf("%q: got %d tokens %v, want %d", src, len(toks), toks, len(wants))
	}
	for i, w := range wants {
		got := toks[i]
		if got.Type != w.typ || got.Literal != w.lit || got.Pos.Line != w.line || got.Pos.Col != w.col {
			t.Errorf("%q token %d: got %s %q at %s, want %s %q at %d:%d",
				src, i, got.Type, got.Literal, got.Pos, w.typ, w.lit, w.line, w.col)
		}
	}
}

func TestAllTokensWithPositions(t *testing.T) {
	src := `let five = 5;
let add = fn(x, y) {
  x + y;
};
!-/*5 < 10 > 5;
if (5 == 10) { return true; } else { return false; }
10 != 9 "foo bar" [1, 2]; {"a": 1} macro(x) {}`
	check(t, src, []want{
		{token.LET, "let", 1, 1}, {token.IDENT, "five", 1, 5}, {token.ASSIGN, "=", 1, 10},
		{token.INT, "5", 1, 12}, {token.SEMICOLON, ";", 1, 13},
		{token.LET, "let", 2, 1}, {token.IDENT, "add", 2, 5}, {token.ASSIGN, "=", 2, 9},
		{token.FUNCTION, "fn", 2, 11}, {token.LPAREN, "(", 2, 13}, {token.IDENT, "x", 2, 14},
		{token.COMMA, ",", 2, 15}, {token.IDENT, "y", 2, 17}, {token.RPAREN, ")", 2, 18},
		{token.LBRACE, "{", 2, 20},
		{token.IDENT, "x", 3, 3}, {token.PLUS, "+", 3, 5}, {token.IDENT, "y", 3, 7}, {token.SEMICOLON, ";", 3, 8},
		{token.RBRACE, "}", 4, 1}, {token.SEMICOLON, ";", 4, 2},
		{token.BANG, "!", 5, 1}, {token.MINUS, "-", 5, 2}, {token.SLASH, "/", 5, 3}, {token.ASTERISK, "*", 5, 4},
		{token.INT, "5", 5, 5}, {token.LT, "<", 5, 7}, {token.INT, "10", 5, 9}, {token.GT, ">", 5, 12},
		{token.INT, "5", 5, 14}, {token.SEMICOLON, ";", 5, 15},
		{token.IF, "if", 6, 1}, {token.LPAREN, "(", 6, 4}, {token.INT, "5", 6, 5}, {token.EQ, "==", 6, 7},
		{token.INT, "10", 6, 10}, {token.RPAREN, ")", 6, 12}, {token.LBRACE, "{", 6, 14},
		{token.RETURN, "return", 6, 16}, {token.TRUE, "true", 6, 23}, {token.SEMICOLON, ";", 6, 27},
		{token.RBRACE, "}", 6, 29}, {token.ELSE, "else", 6, 31}, {token.LBRACE, "{", 6, 36},
		{token.RETURN, "return", 6, 38}, {token.FALSE, "false", 6, 45}, {token.SEMICOLON, ";", 6, 50},
		{token.RBRACE, "}", 6, 52},
		{token.INT, "10", 7, 1}, {token.NOT_EQ, "!=", 7, 4}, {token.INT, "9", 7, 7},
		{token.STRING, "foo bar", 7, 9}, {token.LBRACKET, "[", 7, 19}, {token.INT, "1", 7, 20},
		{token.COMMA, ",", 7, 21}, {token.INT, "2", 7, 23}, {token.RBRACKET, "]", 7, 24},
		{token.SEMICOLON, ";", 7, 25}, {token.LBRACE, "{", 7, 27}, {token.STRING, "a", 7, 28},
		{token.COLON, ":", 7, 31}, {token.INT, "1", 7, 33}, {token.RBRACE, "}", 7, 34},
		{token.MACRO, "macro", 7, 36}, {token.LPAREN, "(", 7, 41}, {token.IDENT, "x", 7, 42},
		{token.RPAREN, ")", 7, 43}, {token.LBRACE, "{", 7, 45}, {token.RBRACE, "}", 7, 46},
		{token.EOF, "", 7, 47},
	})
}

func TestCommentsStringsAndIllegal(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []want
	}{
		{"line comment", "1 // two\n3 //", []want{{token.INT, "1", 1, 1}, {token.INT, "3", 2, 1}, {token.EOF, "", 2, 5}}},
		{"slash is still division", "4/2", []want{{token.INT, "4", 1, 1}, {token.SLASH, "/", 1, 2}, {token.INT, "2", 1, 3}, {token.EOF, "", 1, 4}}},
		{"escapes", `"a\n\t\"\\b"`, []want{{token.STRING, "a\n\t\"\\b", 1, 1}, {token.EOF, "", 1, 13}}},
		{"unicode columns", `"héllo" x`, []want{{token.STRING, "héllo", 1, 1}, {token.IDENT, "x", 1, 9}, {token.EOF, "", 1, 10}}},
		{"unterminated string", `x "abc`, []want{{token.IDENT, "x", 1, 1}, {token.ILLEGAL, `"abc`, 1, 3}, {token.EOF, "", 1, 7}}},
		{"illegal char", "a @ b", []want{{token.IDENT, "a", 1, 1}, {token.ILLEGAL, "@", 1, 3}, {token.IDENT, "b", 1, 5}, {token.EOF, "", 1, 6}}},
		{"identifiers with digits and underscores", "foo_1 _x", []want{{token.IDENT, "foo_1", 1, 1}, {token.IDENT, "_x", 1, 7}, {token.EOF, "", 1, 9}}},
		{"empty", "", []want{{token.EOF, "", 1, 1}}},
		{"crlf", "a\r\nb", []want{{token.IDENT, "a", 1, 1}, {token.IDENT, "b", 2, 1}, {token.EOF, "", 2, 2}}},
		// source-text rules (docs/monkey.md, "Source text")
		{"invalid UTF-8 kept in strings", "\"a\xff\xfeb\" x", []want{{token.STRING, "a\xff\xfeb", 1, 1}, {token.IDENT, "x", 1, 8}, {token.EOF, "", 1, 9}}},
		{"invalid UTF-8 outside strings", "a \xff", []want{{token.IDENT, "a", 1, 1}, {token.ILLEGAL, "\xff", 1, 3}, {token.EOF, "", 1, 4}}},
		{"unknown escape", `"ab\qc\zd" x`, []want{{token.ILLEGAL, `\q`, 1, 4}, {token.IDENT, "x", 1, 12}, {token.EOF, "", 1, 13}}},
		{"byte order mark skipped", "\uFEFFlet x", []want{{token.LET, "let", 1, 1}, {token.IDENT, "x", 1, 5}, {token.EOF, "", 1, 6}}},
		{"byte order mark only at the start", "x \uFEFF", []want{{token.IDENT, "x", 1, 1}, {token.ILLEGAL, "\uFEFF", 1, 3}, {token.EOF, "", 1, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.src, tt.wants) })
	}
}

func TestEOFRepeats(t *testing.T) {
	l := New("x")
	l.NextToken()
	for i := 0; i < 3; i++ {
		if tok := l.NextToken(); tok.Type != token.EOF {
			t.Fatalf("call %d after end: got %s", i, tok.Type)
		}
	}
}

func FuzzLexer(f *testing.F) {
	for _, s := range []string{"let x = 5;", `"abc\"`, "fn(x){x*2}(3) // c", "\xff\x00@", "!= == <>", `"é`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		l := New(src)
		last := token.Position{Line: 1, Col: 0}
		for i := 0; i <= len(src)+1; i++ {
			tok := l.NextToken()
			if tok.Pos.Line < last.Line || (tok.Pos.Line == last.Line && tok.Pos.Col <= last.Col && tok.Type != token.EOF) {
				t.Fatalf("position went backwards: %s after %s", tok.Pos, last)
			}
			last = tok.Pos
			if tok.Type == token.EOF {
				return
			}
		}
		t.Fatalf("no EOF after %d tokens", len(src)+1)
	})
}
