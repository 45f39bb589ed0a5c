package shell

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"
)

// emit prints one command's result: v as one JSON line in JSON mode, else text through a
// tabwriter (columns separated by tabs line up).
func (s *Shell) emit(v any, text func(w io.Writer)) error {
	if s.cfg.JSON {
		return json.NewEncoder(s.out).Encode(v)
	}
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	text(tw)
	return tw.Flush()
}

// Quote formats a key or value for text output so it can be typed back: a non-empty word of
// printable characters without spaces, quotes, backslashes or semicolons as it is, anything
// else double-quoted with Go escapes ("a b", "\x00", "").
func Quote(b []byte) string {
	if plainWord(b) {
		return string(b)
	}
	return strconv.Quote(string(b))
}

func plainWord(b []byte) bool {
	if len(b) == 0 || b[0] == '#' || !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == '"' || r == '\\' || r == ';' {
			return false
		}
	}
	return true
}

// jsonBytes is a key or value in JSON output: the text, plus its base64 when the bytes are not
// valid UTF-8 (JSON would replace the bad bytes).
type jsonBytes struct {
	text, b64 string
}

func newJSONBytes(b []byte) jsonBytes {
	j := jsonBytes{text: string(b)}
	if !utf8.Valid(b) {
		j.b64 = base64.StdEncoding.EncodeToString(b)
	}
	return j
}

// kvJSON is a pair in JSON output.
type kvJSON struct {
	Key         string `json:"key"`
	KeyBase64   string `json:"key_base64,omitempty"`
	Value       string `json:"value"`
	ValueBase64 string `json:"value_base64,omitempty"`
}

func newKVJSON(k, v []byte) kvJSON {
	kj, vj := newJSONBytes(k), newJSONBytes(v)
	return kvJSON{Key: kj.text, KeyBase64: kj.b64, Value: vj.text, ValueBase64: vj.b64}
}

// okJSON is the JSON answer of a command that returns nothing else.
type okJSON struct {
	OK  bool `json:"ok"`
	Txn bool `json:"txn,omitempty"` // buffered in the open transaction
}

// plural is "1 pair", "2 pairs".
func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
