package tree

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type route struct{ method, pattern string }

func loadGitHub(t testing.TB) []route {
	f, err := os.Open("testdata/github.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rs []route
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m, p, _ := strings.Cut(sc.Text(), " ")
		rs = append(rs, route{m, p})
	}
	return rs
}

// concrete turns ":name" segments into "v-name" and returns the params expected.
func concrete(pattern string) (string, Params) {
	segs := strings.Split(pattern, "/")
	var ps Params
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "v-" + s[1:]
			ps = append(ps, Param{s[1:], segs[i]})
		}
	}
	return strings.Join(segs, "/"), ps
}

func TestGitHubRoutesResolve(t *testing.T) {
	rs := loadGitHub(t)
	if len(rs) != 203 {
		t.Fatalf("want 203 routes, got %d", len(rs))
	}
	trees := map[string]*Tree[int]{}
	for i, r := range rs {
		if trees[r.method] == nil {
			trees[r.method] = &Tree[int]{}
		}
		if err := trees[r.method].Add(r.pattern, i); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rs {
		path, want := concrete(r.pattern)
		var ps Params
		v, pat, ok := trees[r.method].Find(path, &ps)
		if !ok || v != i || pat != r.pattern {
			t.Fatalf("%s %s: got %d %q %v, want %d %q", r.method, path, v, pat, ok, i, r.pattern)
		}
		if len(ps) != len(want) {
			t.Fatalf("%s: params %v, want %v", path, ps, want)
		}
		for j := range want {
			if ps[j] != want[j] {
				t.Fatalf("%s: params %v, want %v", path, ps, want)
			}
		}
	}
	if trees["GET"].MaxParams() != 4 {
		t.Fatalf("max params %d, want 4", trees["GET"].MaxParams())
	}
}

func mustTree(t *testing.T, patterns ...string) *Tree[string] {
	t.Helper()
	tr := &Tree[string]{}
	for _, p := range patterns {
		if err := tr.Add(p, p); err != nil {
			t.Fatalf("add %q: %v", p, err)
		}
	}
	return tr
}

func TestPrecedenceAndBacktracking(t *testing.T) {
	tr := mustTree(t,
		"/users/new", "/users/:id", "/users/:id/edit", "/users/*rest",
		"/files/{id:int}", "/files/{name:[a-z]+}", "/files/:other",
		"/src/*filepath", "/", "/a/:x/c", "/a/b/d", "/u/{uuid:uuid}",
	)
	cases := []struct {
		path, want string
		params     Params
	}{
		{"/users/new", "/users/new", nil},
		{"/users/newer", "/users/:id", Params{{"id", "newer"}}},
		{"/users/42", "/users/:id", Params{{"id", "42"}}},
		{"/users/42/edit", "/users/:id/edit", Params{{"id", "42"}}},
		{"/users/42/x/y", "/users/*rest", Params{{"rest", "/42/x/y"}}},
		{"/users/new/edit", "/users/:id/edit", Params{{"id", "new"}}},
		{"/files/-12", "/files/{id:int}", Params{{"id", "-12"}}},
		{"/files/abc", "/files/{name:[a-z]+}", Params{{"name", "abc"}}},
		{"/files/ABC", "/files/:other", Params{{"other", "ABC"}}},
		{"/src/", "/src/*filepath", Params{{"filepath", "/"}}},
		{"/src/css/a.css", "/src/*filepath", Params{{"filepath", "/css/a.css"}}},
		{"/", "/", nil},
		{"/a/b/c", "/a/:x/c", Params{{"x", "b"}}},
		{"/a/b/d", "/a/b/d", nil},
		{"/u/123e4567-e89b-12d3-a456-426614174000", "/u/{uuid:uuid}", Params{{"uuid", "123e4567-e89b-12d3-a456-426614174000"}}},
	}
	for _, c := range cases {
		var ps Params
		_, pat, ok := tr.Find(c.path, &ps)
		if !ok || pat != c.want {
			t.Errorf("%s: got %q %v, want %q", c.path, pat, ok, c.want)
			continue
		}
		if len(ps) != len(c.params) {
			t.Errorf("%s: params %v, want %v", c.path, ps, c.params)
			continue
		}
		for i := range ps {
			if ps[i] != c.params[i] {
				t.Errorf("%s: params %v, want %v", c.path, ps, c.params)
			}
		}
	}
	for _, miss := range []string{"/src", "/users", "/files/", "/u/nope", "/a/b", "/nothing"} {
		var ps Params
		if _, pat, ok := tr.Find(miss, &ps); ok {
			t.Errorf("%s: unexpected match %q", miss, pat)
		}
		if len(ps) != 0 {
			t.Errorf("%s: params left behind on miss: %v", miss, ps)
		}
	}
}

func TestConflictsNameBothRoutes(t *testing.T) {
	cases := [][2]string{
		{"/users/:id", "/users/:name"},
		{"/files/*path", "/files/*rest"},
		{"/x/{id:int}", "/x/{n:int}"},
		{"/dup", "/dup"},
		{"/p/:id/a", "/p/:id/a"},
	}
	for _, c := range cases {
		tr := mustTree(t, c[0])
		err := tr.Add(c[1], c[1])
		if err == nil {
			t.Fatalf("%q after %q: no conflict reported", c[1], c[0])
		}
		if !strings.Contains(err.Error(), c[0]) || !strings.Contains(err.Error(), c[1]) {
			t.Errorf("error %q does not name both %q and %q", err, c[0], c[1])
		}
	}
}

func TestBadPatterns(t *testing.T) {
	for _, p := range []string{"", "users", "/a/:", "/a/*", "/a/*x/b", "/a/:x:y", "/a/{id", "/a/{id:[}", "/a/:x/:x", "/a/{x}y"} {
		if err := (&Tree[int]{}).Add(p, 0); err == nil {
			t.Errorf("pattern %q accepted", p)
		} else if !strings.Contains(err.Error(), "route") {
			t.Errorf("pattern %q: error %q does not name the route", p, err)
		}
	}
}

func TestFindFold(t *testing.T) {
	tr := mustTree(t, "/Users/:id/Profile", "/static/*f", "/about")
	cases := map[string]string{
		"/users/Bob/profile": "/Users/Bob/Profile",
		"/ABOUT":             "/about",
		"/STATIC/A/B":        "/static/A/B",
	}
	for in, want := range cases {
		got, ok := tr.FindFold(in, false)
		if !ok || got != want {
			t.Errorf("FindFold(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := tr.FindFold("/nope", false); ok {
		t.Error("FindFold matched /nope")
	}
}

// Node boundaries that split a multi-byte character must not let two
// different characters match (the bytes after the split are each invalid
// UTF-8 on their own), while case still folds across such a boundary.
func TestFindFoldWholeRunes(t *testing.T) {
	tr := mustTree(t, "/w/♭/", "/ä", "/u/öpfêl", "/u/äpfel", "/u/ölig", "/Σίσυφος")
	for in, want := range map[string]string{
		"/w/♬/":    "",
		"/ü":       "",
		"/u/ÄPFÊL": "",
		"/u/ÄPFEL": "/u/äpfel",
		"/U/ÖPFÊL": "/u/öpfêl",
		"/Ä":       "/ä",
		"/ΣΊΣΥΦΟΣ": "/Σίσυφος",
		"/u/\xc3":  "",
	} {
		got, ok := tr.FindFold(in, false)
		if want == "" && ok {
			t.Errorf("FindFold(%q) = %q, want no match", in, got)
		}
		if want != "" && (!ok || got != want) {
			t.Errorf("FindFold(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

// With fixSlash, case and a trailing slash are fixed in one answer, in
// both directions, as gin's and httprouter's tables expect.
func TestFindFoldFixSlash(t *testing.T) {
	tr := mustTree(t, "/path", "/dir/", "/doc/:id", "/src/*f", "/a/:b/c/")
	for in, want := range map[string]string{
		"/PATH/":   "/path",
		"/PATH":    "/path",
		"/DIR":     "/dir/",
		"/Dir/":    "/dir/",
		"/DOC/x/":  "/doc/x",
		"/A/x/C":   "/a/x/c/",
		"/SRC/a/b": "/src/a/b",
	} {
		got, ok := tr.FindFold(in, true)
		if !ok || got != want {
			t.Errorf("FindFold(%q, fix) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"/PATH/", "/DIR"} {
		if got, ok := tr.FindFold(in, false); ok {
			t.Errorf("FindFold(%q) without fix = %q", in, got)
		}
	}
	for _, in := range []string{"/path//", "/", "/doc/", "/nope/"} {
		if got, ok := tr.FindFold(in, true); ok {
			t.Errorf("FindFold(%q, fix) = %q, want no match", in, got)
		}
	}
}

func TestCleanPath(t *testing.T) {
	cases := map[string]string{
		"":             "/",
		"a":            "/a",
		"//a//b/":      "/a/b/",
		"/a/./b/../c":  "/a/c",
		"/../../etc":   "/etc",
		"/a/b/..":      "/a",
		"/a/b/../":     "/a/",
		"/.":           "/",
		"/a/%2e%2e/b":  "/a/%2e%2e/b",
		"/a\\..\\b/..": "/",
	}
	for in, want := range cases {
		if got := CleanPath(in); got != want {
			t.Errorf("CleanPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindDoesNotAllocate(t *testing.T) {
	tr := &Tree[int]{}
	for i, r := range loadGitHub(t) {
		if r.method == "GET" {
			_ = tr.Add(r.pattern, i)
		}
	}
	ps := make(Params, 0, tr.MaxParams())
	allocs := testing.AllocsPerRun(100, func() {
		ps = ps[:0]
		tr.Find("/repos/julienschmidt/httprouter/stargazers", &ps)
		tr.Find("/user/repos", &ps)
	})
	if allocs != 0 {
		t.Fatalf("Find allocates %v times", allocs)
	}
}

func BenchmarkFindGitHub(b *testing.B) {
	rs := loadGitHub(b)
	trees := map[string]*Tree[int]{}
	for i, r := range rs {
		if trees[r.method] == nil {
			trees[r.method] = &Tree[int]{}
		}
		_ = trees[r.method].Add(r.pattern, i)
	}
	type q struct {
		t    *Tree[int]
		path string
	}
	qs := make([]q, len(rs))
	for i, r := range rs {
		p, _ := concrete(r.pattern)
		qs[i] = q{trees[r.method], p}
	}
	ps := make(Params, 0, 8)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			ps = ps[:0]
			q.t.Find(q.path, &ps)
		}
	}
}

func TestFailedAddKeepsTreeUsable(t *testing.T) {
	tr := mustTree(t, "/users/:id")
	if err := tr.Add("/usersX/:a", "x"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Add("/u/:a", "x"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Add("/v/:a/:b", "x"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Add("/v/:c/x", "x"); err == nil {
		t.Fatal("conflict not reported")
	}
	for _, p := range []string{"/users/1", "/usersX/2", "/u/3", "/v/1/2"} {
		var ps Params
		if _, _, ok := tr.Find(p, &ps); !ok {
			t.Fatalf("%s no longer found", p)
		}
	}
}

// A request ending exactly at the shared start node matches only if a
// route ends there.
func TestFindAtStart(t *testing.T) {
	var tr Tree[int]
	for i, p := range []string{"/user/x", "/user/y"} {
		if err := tr.Add(p, i+1); err != nil {
			t.Fatal(err)
		}
	}
	var ps Params
	if _, _, ok := tr.Find("/user/", &ps); ok {
		t.Fatal("/user/ matched without a route")
	}
	if err := tr.Add("/user/", 3); err != nil {
		t.Fatal(err)
	}
	if v, p, ok := tr.Find("/user/", &ps); !ok || v != 3 || p != "/user/" || len(ps) != 0 {
		t.Fatalf("/user/ = %v %q %v %v", v, p, ok, ps)
	}
	var one Tree[int]
	_ = one.Add("/user/repos", 7)
	if v, _, ok := one.Find("/user/repos", &ps); !ok || v != 7 {
		t.Fatalf("/user/repos = %v %v", v, ok)
	}
	if _, _, ok := one.Find("/user/repo", &ps); ok {
		t.Fatal("/user/repo matched")
	}
}

// The case-insensitive lookup cases of httprouter's and gin's tree tests,
// restated: each route found from its upper-case spelling, and letter case
// and a trailing slash fixed together.
func TestFindFoldPeerTable(t *testing.T) {
	long := "/l" + strings.Repeat("o", 128) + "ng"
	routes := []string{
		"/hi", "/b/", "/ABC/", "/search/:query", "/cmd/:tool/", "/src/*filepath", "/x", "/x/y", "/y/", "/y/z",
		"/0/:id", "/0/:id/1", "/1/:id/", "/1/:id/2", "/aa", "/a/", "/doc", "/doc/go_faq.html", "/doc/go1.html",
		"/doc/go/away", "/no/a", "/no/b", "/Π", "/u/apfêl/", "/u/äpfêl/", "/u/öpfêl", "/v/Äpfêl/", "/v/Öpfêl",
		"/w/♬", "/w/♭/", "/w/𠜎", "/w/𠜏/", long,
	}
	tr := mustTree(t, routes...)
	for _, r := range routes {
		for _, fix := range []bool{false, true} {
			if got, ok := tr.FindFold(strings.ToUpper(r), fix); !ok || !strings.EqualFold(got, r) {
				t.Errorf("FindFold(%q, %v) = %q %v", strings.ToUpper(r), fix, got, ok)
			}
		}
	}
	cases := []struct {
		in, out string
		slash   bool // needs the trailing slash fixed
	}{
		{"/HI", "/hi", false}, {"/HI/", "/hi", true}, {"/B", "/b/", true}, {"/B/", "/b/", false},
		{"/abc", "/ABC/", true}, {"/abc/", "/ABC/", false}, {"/aBc", "/ABC/", true}, {"/aBc/", "/ABC/", false},
		{"/abC", "/ABC/", true}, {"/abC/", "/ABC/", false},
		{"/SEARCH/QUERY", "/search/QUERY", false}, {"/SEARCH/QUERY/", "/search/QUERY", true},
		{"/CMD/TOOL/", "/cmd/TOOL/", false}, {"/CMD/TOOL", "/cmd/TOOL/", true},
		{"/SRC/FILE/PATH", "/src/FILE/PATH", false},
		{"/x/Y", "/x/y", false}, {"/x/Y/", "/x/y", true}, {"/X/y", "/x/y", false}, {"/X/y/", "/x/y", true},
		{"/X/Y", "/x/y", false}, {"/X/Y/", "/x/y", true},
		{"/Y/", "/y/", false}, {"/Y", "/y/", true}, {"/Y/z", "/y/z", false}, {"/Y/z/", "/y/z", true},
		{"/Y/Z", "/y/z", false}, {"/Y/Z/", "/y/z", true}, {"/y/Z", "/y/z", false}, {"/y/Z/", "/y/z", true},
		{"/Aa", "/aa", false}, {"/Aa/", "/aa", true}, {"/AA", "/aa", false}, {"/AA/", "/aa", true},
		{"/aA", "/aa", false}, {"/aA/", "/aa", true}, {"/A/", "/a/", false}, {"/A", "/a/", true},
		{"/DOC", "/doc", false}, {"/DOC/", "/doc", true},
		{"/NO", "", true}, {"/DOC/GO", "", true},
		{"/π", "/Π", false}, {"/π/", "/Π", true},
		{"/u/ÄPFÊL/", "/u/äpfêl/", false}, {"/u/ÄPFÊL", "/u/äpfêl/", true},
		{"/u/ÖPFÊL/", "/u/öpfêl", true}, {"/u/ÖPFÊL", "/u/öpfêl", false},
		{"/v/äpfêL/", "/v/Äpfêl/", false}, {"/v/äpfêL", "/v/Äpfêl/", true},
		{"/v/öpfêL/", "/v/Öpfêl", true}, {"/v/öpfêL", "/v/Öpfêl", false},
		{"/w/♬/", "/w/♬", true}, {"/w/♭", "/w/♭/", true}, {"/w/𠜎/", "/w/𠜎", true}, {"/w/𠜏", "/w/𠜏/", true},
		{strings.ToUpper(long), long, false},
	}
	for _, c := range cases {
		got, ok := tr.FindFold(c.in, true)
		if (c.out == "") == ok || got != c.out && c.out != "" {
			t.Errorf("FindFold(%q, fix) = %q %v, want %q", c.in, got, ok, c.out)
		}
		got, ok = tr.FindFold(c.in, false)
		if want := c.out != "" && !c.slash; ok != want || ok && got != c.out {
			t.Errorf("FindFold(%q) = %q %v, want found=%v %q", c.in, got, ok, want, c.out)
		}
	}
}
