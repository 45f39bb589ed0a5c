package web

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRenderers(t *testing.T) {
	e := New()
	e.GET("/json", func(c *Context) { c.JSON(201, H{"message": "pong"}) })
	e.GET("/xml", func(c *Context) {
		c.XML(200, struct {
			XMLName struct{} `xml:"item"`
			ID      int      `xml:"id"`
		}{ID: 3})
	})
	e.GET("/str", func(c *Context) { c.String(200, "hi %s", "bob") })
	e.GET("/data", func(c *Context) { c.Data(200, "application/octet-stream", []byte{1, 2}) })
	e.GET("/bad", func(c *Context) { c.JSON(200, H{"f": func() {}}) })
	e.GET("/redir", func(c *Context) { c.Redirect(302, "/json") })
	e.GET("/status", func(c *Context) { c.Status(204) })
	e.GET("/file", func(c *Context) { c.File("testdata/public/app.css") })
	e.GET("/cookie", func(c *Context) {
		v, err := c.Cookie("in")
		c.SetCookie("out", v+"!", 60, "", "", true, true)
		c.String(200, "%v", err)
	})
	w := do(t, e, "GET", "/json", nil)
	expect(t, w, 201, `{"message":"pong"}`)
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	expect(t, do(t, e, "GET", "/xml", nil), 200, "<item><id>3</id></item>")
	expect(t, do(t, e, "GET", "/str", nil), 200, "hi bob")
	expect(t, do(t, e, "GET", "/data", nil), 200, "\x01\x02")
	expect(t, do(t, e, "GET", "/bad", nil), 500, "500 internal server error")
	w = do(t, e, "GET", "/redir", nil)
	expect(t, w, 302, "")
	if w.Header().Get("Location") != "/json" {
		t.Fatalf("Location %q", w.Header().Get("Location"))
	}
	expect(t, do(t, e, "GET", "/status", nil), 204, "")
	expect(t, do(t, e, "GET", "/file", nil), 200, "body{}")
	w = do(t, e, "GET", "/cookie", nil, "Cookie", "in=v")
	expect(t, w, 200, "<nil>")
	if sc := w.Header().Get("Set-Cookie"); !strings.Contains(sc, "out=v%21") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
		t.Fatalf("Set-Cookie %q", sc)
	}
}

func TestQueryHelpers(t *testing.T) {
	e := New()
	e.GET("/q", func(c *Context) {
		c.String(200, "%s|%s|%v|%s", c.Query("a"), c.DefaultQuery("b", "dflt"), c.QueryArray("c"), c.GetHeader("X-H"))
	})
	expect(t, do(t, e, "GET", "/q?a=1&c=x&c=y", nil, "X-H", "h"), 200, "1|dflt|[x y]|h")
}

func TestTemplates(t *testing.T) {
	e := New()
	e.SetFuncMap(template.FuncMap{"upper": strings.ToUpper})
	if err := e.LoadHTMLGlob("testdata/tmpl/*.html"); err != nil {
		t.Fatal(err)
	}
	e.GET("/page", func(c *Context) { c.HTML(200, "page.html", H{"Title": "<hello>"}) })
	e.GET("/missing", func(c *Context) { c.HTML(200, "nope.html", nil) })
	w := do(t, e, "GET", "/page", nil)
	expect(t, w, 200, "<h1>&lt;HELLO&gt;</h1>")
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatal("no html content type")
	}
	expect(t, do(t, e, "GET", "/missing", nil), 500, "")
	if err := e.LoadHTMLGlob("testdata/none/*.html"); err == nil {
		t.Fatal("bad glob accepted")
	}
	expect(t, do(t, e, "GET", "/page", nil), 200, "HELLO") // old set kept

	e2 := New()
	e2.Delims("[[", "]]")
	if err := e2.LoadHTMLFS(testFS, "testdata/tmpl/*.tmpl"); err != nil {
		t.Fatal(err)
	}
	e2.GET("/d", func(c *Context) { c.HTML(200, "delim.tmpl", H{"Name": "x&y"}) })
	expect(t, do(t, e2, "GET", "/d", nil), 200, "<p>x&amp;y</p>")
}

func TestStreamAndSSE(t *testing.T) {
	e := New()
	e.GET("/sse", func(c *Context) {
		n := 0
		c.Stream(func(w io.Writer) bool {
			n++
			c.SSEvent("tick", H{"n": n})
			return n < 3
		})
		c.SSEvent("", "a\nb")
	})
	w := do(t, e, "GET", "/sse", nil)
	want := "event: tick\ndata: {\"n\":1}\n\nevent: tick\ndata: {\"n\":2}\n\nevent: tick\ndata: {\"n\":3}\n\ndata: a\ndata: b\n\n"
	expect(t, w, 200, "")
	if w.Body.String() != want {
		t.Fatalf("got %q", w.Body.String())
	}
	if w.Header().Get("Content-Type") != "text/event-stream" || !w.Flushed {
		t.Fatal("not an event stream")
	}
}

func TestContextCancelledWithRequest(t *testing.T) {
	e := New()
	started := make(chan struct{})
	got := make(chan error, 1)
	e.GET("/wait", func(c *Context) {
		close(started)
		select {
		case <-c.Done():
			got <- c.Err()
		case <-time.After(5 * time.Second):
			got <- nil
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	r, _ := http.NewRequestWithContext(ctx, "GET", "/wait", nil)
	go e.ServeHTTP(&nopWriter{h: http.Header{}}, r)
	<-started
	cancel()
	if err := <-got; err != context.Canceled {
		t.Fatalf("handler saw %v, want context.Canceled", err)
	}
}

func TestCopyFromGoroutines(t *testing.T) {
	e := New()
	var wg sync.WaitGroup
	results := make(chan string, 64)
	e.GET("/u/:id", func(c *Context) {
		c.Set("user", c.Param("id"))
		cp := c.Copy()
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Millisecond) // outlive the request so the pooled Context is reused
			v, _ := cp.Get("user")
			if _, err := cp.Writer.Write([]byte("x")); err != ErrDetached {
				results <- "write allowed"
				return
			}
			results <- cp.Param("id") + "=" + v.(string) + "=" + cp.Query("q")
		}()
		c.String(200, "ok")
	})
	var sent sync.WaitGroup
	for i := 0; i < 8; i++ {
		sent.Add(1)
		go func() {
			defer sent.Done()
			for j := 0; j < 4; j++ {
				id := string(rune('a'+i)) + string(rune('0'+j))
				do(t, e, "GET", "/u/"+id+"?q="+id, nil)
			}
		}()
	}
	sent.Wait()
	wg.Wait()
	close(results)
	n := 0
	for r := range results {
		parts := strings.Split(r, "=")
		if len(parts) != 3 || parts[0] != parts[1] || parts[1] != parts[2] {
			t.Fatalf("copy saw mixed request data: %q", r)
		}
		n++
	}
	if n != 32 {
		t.Fatalf("%d results, want 32", n)
	}
}

func TestClientIP(t *testing.T) {
	e := New()
	e.GET("/ip", func(c *Context) { c.String(200, "%s", c.ClientIP()) })
	req := func(remote, xff string) string {
		r, _ := http.NewRequest("GET", "/ip", nil)
		r.RemoteAddr = remote
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		w := &recorder{}
		e.ServeHTTP(w, r)
		return w.body.String()
	}
	if got := req("10.0.0.1:5", "1.2.3.4"); got != "10.0.0.1" {
		t.Fatalf("untrusted proxy believed: %s", got)
	}
	if err := e.SetTrustedProxies([]string{"10.0.0.0/8"}); err != nil {
		t.Fatal(err)
	}
	if got := req("10.0.0.1:5", "6.6.6.6, 1.2.3.4, 10.0.0.2"); got != "1.2.3.4" {
		t.Fatalf("trusted chain gave %s", got)
	}
	if got := req("8.8.8.8:5", "1.2.3.4"); got != "8.8.8.8" {
		t.Fatalf("spoofed header believed: %s", got)
	}
	if err := e.SetTrustedProxies([]string{"nonsense"}); err == nil || !strings.Contains(err.Error(), "nonsense") {
		t.Fatalf("bad proxy error %v", err)
	}
}

type recorder struct {
	nopWriter
	body strings.Builder
}

func (r *recorder) Header() http.Header {
	if r.h == nil {
		r.h = http.Header{}
	}
	return r.h
}
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
