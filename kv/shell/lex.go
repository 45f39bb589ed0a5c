package shell

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitCommands splits s at the semicolons outside double-quoted strings into command lines,
// trimmed, dropping empty ones: "put a 1; get a" gives "put a 1" and "get a". A backslash
// inside a quoted string escapes the next byte, so "a\";b" stays one argument.
func SplitCommands(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case c == ';' && !quoted:
			out = appendTrimmed(out, s[start:i])
			start = i + 1
		}
	}
	return appendTrimmed(out, s[start:])
}

func appendTrimmed(out []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		out = append(out, s)
	}
	return out
}

// Words splits a command line into its words: runs of non-space bytes, or double-quoted
// strings with Go escapes ("a b\x00" is the bytes a, space, b and a zero byte; "" is the empty
// word). A line whose first word starts with # is a comment: no words. Errors match ErrUsage.
func Words(line string) ([]string, error) {
	var out []string
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		if len(out) == 0 && r == '#' {
			return nil, nil
		}
		w, n, err := word(line[i:])
		if err != nil {
			return nil, err
		}
		out = append(out, w)
		i += n
	}
	return out, nil
}

// word reads the word at the start of s (not a space) and returns it and the bytes it took.
func word(s string) (string, int, error) {
	if s[0] != '"' {
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		}
		if q := strings.IndexByte(s[:end], '"'); q >= 0 {
			return "", 0, usagef("quote inside the word %q: quote the whole word (\"a b\")", s[:end])
		}
		return s[:end], end, nil
	}
	end := closingQuote(s)
	if end < 0 {
		return "", 0, usagef("unterminated quoted string %q", clip(s))
	}
	w, err := strconv.Unquote(s[:end+1])
	if err != nil {
		return "", 0, usagef("bad quoted string %q: use Go escapes such as \\\" \\\\ \\n \\x00", clip(s[:end+1]))
	}
	if rest := s[end+1:]; rest != "" {
		if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsSpace(r) {
			return "", 0, usagef("quoted string %q must be followed by a space", clip(s[:end+1]))
		}
	}
	return w, end + 1, nil
}

// closingQuote returns the index of the quote that ends the string opened at s[0], or -1.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 40
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
