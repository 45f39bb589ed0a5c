package web

import (
	"net/http"
	"testing"
)

// BenchmarkServeHTTP measures a request through the engine with a no-op
// handler: the cost of the pool, routing and the Context. It decided the
// Context pool (see ctxpool.go).
func BenchmarkServeHTTP(b *testing.B) {
	e := New()
	e.GET("/user/repos", func(c *Context) {})
	e.GET("/repos/:owner/:repo/stargazers", func(c *Context) {})
	for _, bc := range []struct{ name, path string }{
		{"static", "/user/repos"},
		{"param2", "/repos/a/b/stargazers"},
	} {
		r := mustReq("GET", bc.path)
		b.Run(bc.name, func(b *testing.B) {
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				e.ServeHTTP(w, r)
			}
		})
		b.Run(bc.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &nopWriter{h: http.Header{}}
				for pb.Next() {
					e.ServeHTTP(w, r)
				}
			})
		})
	}
}
