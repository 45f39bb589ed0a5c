package token

import "testing"

func TestLookupIdent(t *testing.T) {
	tests := map[string]Type{"fn": FUNCTION, "let": LET, "true": TRUE, "false": FALSE, "if": IF,
		"else": ELSE, "return": RETURN, "macro": MACRO, "foo": IDENT, "Let": IDENT}
	for in, want := range tests {
		if got := LookupIdent(in); got != want {
			t.Errorf("LookupIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestDescribeAndPosition(t *testing.T) {
	tests := []struct {
		tok  Token
		want string
	}{
		{Token{Type: EOF}, "end of input"},
		{Token{Type: STRING, Literal: "a\"b"}, `string "a\"b"`},
		{Token{Type: RPAREN, Literal: ")"}, `")"`},
		{Token{Type: ILLEGAL, Literal: "@"}, `illegal "@"`},
	}
	for _, tt := range tests {
		if got := tt.tok.Describe(); got != tt.want {
			t.Errorf("Describe(%v) = %s, want %s", tt.tok, got, tt.want)
		}
	}
	if s := (Position{Line: 3, Col: 14}).String(); s != "3:14" {
		t.Errorf("Position.String() = %s", s)
	}
	if (Position{}).IsValid() || !(Position{Line: 1, Col: 1}).IsValid() {
		t.Error("IsValid wrong")
	}
}
