package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestStaticNoTraversal(t *testing.T) {
	e := New()
	e.Static("/assets", "testdata/public")
	sub, _ := fs.Sub(testFS, "testdata/public")
	e.StaticFS("/embed", http.FS(sub))
	e.StaticFile("/favicon.css", "testdata/public/app.css")
	for _, base := range []string{"/assets", "/embed"} {
		expect(t, do(t, e, "GET", base+"/app.css", nil), 200, "body{}")
		expect(t, do(t, e, "GET", base+"/sub/", nil), 200, "index!")
		expect(t, do(t, e, "GET", base+"/nope.css", nil), 404, "")
		w := do(t, e, "HEAD", base+"/app.css", nil)
		expect(t, w, 200, "")
		for _, evil := range []string{
			"/../secret.txt", "/%2e%2e/secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
			"/..%2fsecret.txt", "/..%5csecret.txt", "/sub\\..\\..\\secret.txt",
			"/%252e%252e/secret.txt", "/sub/..", "/%00",
		} {
			// Build the request the way a raw client would send it.
			r2, err := http.ReadRequest(bufioReader("GET " + base + evil + " HTTP/1.1\r\nHost: x\r\n\r\n"))
			if err != nil {
				t.Fatalf("%s: %v", evil, err)
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, r2)
			if w.Code == 200 || strings.Contains(w.Body.String(), "secret") {
				t.Fatalf("%s%s: served %d %q", base, evil, w.Code, w.Body.String())
			}
		}
	}
	expect(t, do(t, e, "GET", "/favicon.css", nil), 200, "body{}")
}

func TestStaticRawPathTraversal(t *testing.T) {
	e := New()
	e.UseRawPath = true
	e.Static("/assets", "testdata/public")
	r, err := http.ReadRequest(bufioReader("GET /assets/%2e%2e%2fsecret.txt HTTP/1.1\r\nHost: x\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	if w.Code == 200 {
		t.Fatalf("served %q", w.Body.String())
	}
}
