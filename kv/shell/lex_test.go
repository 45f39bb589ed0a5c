package shell

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSplitCommands(t *testing.T) {
	cases := map[string][]string{
		"put a 1; get a":             {"put a 1", "get a"},
		"  put a 1 ;; ; get a ;  ":   {"put a 1", "get a"},
		`put "a;b" 1; get "a;b"`:     {`put "a;b" 1`, `get "a;b"`},
		`put "a\";b" 1;get x`:        {`put "a\";b" 1`, "get x"},
		"":                           nil,
		`put "unterminated; get a`:   {`put "unterminated; get a`},
		`put a "\\"; get a`:          {`put a "\\"`, "get a"},
		"begin; put k v; commit":     {"begin", "put k v", "commit"},
		`put a "trailing backslash\`: {`put a "trailing backslash\`},
	}
	for in, want := range cases {
		if got := SplitCommands(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitCommands(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	cases := map[string][]string{
		"put a 1":               {"put", "a", "1"},
		"  put\ta \t 1  ":       {"put", "a", "1"},
		`put "a b" "x\x00\xff"`: {"put", "a b", "x\x00\xff"},
		`scan "" ""`:            {"scan", "", ""},
		`put "\"" "\u00e9"`:     {"put", `"`, "é"},
		"# a comment":           nil,
		"   #put a 1":           nil,
		"get #notacomment":      {"get", "#notacomment"},
		"put é ü":               {"put", "é", "ü"},
		"":                      nil,
	}
	for in, want := range cases {
		got, err := Words(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
}

func TestWordsErrors(t *testing.T) {
	cases := map[string]string{
		`put "abc`:               "unterminated quoted string",
		`put a"b 1`:              `quote inside the word "a\"b"`,
		`put "a"b 1`:             "must be followed by a space",
		`put "\q" 1`:             "bad quoted string",
		`put "a` + "\n" + `b" 1`: "bad quoted string",
	}
	for in, want := range cases {
		_, err := Words(in)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrUsage) {
			t.Errorf("Words(%q) error %v, want a usage error containing %q", in, err, want)
		}
	}
}

// Quote's output, typed back, is the same bytes.
func TestQuoteRoundTrips(t *testing.T) {
	for _, k := range []string{"a", "user:1", "a b", "", "\x00\xff", `"`, `\`, "a;b", "#x", "é", "tab\there"} {
		q := Quote([]byte(k))
		got, err := Words("get " + q)
		if err != nil || len(got) != 2 || got[1] != k {
			t.Errorf("Quote(%q) = %s reads back as %q, %v", k, q, got, err)
		}
	}
	if Quote([]byte("plain")) != "plain" || Quote([]byte("a b")) != `"a b"` {
		t.Errorf("Quote quotes only what needs it: %s %s", Quote([]byte("plain")), Quote([]byte("a b")))
	}
}
