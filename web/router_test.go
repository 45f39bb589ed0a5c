package web

import (
	"bufio"
	"net/http"
	"os"
	"strings"
	"testing"
)

func TestGitHubRouteTable(t *testing.T) {
	f, err := os.Open("internal/tree/testdata/github.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := New()
	type route struct{ method, path string }
	var routes []route
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m, p, _ := strings.Cut(sc.Text(), " ")
		routes = append(routes, route{m, p})
		e.Handle(m, p, func(c *Context) {
			var b strings.Builder
			b.WriteString(c.Request.Method + " " + c.FullPath())
			for _, p := range c.Params {
				b.WriteString(" " + p.Key + "=" + p.Value)
			}
			c.String(http.StatusOK, "%s", b.String())
		})
	}
	if len(e.Routes()) != 203 {
		t.Fatalf("Routes() lists %d, want 203", len(e.Routes()))
	}
	for _, r := range routes {
		segs := strings.Split(r.path, "/")
		want := r.method + " " + r.path
		for i, s := range segs {
			if strings.HasPrefix(s, ":") {
				segs[i] = "x" + s[1:]
				want += " " + s[1:] + "=" + segs[i]
			}
		}
		w := do(t, e, r.method, strings.Join(segs, "/"), nil)
		expect(t, w, 200, "")
		if w.Body.String() != want {
			t.Fatalf("got %q, want %q", w.Body.String(), want)
		}
	}
}

func ok(c *Context) { c.String(200, "%s", c.FullPath()) }

func TestMethodNotAllowedAndOptions(t *testing.T) {
	e := New()
	e.GET("/items/:id", ok)
	e.PUT("/items/:id", ok)
	w := do(t, e, "POST", "/items/1", nil)
	expect(t, w, 405, "method not allowed")
	if got := w.Header().Get("Allow"); got != "GET, PUT, OPTIONS" {
		t.Fatalf("Allow %q", got)
	}
	w = do(t, e, "OPTIONS", "/items/1", nil)
	expect(t, w, 204, "")
	if got := w.Header().Get("Allow"); got != "GET, PUT, OPTIONS" {
		t.Fatalf("OPTIONS Allow %q", got)
	}
	expect(t, do(t, e, "OPTIONS", "/nothing", nil), 404, "")
	e.NoMethod(func(c *Context) { c.JSON(405, H{"error": "nope"}) })
	expect(t, do(t, e, "DELETE", "/items/1", nil), 405, `"nope"`)
	e.HandleMethodNotAllowed = false
	expect(t, do(t, e, "DELETE", "/items/1", nil), 404, "")
}

func TestNoRouteRunsGlobalMiddleware(t *testing.T) {
	e := New()
	e.Use(func(c *Context) { c.Header("X-Mw", "1"); c.Next() })
	expect(t, do(t, e, "GET", "/missing", nil), 404, "404 page not found")
	e.NoRoute(func(c *Context) { c.JSON(404, H{"missing": c.Request.URL.Path}) })
	w := do(t, e, "GET", "/missing", nil)
	expect(t, w, 404, `"missing":"/missing"`)
	if w.Header().Get("X-Mw") != "1" {
		t.Fatal("global middleware did not run for 404")
	}
}

func TestTrailingSlashRedirect(t *testing.T) {
	e := New()
	e.GET("/a", ok)
	e.POST("/b/", ok)
	e.GET("/files/*path", ok)
	w := do(t, e, "GET", "/a/?x=1", nil)
	expect(t, w, 301, "")
	if loc := w.Header().Get("Location"); loc != "/a?x=1" {
		t.Fatalf("Location %q", loc)
	}
	w = do(t, e, "POST", "/b", nil)
	expect(t, w, 308, "")
	if loc := w.Header().Get("Location"); loc != "/b/" {
		t.Fatalf("Location %q", loc)
	}
	expect(t, do(t, e, "GET", "/files", nil), 301, "")
	e.RedirectTrailingSlash = false
	expect(t, do(t, e, "GET", "/a/", nil), 404, "")
}

func TestFixedPathRedirect(t *testing.T) {
	e := New()
	e.GET("/Users/:name/Profile", ok)
	expect(t, do(t, e, "GET", "/users/Bob/profile", nil), 404, "")
	e.RedirectFixedPath = true
	w := do(t, e, "GET", "/x/../users//Bob/profile", nil)
	expect(t, w, 301, "")
	if loc := w.Header().Get("Location"); loc != "/Users/Bob/Profile" {
		t.Fatalf("Location %q", loc)
	}
	w = do(t, e, "GET", "//evil.example/", nil)
	if loc := w.Header().Get("Location"); strings.HasPrefix(loc, "//") {
		t.Fatalf("open redirect to %q", loc)
	}
}

func TestConstrainedParamsAndPrecedence(t *testing.T) {
	e := New()
	e.GET("/users/new", ok)
	e.GET("/users/{id:[0-9]+}", ok)
	e.GET("/users/:name", ok)
	e.GET("/users/*rest", ok)
	for path, want := range map[string]string{
		"/users/new":  "/users/new",
		"/users/42":   "/users/{id:[0-9]+}",
		"/users/bob":  "/users/:name",
		"/users/a/b/": "/users/*rest",
	} {
		expect(t, do(t, e, "GET", path, nil), 200, want)
	}
}

func TestConflictNamesBothRoutes(t *testing.T) {
	e := New()
	e.GET("/users/:id", ok)
	err := e.AddRoute("GET", "/users/:name", ok)
	if err == nil || !strings.Contains(err.Error(), "/users/:id") || !strings.Contains(err.Error(), "/users/:name") {
		t.Fatalf("conflict error %v", err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "/users/:id") {
			t.Fatalf("Handle did not panic with the conflict: %v", r)
		}
	}()
	e.GET("/users/:other", ok)
}

func TestGroupsAndMiddlewareOrder(t *testing.T) {
	e := New()
	var order []string
	mw := func(name string) HandlerFunc {
		return func(c *Context) {
			order = append(order, name+">")
			c.Next()
			order = append(order, "<"+name)
		}
	}
	e.Use(mw("global"))
	api := e.Group("/api", mw("api"))
	v1 := api.Group("v1")
	v1.Use(mw("v1"))
	v1.GET("/ping", func(c *Context) { order = append(order, "h"); c.String(200, "pong") })
	expect(t, do(t, e, "GET", "/api/v1/ping", nil), 200, "pong")
	if got := strings.Join(order, " "); got != "global> api> v1> h <v1 <api <global" {
		t.Fatalf("order %q", got)
	}
	rs := e.Routes()
	if len(rs) != 1 || rs[0].Path != "/api/v1/ping" || rs[0].Method != "GET" || !strings.Contains(rs[0].Handler, "web.TestGroupsAndMiddlewareOrder") {
		t.Fatalf("Routes() = %+v", rs)
	}
}

func TestAbortStopsChain(t *testing.T) {
	e := New()
	ran := false
	e.GET("/x", func(c *Context) {
		c.AbortWithStatusJSON(401, H{"error": "no"})
	}, func(c *Context) { ran = true })
	expect(t, do(t, e, "GET", "/x", nil), 401, `{"error":"no"}`)
	if ran {
		t.Fatal("handler after Abort ran")
	}
}

func TestAnyAndCustomMethod(t *testing.T) {
	e := New()
	e.Any("/any", func(c *Context) { c.String(200, "%s", c.Request.Method) })
	e.Handle("PROPFIND", "/dav", ok)
	for _, m := range []string{"GET", "POST", "DELETE", "PATCH"} {
		expect(t, do(t, e, m, "/any", nil), 200, m)
	}
	expect(t, do(t, e, "PROPFIND", "/dav", nil), 200, "/dav")
	w := do(t, e, "GET", "/dav", nil)
	expect(t, w, 405, "")
	if !strings.Contains(w.Header().Get("Allow"), "PROPFIND") {
		t.Fatalf("Allow %q", w.Header().Get("Allow"))
	}
}

func TestRawPathParams(t *testing.T) {
	e := New()
	e.UseRawPath = true
	e.GET("/files/:name/meta", func(c *Context) { c.String(200, "%s", c.Param("name")) })
	expect(t, do(t, e, "GET", "/files/a%2Fb/meta", nil), 200, "a/b")
}

func TestServeHTTPAllocations(t *testing.T) {
	if !usePerP && raceEnabled {
		t.Skip("sync.Pool is randomised under -race, and this build has no per-P slots")
	}
	e := New()
	e.GET("/user/repos", func(c *Context) {})
	e.GET("/repos/:owner/:repo/stargazers", func(c *Context) {})
	reqs := []*http.Request{
		mustReq("GET", "/user/repos"), mustReq("GET", "/repos/a/b/stargazers"),
	}
	w := &nopWriter{h: http.Header{}}
	allocs := testing.AllocsPerRun(200, func() {
		for _, r := range reqs {
			e.ServeHTTP(w, r)
		}
	})
	if allocs != 0 {
		t.Fatalf("ServeHTTP allocates %v per run", allocs)
	}
}

func mustReq(m, p string) *http.Request {
	r, err := http.NewRequest(m, p, nil)
	if err != nil {
		panic(err)
	}
	return r
}

type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

func TestMethodIndex(t *testing.T) {
	for i, m := range methods {
		if methodIndex(m) != i {
			t.Fatalf("methodIndex(%q) = %d, want %d", m, methodIndex(m), i)
		}
	}
	for _, m := range []string{"", "G", "GOT", "get", "POSTS", "PUTT", "PROPFIND", "DELETED"} {
		if methodIndex(m) != -1 {
			t.Fatalf("methodIndex(%q) = %d", m, methodIndex(m))
		}
	}
}
