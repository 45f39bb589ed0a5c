package web

import (
	"testing"
)

// single-route cases: one route registered, one request that matches it.
var singles = []struct {
	name  string
	route string
}{
	{"static", "/user/repos"},
	{"param1", "/user/:name"},
	{"param3", "/repos/:owner/:repo/issues/:number"},
	{"param4", "/legacy/issues/search/:owner/:repository/:state/:keyword"},
	{"param5", "/:a/:b/:c/:d/:e"},
}

func BenchmarkRouter(b *testing.B) {
	gh := githubRoutes(b)
	ghReqs := requests(b, gh)
	for _, im := range impls {
		b.Run("github-all/"+im.name, func(b *testing.B) {
			serveAll(b, im.build(gh), ghReqs)
		})
	}
	for _, s := range singles {
		rs := []route{{"GET", s.route}}
		reqs := requests(b, rs)
		for _, im := range impls {
			b.Run(s.name+"/"+im.name, func(b *testing.B) {
				serveAll(b, im.build(rs), reqs)
			})
		}
	}
}

// TestRoutersAgree checks every implementation routes the GitHub set, so
// the benchmark compares equal work.
func TestRoutersAgree(t *testing.T) {
	gh := githubRoutes(t)
	reqs := requests(t, gh)
	for _, im := range impls {
		h := im.build(gh)
		for i, r := range reqs {
			w := newRecorder()
			h.ServeHTTP(w, r)
			if w.code != 200 {
				t.Fatalf("%s: %s %s answered %d", im.name, gh[i].method, r.URL.Path, w.code)
			}
		}
	}
}
