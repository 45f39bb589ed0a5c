package tree

import (
	"unicode"
	"unicode/utf8"
)

// FindFold matches path ignoring letter case in static text and returns
// the path spelled as registered (params keep the request's spelling).
// Case is folded a whole rune at a time, so a node boundary that splits a
// multi-byte character never lets two different characters match. With
// fixSlash, a path that matches only with a trailing slash added or
// removed matches too, fixing case and slash in one answer.
func (t *Tree[V]) FindFold(path string, fixSlash bool) (string, bool) {
	buf := make([]byte, 0, len(path)+1)
	buf, ok := t.root.findFold(0, path, buf, fixSlash)
	return string(buf), ok
}

// findFold matches path from byte i of n's prefix; buf holds the spelling
// matched so far. Static text tries each case variant of the path's next
// rune; wildcards are tried only at the end of a node, where parse puts
// segment starts.
func (n *node[V]) findFold(i int, path string, buf []byte, fixSlash bool) ([]byte, bool) {
	atEnd := i == len(n.prefix)
	if path == "" {
		if atEnd && n.has {
			return buf, true
		}
		if fixSlash { // the route has a trailing slash the request lacks
			if m, j, ok := n.advance(i, "/"); ok && j == len(m.prefix) && m.has {
				return append(buf, '/'), true
			}
		}
		return buf, false
	}
	if fixSlash && path == "/" && atEnd && n.has && len(buf) > 0 {
		return buf, true // the request has a trailing slash the route lacks
	}
	r, size := utf8.DecodeRuneInString(path)
	var enc [utf8.UTFMax]byte
	for v := r; ; {
		spelled := path[:size] // the request's own bytes first (also for invalid UTF-8)
		if v != r {
			spelled = string(utf8.AppendRune(enc[:0], v))
		}
		if m, j, ok := n.advance(i, spelled); ok {
			if out, ok := m.findFold(j, path[size:], append(buf, spelled...), fixSlash); ok {
				return out, true
			}
		}
		if r == utf8.RuneError && size == 1 {
			break // an invalid byte matches only itself
		}
		if v = unicode.SimpleFold(v); v == r {
			break
		}
	}
	if !atEnd {
		return buf, false
	}
	return n.foldWild(path, buf, fixSlash)
}

// foldWild tries n's wildcard children against path, which begins a segment.
func (n *node[V]) foldWild(path string, buf []byte, fixSlash bool) ([]byte, bool) {
	end := 0
	for end < len(path) && path[end] != '/' {
		end++
	}
	if end > 0 {
		seg := path[:end]
		for _, p := range n.cparams {
			if p.check(seg) {
				if out, ok := p.findFold(0, path[end:], append(buf, seg...), fixSlash); ok {
					return out, true
				}
			}
		}
		if n.param != nil {
			if out, ok := n.param.findFold(0, path[end:], append(buf, seg...), fixSlash); ok {
				return out, true
			}
		}
	}
	if n.catchAll != nil && n.catchAll.has && path[0] == '/' {
		return append(buf, path...), true
	}
	return buf, false
}

// advance consumes the static bytes s from byte i of n's prefix, moving
// into static children as prefixes run out. It reports where it stopped.
func (n *node[V]) advance(i int, s string) (*node[V], int, bool) {
	for k := 0; k < len(s); k++ {
		if i == len(n.prefix) {
			var next *node[V]
			for ci := 0; ci < len(n.indices); ci++ {
				if n.indices[ci] == s[k] {
					next = n.children[ci]
					break
				}
			}
			if next == nil {
				return nil, 0, false
			}
			n, i = next, 0
		}
		if n.prefix[i] != s[k] {
			return nil, 0, false
		}
		i++
	}
	return n, i, true
}
