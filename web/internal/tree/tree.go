// Package tree is the router's radix tree: static text, whole-segment params
// (optionally constrained) and a trailing catch-all, matched with precedence
// static > param > catch-all and backtracking, without allocating.
package tree

import (
	"fmt"
	"strings"
)

// Param is one matched path parameter.
type Param struct {
	Key   string
	Value string
}

// Params is the list of matched parameters, in path order.
type Params []Param

// Get returns the value of the named parameter and whether it was present.
func (ps Params) Get(name string) (string, bool) {
	for i := range ps {
		if ps[i].Key == name {
			return ps[i].Value, true
		}
	}
	return "", false
}

// ByName returns the value of the named parameter, or "".
func (ps Params) ByName(name string) string {
	v, _ := ps.Get(name)
	return v
}

// node is a static run of bytes, a param or a catch-all; what follows it
// hangs below it.
type node[V any] struct {
	// Hot fields first, so a walk touches one cache line per node.
	prefix   string      // static text (static nodes only)
	children []*node[V]  // static children
	indices  string      // first byte of each static child, parallel to children
	lut      *[256]uint8 // first byte → child index+1, for nodes with many children
	wild     bool        // has a param or catch-all child
	has      bool        // a route ends here
	plain    bool        // its only wildcard child is an unconstrained param
	param    *node[V]    // unconstrained param, tried after cparams
	cparams  []*node[V]  // constrained params, tried in registration order
	catchAll *node[V]
	value    V
	pattern  string

	name       string            // wildcard name
	constraint string            // wildcard constraint as written
	check      func(string) bool // compiled constraint, nil for any
	owner      string            // first pattern through this wildcard, for conflict errors
}

// lutMin is the child count above which a node gets a lookup table: a
// linear scan of indices is faster for few children.
const lutMin = 3

// Tree maps route patterns to values.
type Tree[V any] struct {
	root      node[V]
	start     *node[V] // where Find begins: the root's only child, when it has one
	maxParams int
	patterns  []string
}

// MaxParams is the largest number of params any route captures.
func (t *Tree[V]) MaxParams() int { return t.maxParams }

// Patterns lists the registered patterns in registration order.
func (t *Tree[V]) Patterns() []string { return t.patterns }

// Add registers pattern. A duplicate, or a wildcard clashing with another
// route's wildcard at the same position, is an error naming both routes.
func (t *Tree[V]) Add(pattern string, v V) error {
	// Even a failed Add may have split nodes, so the start is always redone.
	defer t.setStart()
	toks, err := parse(pattern)
	if err != nil {
		return err
	}
	n := &t.root
	params := 0
	for _, tok := range toks {
		switch tok.kind {
		case tokStatic:
			n = n.addStatic(tok.text)
		case tokParam:
			params++
			if n, err = n.addParam(tok, pattern); err != nil {
				return err
			}
		case tokCatchAll:
			params++
			if n, err = n.addCatchAll(tok, pattern); err != nil {
				return err
			}
		}
	}
	if n.has {
		return fmt.Errorf("route %q conflicts with existing route %q", pattern, n.pattern)
	}
	n.value, n.has, n.pattern = v, true, pattern
	t.maxParams = max(t.maxParams, params)
	t.patterns = append(t.patterns, pattern)
	return nil
}

// setPlain refreshes the plain flag after n's wildcard children changed.
func (n *node[V]) setPlain() {
	n.plain = n.param != nil && n.cparams == nil && n.catchAll == nil
}

func (t *Tree[V]) setStart() {
	t.start = &t.root
	if len(t.root.children) == 1 && !t.root.wild && !t.root.has {
		t.start = t.root.children[0] // every route shares this prefix: skip a level
	}
}

// addStatic walks or splits static children so that text ends at a node.
func (n *node[V]) addStatic(text string) *node[V] {
	for text != "" {
		i := strings.IndexByte(n.indices, text[0])
		if i < 0 {
			c := &node[V]{prefix: text}
			n.indices += text[:1]
			n.children = append(n.children, c)
			if len(n.children) > lutMin {
				if n.lut == nil {
					n.lut = new([256]uint8)
					for j := 0; j < len(n.indices); j++ {
						n.lut[n.indices[j]] = uint8(j + 1)
					}
				}
				n.lut[text[0]] = uint8(len(n.children))
			}
			return c
		}
		c := n.children[i]
		l := commonPrefix(c.prefix, text)
		if l < len(c.prefix) {
			mid := &node[V]{prefix: c.prefix[:l], indices: c.prefix[l : l+1], children: []*node[V]{c}}
			c.prefix = c.prefix[l:]
			n.children[i] = mid
			c = mid
		}
		text = text[l:]
		n = c
	}
	return n
}

func commonPrefix(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func (n *node[V]) addParam(tok token, pattern string) (*node[V], error) {
	if tok.constraint == "" {
		if n.param == nil {
			n.param = &node[V]{name: tok.text, owner: pattern}
			n.wild = true
			n.setPlain()
		}
		return sameName(n.param, tok, pattern)
	}
	for _, p := range n.cparams {
		if p.constraint == tok.constraint {
			return sameName(p, tok, pattern)
		}
	}
	check, _ := compileConstraint(tok.constraint) // validated by parse
	p := &node[V]{name: tok.text, constraint: tok.constraint, check: check, owner: pattern}
	n.cparams = append(n.cparams, p)
	n.wild = true
	n.setPlain()
	return p, nil
}

func (n *node[V]) addCatchAll(tok token, pattern string) (*node[V], error) {
	if n.catchAll == nil {
		n.catchAll = &node[V]{name: tok.text, owner: pattern}
		n.wild = true
		n.setPlain()
	}
	return sameName(n.catchAll, tok, pattern)
}

// sameName rejects two names for one wildcard position: a request could not
// say which name its value belongs to.
func sameName[V any](p *node[V], tok token, pattern string) (*node[V], error) {
	if p.name != tok.text {
		return nil, fmt.Errorf("route %q: wildcard %q conflicts with %q of existing route %q",
			pattern, tok.text, p.name, p.owner)
	}
	return p, nil
}

// Find matches path, appending captured params to *ps. It reports the
// matched value and pattern; on a miss *ps is left as it was.
func (t *Tree[V]) Find(path string, ps *Params) (v V, pattern string, ok bool) {
	s := t.start
	if s == nil || path == "" || (s.prefix != "" && (path[0] != s.prefix[0] || !hasPrefix(path, s.prefix))) {
		return v, "", false
	}
	if len(path) == len(s.prefix) { // the start node itself: no walk, no params
		if !s.has {
			return v, "", false
		}
		return s.value, s.pattern, true
	}
	n, out := s.find(path[len(s.prefix):], *ps)
	if n == nil {
		return v, "", false
	}
	*ps = out
	return n.value, n.pattern, true
}

// find matches path below n (whose own text is already consumed) and
// returns the node with ps extended by the captured params. It loops down
// the tree and recurses only where a static match might fail later and a
// wildcard sibling must then be tried (backtracking). The slice travels by
// value, so a dead end needs no cleanup: the caller still holds its length.
func (n *node[V]) find(path string, ps Params) (*node[V], Params) {
	for {
		if path == "" {
			if n.has {
				return n, ps
			}
			return nil, nil
		}
		c0 := path[0]
		var next *node[V]
		if n.lut != nil {
			if i := n.lut[c0]; i != 0 && hasPrefix(path, n.children[i-1].prefix) {
				next = n.children[i-1]
			}
		} else {
			for i := 0; i < len(n.indices); i++ {
				if n.indices[i] == c0 {
					if c := n.children[i]; hasPrefix(path, c.prefix) {
						next = c
					}
					break
				}
			}
		}
		if next != nil {
			rest := path[len(next.prefix):]
			if !n.wild {
				n, path = next, rest
				continue
			}
			if r, out := next.find(rest, ps); r != nil {
				return r, out
			}
		}
		if !n.wild {
			return nil, nil
		}
		if n.plain { // the common case, without the alternatives' bookkeeping
			end := 0
			for end < len(path) && path[end] != '/' {
				end++
			}
			if end == 0 {
				return nil, nil
			}
			p := n.param
			ps = append(ps, Param{Key: p.name, Value: path[:end]})
			n, path = p, path[end:]
			continue
		}
		if n.param != nil || n.cparams != nil {
			end := 0
			for end < len(path) && path[end] != '/' {
				end++ // segments are short: a plain loop beats IndexByte's call
			}
			if end > 0 {
				seg, rest := path[:end], path[end:]
				for _, p := range n.cparams {
					if p.check(seg) {
						if r, out := p.find(rest, append(ps, Param{Key: p.name, Value: seg})); r != nil {
							return r, out
						}
					}
				}
				if p := n.param; p != nil {
					if n.catchAll == nil {
						ps = append(ps, Param{Key: p.name, Value: seg})
						n, path = p, rest // last alternative: no need to recurse
						continue
					}
					if r, out := p.find(rest, append(ps, Param{Key: p.name, Value: seg})); r != nil {
						return r, out
					}
				}
			}
		}
		if n.catchAll != nil && c0 == '/' && n.catchAll.has {
			return n.catchAll, append(ps, Param{Key: n.catchAll.name, Value: path})
		}
		return nil, nil
	}
}

// hasPrefix compares byte by byte from the second byte (the caller matched
// the first via indices); a byte loop beats memequal's call only for the shortest prefixes.
func hasPrefix(path, prefix string) bool {
	if len(path) < len(prefix) {
		return false
	}
	if len(prefix) > 4 {
		return path[1:len(prefix)] == prefix[1:]
	}
	for i := 1; i < len(prefix); i++ {
		if path[i] != prefix[i] {
			return false
		}
	}
	return true
}
