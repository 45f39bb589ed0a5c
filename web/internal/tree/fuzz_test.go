package tree

import (
	"strings"
	"testing"
	"unicode/utf8"
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

// FuzzFindFold checks that a fold match is a registered route and differs
// from the request only in letter case, rune by rune (and, with fixSlash,
// in one trailing slash).
func FuzzFindFold(f *testing.F) {
	patterns := []string{"/w/♭/", "/ä", "/u/öpfêl", "/u/äpfel", "/Users/:id/Profile", "/src/*f", "/dir/", "/K"}
	for _, s := range []string{"/w/♬/", "/ü", "/u/ÄPFÊL", "/USERS/x/profile/", "/DIR", "/k", "/\u212a", "/u/\xc3"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, path string, fixSlash bool) {
		tr := &Tree[string]{}
		for _, p := range patterns {
			if err := tr.Add(p, p); err != nil {
				t.Fatal(err)
			}
		}
		got, ok := tr.FindFold(path, fixSlash)
		if !ok {
			return
		}
		var ps Params
		if _, _, found := tr.Find(got, &ps); !found {
			t.Fatalf("FindFold(%q) = %q, which Find does not match", path, got)
		}
		if runesFoldEqual(got, path) {
			return
		}
		if fixSlash && (runesFoldEqual(got+"/", path) || runesFoldEqual(got, path+"/")) {
			return
		}
		t.Fatalf("FindFold(%q) = %q: not the same text up to case", path, got)
	})
}

// runesFoldEqual compares rune by rune; an invalid byte equals only itself.
func runesFoldEqual(a, b string) bool {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra == utf8.RuneError && na == 1 || rb == utf8.RuneError && nb == 1 {
			if a[:na] != b[:nb] {
				return false
			}
		} else if !strings.EqualFold(a[:na], b[:nb]) {
			return false
		}
		a, b = a[na:], b[nb:]
	}
	return a == b
}
