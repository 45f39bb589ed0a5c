package tree

import (
	"strings"
	"testing"
)

func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{"", "/", "a/b", "//x/../y/.", "/a/b/../../..", "/%2e%2e/", "/a\\b", "/a/b/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c := CleanPath(p)
		if c == "" || c[0] != '/' {
			t.Fatalf("CleanPath(%q) = %q: not rooted", p, c)
		}
		if strings.Contains(c, "//") {
			t.Fatalf("CleanPath(%q) = %q: double slash", p, c)
		}
		for _, seg := range strings.Split(c, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("CleanPath(%q) = %q: dot segment", p, c)
			}
		}
		if CleanPath(c) != c {
			t.Fatalf("CleanPath not idempotent on %q", c)
		}
	})
}

func FuzzFind(f *testing.F) {
	patterns := []string{"/", "/users/new", "/users/:id", "/users/:id/edit", "/users/*rest",
		"/files/{id:int}", "/files/:name", "/src/*filepath", "/a/b/c", "/a/:x/d"}
	for _, s := range []string{"/", "/users/1/edit", "/files/12", "/src/x/y", "/a/b/d", "/a//d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		tr := &Tree[string]{}
		for _, p := range patterns {
			if err := tr.Add(p, p); err != nil {
				t.Fatal(err)
			}
		}
		var ps Params
		_, pat, ok := tr.Find(path, &ps)
		if !ok {
			if len(ps) != 0 {
				t.Fatalf("miss on %q left params %v", path, ps)
			}
			return
		}
		// Substituting the captured values back into the pattern must give the path.
		rebuilt := pat
		for _, p := range ps {
			for _, w := range []string{":" + p.Key, "{" + p.Key + ":int}"} {
				rebuilt = strings.Replace(rebuilt, w, p.Value, 1)
			}
			rebuilt = strings.Replace(rebuilt, "/*"+p.Key, p.Value, 1)
		}
		if rebuilt != path {
			t.Fatalf("path %q matched %q with %v, rebuilds to %q", path, pat, ps, rebuilt)
		}
	})
}
