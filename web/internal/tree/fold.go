package tree

import "strings"

// FindFold matches path ignoring ASCII case in static text and returns the
// path spelled as registered (params keep the request's spelling).
func (t *Tree[V]) FindFold(path string) (string, bool) {
	buf := make([]byte, 0, len(path))
	buf, ok := t.root.findFold(path, buf)
	return string(buf), ok
}

func (n *node[V]) findFold(path string, buf []byte) ([]byte, bool) {
	if path == "" {
		return buf, n.has
	}
	for _, c := range n.children {
		if len(path) >= len(c.prefix) && strings.EqualFold(path[:len(c.prefix)], c.prefix) {
			if r, ok := c.findFold(path[len(c.prefix):], append(buf, c.prefix...)); ok {
				return r, true
			}
		}
	}
	end := strings.IndexByte(path, '/')
	if end < 0 {
		end = len(path)
	}
	if end > 0 {
		seg := path[:end]
		for _, p := range n.cparams {
			if p.check(seg) {
				if r, ok := p.findFold(path[end:], append(buf, seg...)); ok {
					return r, true
				}
			}
		}
		if n.param != nil {
			if r, ok := n.param.findFold(path[end:], append(buf, seg...)); ok {
				return r, true
			}
		}
	}
	if n.catchAll != nil && n.catchAll.has && path[0] == '/' {
		return append(buf, path...), true
	}
	return buf, false
}
