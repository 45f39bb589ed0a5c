// Package web compares Gee web's router and engine with gin, echo,
// httprouter, chi and net/http's ServeMux.
package web

import (
	"bufio"
	"net/http"
	"os"
	"strings"
	"testing"
)

type route struct{ method, path string }

// githubRoutes is the GitHub API route set (203 routes), shared with the
// router's own table tests.
func githubRoutes(tb testing.TB) []route {
	f, err := os.Open("../../web/internal/tree/testdata/github.txt")
	if err != nil {
		tb.Fatal(err)
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

// braces rewrites ":name" segments as "{name}" for chi and ServeMux.
func braces(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

// concrete fills ":name" segments with a value, giving a request path.
func concrete(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "v" + s[1:]
		}
	}
	return strings.Join(segs, "/")
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func requests(tb testing.TB, rs []route) []*http.Request {
	reqs := make([]*http.Request, len(rs))
	for i, r := range rs {
		req, err := http.NewRequest(r.method, concrete(r.path), nil)
		if err != nil {
			tb.Fatal(err)
		}
		reqs[i] = req
	}
	return reqs
}

// serveAll runs every request once per iteration.
func serveAll(b *testing.B, h http.Handler, reqs []*http.Request) {
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range reqs {
			h.ServeHTTP(w, r)
		}
	}
}
