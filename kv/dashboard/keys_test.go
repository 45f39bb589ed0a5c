package dashboard

import (
	"bytes"
	"strings"
	"testing"
)

func TestFormatKey(t *testing.T) {
	cases := map[string]string{
		"":         "",
		"t_123":    "t_123",
		"a b":      "a b",
		"a\x00":    `"a\x00"`,
		`say "hi"`: `"say \"hi\""`,
		`back\sl`:  `"back\\sl"`,
		"é":        `"é"`,
		"\xff\xfe": `"\xff\xfe"`,
		"<script>": "<script>",
	}
	for in, want := range cases {
		if got := formatKey([]byte(in)); got != want {
			t.Errorf("formatKey(%q) = %s, want %s", in, got, want)
		}
	}
	long := formatKey(bytes.Repeat([]byte("k"), 1000))
	if len(long) > maxShownKey+len("…") || !strings.HasSuffix(long, "…") {
		t.Errorf("a 1000-byte key is shown in %d bytes, want it cut at %d and marked", len(long), maxShownKey)
	}
}

func FuzzKeyRoundTrip(f *testing.F) {
	for _, s := range []string{"", "abc", "a\x00b", `"`, `\`, "\xff", "<script>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, key []byte) {
		if len(key) > maxShownKey {
			return
		}
		got, err := parseKey(formatKey(key))
		if err != nil || !bytes.Equal(got, key) {
			t.Fatalf("parseKey(formatKey(%q)) = %q, %v", key, got, err)
		}
	})
}
