package tree

import "path"

// CleanPath returns the canonical form of p: rooted, without "." and ".."
// elements or repeated slashes, keeping a trailing slash if p had one.
func CleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	c := path.Clean(p)
	if p[len(p)-1] == '/' && c != "/" {
		c += "/"
	}
	return c
}
