package tree

import (
	"fmt"
	"regexp"
	"strings"
)

// tokKind tells what one piece of a route pattern is.
type tokKind uint8

const (
	tokStatic tokKind = iota
	tokParam
	tokCatchAll
)

// token is one parsed piece of a route pattern.
type token struct {
	kind       tokKind
	text       string // static text, or the wildcard's name
	constraint string // for params: "" (any segment), a named class or a regexp
}

// parse splits a pattern into static text and whole-segment wildcards:
// ":name", "{name}", "{name:constraint}" and a final "*name".
func parse(pattern string) ([]token, error) {
	if pattern == "" || pattern[0] != '/' {
		return nil, fmt.Errorf("route %q: path must begin with '/'", pattern)
	}
	var toks []token
	static := 0
	for i := 0; i < len(pattern); {
		segStart := i == 0 || pattern[i-1] == '/'
		c := pattern[i]
		if !segStart || (c != ':' && c != '*' && c != '{') {
			i++
			continue
		}
		if i > static {
			toks = append(toks, token{kind: tokStatic, text: pattern[static:i]})
		}
		tok, end, err := parseWildcard(pattern, i)
		if err != nil {
			return nil, err
		}
		if end < len(pattern) && pattern[end] != '/' {
			return nil, fmt.Errorf("route %q: wildcard at col %d must fill its whole path segment", pattern, i+1)
		}
		if tok.kind == tokCatchAll && end != len(pattern) {
			return nil, fmt.Errorf("route %q: catch-all *%s must be the last segment", pattern, tok.text)
		}
		if tok.kind == tokCatchAll {
			// The catch-all owns the slash before it, so its value starts with '/'.
			last := &toks[len(toks)-1]
			last.text = last.text[:len(last.text)-1]
			if last.text == "" {
				toks = toks[:len(toks)-1]
			}
		}
		toks = append(toks, tok)
		i, static = end, end
	}
	if static < len(pattern) {
		toks = append(toks, token{kind: tokStatic, text: pattern[static:]})
	}
	return toks, checkNames(pattern, toks)
}

// parseWildcard reads the wildcard starting at pattern[i] and returns it
// with the index just past it.
func parseWildcard(pattern string, i int) (token, int, error) {
	switch pattern[i] {
	case ':', '*':
		end := i + 1
		for end < len(pattern) && pattern[end] != '/' {
			end++
		}
		kind := tokParam
		if pattern[i] == '*' {
			kind = tokCatchAll
		}
		tok := token{kind: kind, text: pattern[i+1 : end]}
		if err := checkName(pattern, i, tok.text); err != nil {
			return token{}, 0, err
		}
		return tok, end, nil
	}
	depth, end := 0, i
	for ; end < len(pattern); end++ {
		if pattern[end] == '{' {
			depth++
		} else if pattern[end] == '}' {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	if end == len(pattern) {
		return token{}, 0, fmt.Errorf("route %q: unclosed '{' at col %d", pattern, i+1)
	}
	body := pattern[i+1 : end]
	name, constraint, _ := strings.Cut(body, ":")
	if err := checkName(pattern, i, name); err != nil {
		return token{}, 0, err
	}
	if _, err := compileConstraint(constraint); err != nil {
		return token{}, 0, fmt.Errorf("route %q: param %q: %v", pattern, name, err)
	}
	return token{kind: tokParam, text: name, constraint: constraint}, end + 1, nil
}

func checkName(pattern string, col int, name string) error {
	if name == "" {
		return fmt.Errorf("route %q: wildcard at col %d has no name", pattern, col+1)
	}
	if strings.ContainsAny(name, ":*{}") {
		return fmt.Errorf("route %q: wildcard name %q at col %d holds a reserved character", pattern, name, col+1)
	}
	return nil
}

func checkNames(pattern string, toks []token) error {
	seen := map[string]bool{}
	for _, t := range toks {
		if t.kind == tokStatic {
			continue
		}
		if seen[t.text] {
			return fmt.Errorf("route %q: wildcard name %q used twice", pattern, t.text)
		}
		seen[t.text] = true
	}
	return nil
}

// compileConstraint turns a param constraint into a matcher. Named classes
// avoid the regexp engine on the hot path; anything else is an anchored regexp.
func compileConstraint(c string) (func(string) bool, error) {
	switch c {
	case "":
		return nil, nil
	case "int":
		return isInt, nil
	case "uint", "digits":
		return isDigits, nil
	case "alpha":
		return isAlpha, nil
	case "alnum":
		return isAlnum, nil
	case "uuid":
		return isUUID, nil
	}
	re, err := regexp.Compile("^(?:" + c + ")$")
	if err != nil {
		return nil, fmt.Errorf("bad constraint %q: %v", c, err)
	}
	return re.MatchString, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isInt(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	return isDigits(s)
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; (c < 'a' || c > 'z') && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return s != ""
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c|0x20 < 'a' || c|0x20 > 'f') {
				return false
			}
		}
	}
	return true
}
