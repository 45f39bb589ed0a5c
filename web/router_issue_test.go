package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Case-insensitive redirects must never land on a different route because
// a tree node split a multi-byte character.
func TestFixedPathRedirectWholeRunes(t *testing.T) {
	e := New()
	e.RedirectFixedPath = true
	for _, p := range []string{"/w/♭/", "/ä", "/u/öpfêl", "/u/äpfel"} {
		e.GET(p, ok)
	}
	for _, p := range []string{"/w/♬/", "/ü", "/u/ÄPFÊL"} {
		w := do(t, e, "GET", p, nil)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d to %q, want 404", p, w.Code, w.Header().Get("Location"))
		}
	}
	w := do(t, e, "GET", "/U/ÄPFEL", nil)
	expect(t, w, http.StatusMovedPermanently, "")
	if loc := w.Header().Get("Location"); loc != "/u/%C3%A4pfel" {
		t.Fatalf("Location %q", loc)
	}
}

// Letter case and a trailing slash are fixed in one redirect.
func TestFixedPathRedirectCaseAndSlash(t *testing.T) {
	e := New()
	e.RedirectFixedPath = true
	e.GET("/path", ok)
	e.GET("/dir/", ok)
	e.POST("/doc/:id", ok)
	for in, want := range map[string]string{"/PATH/": "/path", "/DIR": "/dir/", "/Dir/": "/dir/"} {
		w := do(t, e, "GET", in, nil)
		expect(t, w, http.StatusMovedPermanently, "")
		if loc := w.Header().Get("Location"); loc != want {
			t.Errorf("GET %s: Location %q, want %q", in, loc, want)
		}
	}
	w := do(t, e, "POST", "/DOC/Ab/?q=1", nil)
	expect(t, w, http.StatusPermanentRedirect, "")
	if loc := w.Header().Get("Location"); loc != "/doc/Ab?q=1" {
		t.Errorf("Location %q", loc)
	}
}

// An OPTIONS route elsewhere must not drop OPTIONS from other paths' Allow.
func TestAllowListsOptionsWithOptionsRoutes(t *testing.T) {
	e := New()
	e.GET("/items", ok)
	e.OPTIONS("/other", ok)
	w := do(t, e, "POST", "/items", nil)
	expect(t, w, http.StatusMethodNotAllowed, "")
	if got := w.Header().Get("Allow"); got != "GET, OPTIONS" {
		t.Errorf("405 Allow %q", got)
	}
	w = do(t, e, "OPTIONS", "/items", nil)
	expect(t, w, http.StatusNoContent, "")
	if got := w.Header().Get("Allow"); got != "GET, OPTIONS" {
		t.Errorf("OPTIONS Allow %q", got)
	}
	e.GET("/other", ok)
	w = do(t, e, "POST", "/other", nil)
	if got := w.Header().Get("Allow"); got != "GET, OPTIONS" {
		t.Errorf("Allow with an OPTIONS route for the path: %q", got)
	}
}

// Under UseRawPath the redirect keeps the escaping it was given, and the
// redirected request reaches the handler with the value unescaped once.
func TestRawPathRedirectsKeepEscaping(t *testing.T) {
	e := New()
	e.UseRawPath = true
	e.RedirectFixedPath = true
	e.GET("/files/:name", func(c *Context) { c.String(200, "%s", c.Param("name")) })
	e.GET("/Dir/:name/", func(c *Context) { c.String(200, "%s", c.Param("name")) })
	for _, c := range [][2]string{
		{"/files/a%2Fb/", "/files/a%2Fb"},
		{"/dir/a%2Fb%20c", "/Dir/a%2Fb%20c/"},
	} {
		in, want := c[0], c[1]
		w := do(t, e, "GET", in, nil)
		expect(t, w, http.StatusMovedPermanently, "")
		loc := w.Header().Get("Location")
		if loc != want {
			t.Fatalf("GET %s: Location %q, want %q", in, loc, want)
		}
		w = do(t, e, "GET", loc, nil)
		expect(t, w, http.StatusOK, "")
		if w.Body.String() != "a/b" && w.Body.String() != "a/b c" {
			t.Fatalf("GET %s: handler got %q", loc, w.Body.String())
		}
	}
}

// The Logger sees redirects, and the size of the default 404/405 bodies.
func TestLoggerSeesRedirectsAndDefaultBodies(t *testing.T) {
	var buf bytes.Buffer
	e := New()
	e.Use(Logger(&LoggerConfig{Logger: slog.New(slog.NewTextHandler(&buf, nil))}))
	e.GET("/a", ok)
	cases := []struct {
		method, path, want string
	}{
		{"GET", "/a/", "path=/a/ status=301"},
		{"GET", "/nope", "status=404"},
		{"PUT", "/a", "status=405"},
	}
	for _, c := range cases {
		buf.Reset()
		w := do(t, e, c.method, c.path, nil)
		line := buf.String()
		if !strings.Contains(line, c.want) {
			t.Fatalf("%s %s: log %q lacks %q", c.method, c.path, line, c.want)
		}
		if size := w.Body.Len(); size == 0 || !strings.Contains(line, " size="+strconv.Itoa(size)) {
			t.Fatalf("%s %s: body of %d bytes, log %q", c.method, c.path, size, line)
		}
	}
}

// A nil handler is a registration error, not a 500 on the first request.
func TestNilHandlerRejected(t *testing.T) {
	e := New()
	if err := e.AddRoute("GET", "/x", ok, nil); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Fatalf("AddRoute with a nil handler: %v", err)
	}
	if len(e.Routes()) != 0 {
		t.Fatalf("routes after a refused add: %v", e.Routes())
	}
	mustPanic(t, "nil", func() { e.GET("/y", nil) })
	mustPanic(t, "nil", func() { e.Use(nil) })
	mustPanic(t, "nil", func() { e.Group("/g").Use(ok, nil) })
	mustPanic(t, "nil", func() { e.NoRoute(nil) })
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil || !strings.Contains(r.(string), want) {
			t.Fatalf("panic %v, want one mentioning %q", r, want)
		}
	}()
	f()
}

func TestRemoveExtraSlash(t *testing.T) {
	e := New()
	e.GET("/a/b", ok)
	e.GET("/u/:id/posts", func(c *Context) { c.String(200, "%s", c.Param("id")) })
	expect(t, do(t, e, "GET", "/a//b", nil), http.StatusNotFound, "")
	e.RemoveExtraSlash = true
	expect(t, do(t, e, "GET", "/a//b", nil), http.StatusOK, "/a/b")
	expect(t, do(t, e, "GET", "//u//7///posts", nil), http.StatusOK, "7")
	expect(t, do(t, e, "GET", "/a/b", nil), http.StatusOK, "/a/b")
}

// X-Forwarded-Prefix is honoured only from a trusted proxy, and only when
// it is a clean path.
func TestRedirectForwardedPrefix(t *testing.T) {
	e := New()
	e.GET("/a", ok)
	get := func(prefix string) string {
		t.Helper()
		r := mustReq("GET", "/a/")
		r.RemoteAddr = "10.0.0.1:1234"
		r.Header.Set("X-Forwarded-Prefix", prefix)
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		expect(t, w, http.StatusMovedPermanently, "")
		return w.Header().Get("Location")
	}
	if loc := get("/api"); loc != "/a" {
		t.Fatalf("untrusted peer's prefix used: %q", loc)
	}
	if err := e.SetTrustedProxies([]string{"10.0.0.0/8"}); err != nil {
		t.Fatal(err)
	}
	for prefix, want := range map[string]string{
		"/api":             "/api/a",
		"/api/v1/":         "/api/v1/a",
		"//evil.example":   "/a",
		"/x/../../evil":    "/a",
		"https://evil.com": "/a",
		"/a b":             "/a",
		"/%2e%2e":          "/a",
	} {
		if loc := get(prefix); loc != want {
			t.Errorf("prefix %q: Location %q, want %q", prefix, loc, want)
		}
	}
}

// StaticFS misses run NoRoute, as an unrouted path does.
func TestStaticMissRunsNoRoute(t *testing.T) {
	e := New()
	e.NoRoute(func(c *Context) { c.JSON(http.StatusNotFound, H{"missing": c.Request.URL.Path}) })
	e.Static("/assets", "testdata/public")
	expect(t, do(t, e, "GET", "/assets/nope.css", nil), http.StatusNotFound, `"missing":"/assets/nope.css"`)
	expect(t, do(t, e, "GET", "/assets/%2e%2e/secret.txt", nil), http.StatusNotFound, `"missing"`)
	expect(t, do(t, e, "GET", "/assets/app.css", nil), http.StatusOK, "body{}")
	e2 := New()
	e2.Static("/assets", "testdata/public")
	expect(t, do(t, e2, "GET", "/assets/nope.css", nil), http.StatusNotFound, "404 page not found")
}

// Static refuses symbolic links that lead out of the served directory;
// StaticFS with http.Dir follows them, as gin does.
func TestStaticRefusesSymlinksOut(t *testing.T) {
	dir := t.TempDir()
	pub := filepath.Join(dir, "pub")
	if err := os.MkdirAll(filepath.Join(pub, "in"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "secret.txt"), "secret")
	write(filepath.Join(pub, "in", "ok.txt"), "fine")
	links := map[string]string{
		"out.txt":  filepath.Join(dir, "secret.txt"),
		"up":       "..",
		"abs":      dir,
		"inside":   "in/ok.txt",
		"in/back":  "../in",
		"relative": "../secret.txt",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(pub, name)); err != nil {
			t.Skipf("symlinks unsupported: %v", err)
		}
	}
	e := New()
	e.Static("/s", pub)
	e.StaticFS("/follow", http.Dir(pub))
	for _, p := range []string{"/s/out.txt", "/s/up/secret.txt", "/s/abs/secret.txt", "/s/relative"} {
		w := do(t, e, "GET", p, nil)
		if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "secret") {
			t.Errorf("GET %s: %d %q", p, w.Code, w.Body.String())
		}
	}
	expect(t, do(t, e, "GET", "/s/inside", nil), http.StatusOK, "fine")
	expect(t, do(t, e, "GET", "/s/in/back/ok.txt", nil), http.StatusOK, "fine")
	expect(t, do(t, e, "GET", "/follow/out.txt", nil), http.StatusOK, "secret")
}

// gin's wildcard-conflict table, with this router's documented answers
// (docs/web.md, "Conflicts"): accepted where precedence decides, rejected
// where one position would have two names.
func TestGinWildcardConflictTable(t *testing.T) {
	e := New()
	for _, c := range []struct {
		path   string
		reject bool
	}{
		{"/cmd/:tool/:sub", false},
		{"/cmd/vet", false},
		{"/foo/bar", false},
		{"/foo/:name", false},
		{"/foo/:names", true},
		{"/cmd/*path", false}, // gin: conflict
		{"/cmd/:badvar", true},
		{"/cmd/:tool/names", false},
		{"/cmd/:tool/:badsub/details", true},
		{"/src/*filepath", false},
		{"/src/:file", false},       // gin: conflict
		{"/src/static.json", false}, // gin: conflict
		{"/src/*filepathx", true},
		{"/src/", false},        // gin: conflict
		{"/src/foo/bar", false}, // gin: conflict
		{"/src1/", false},
		{"/src1/*filepath", false}, // gin: conflict
		{"/src2*filepath", false},  // literal text here
		{"/search/", false},
		{"/search/:query", false},
		{"/search/valid", false},
		{"/user_:name", false}, // literal text here
		{"/user_x", false},
		{"/id:id", false}, // literal text here
		{"/id/:id", false},
	} {
		err := e.AddRoute("GET", c.path, ok)
		if (err != nil) != c.reject {
			t.Errorf("%s: error %v, want rejected=%v", c.path, err, c.reject)
		}
	}
	for path, want := range map[string]string{
		"/src/":            "/src/",
		"/src/a.txt":       "/src/:file",
		"/src/static.json": "/src/static.json",
		"/src/a/b":         "/src/*filepath",
		"/src/foo/bar":     "/src/foo/bar",
		"/cmd/go/run":      "/cmd/:tool/:sub",
		"/cmd/go/run/x":    "/cmd/*path",
		"/user_:name":      "/user_:name",
		"/user_bob":        "",
	} {
		w := do(t, e, "GET", path, nil)
		if want == "" {
			expect(t, w, http.StatusNotFound, "")
			continue
		}
		expect(t, w, http.StatusOK, "")
		if w.Body.String() != want {
			t.Errorf("%s matched %q, want %q", path, w.Body.String(), want)
		}
	}
}
