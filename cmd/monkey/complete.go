package main

import (
	"sort"
	"strings"

	"github.com/gee-project/gee/monkey/object"
)

var keywords = []string{"else", "false", "fn", "if", "let", "macro", "return", "true", "quote", "unquote"}

// completer completes the identifier before the cursor from keywords,
// builtins and the session's globals and macros (readline's AutoCompleter).
type completer struct{ s *session }

// Do returns the possible endings of the word before pos and its length.
func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	start := pos
	for start > 0 && isIdentRune(line[start-1]) {
		start--
	}
	prefix := string(line[start:pos])
	if prefix == "" {
		return nil, 0
	}
	var endings [][]rune
	for _, name := range c.candidates() {
		if strings.HasPrefix(name, prefix) && name != prefix {
			endings = append(endings, []rune(name[len(prefix):]))
		}
	}
	return endings, len([]rune(prefix))
}

func (c completer) candidates() []string {
	seen := map[string]bool{}
	add := func(names ...string) {
		for _, n := range names {
			seen[n] = true
		}
	}
	add(keywords...)
	for _, b := range object.Builtins {
		add(b.Name)
	}
	add(c.s.env.Names()...)
	add(c.s.macros.Names()...)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func isIdentRune(r rune) bool {
	return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}
