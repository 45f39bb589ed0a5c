package middleware

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/web"
)

func do(h http.Handler, method, target string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func check(t *testing.T, w *httptest.ResponseRecorder, code int, body string) {
	t.Helper()
	if w.Code != code || !strings.Contains(w.Body.String(), body) {
		t.Fatalf("got %d %q, want %d containing %q", w.Code, w.Body.String(), code, body)
	}
}

func TestLoggerAndRecovery(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	e := web.New()
	e.Use(Logger(&web.LoggerConfig{Logger: log, SkipPaths: []string{"/health"}}), Recovery(&web.RecoveryConfig{Logger: log}))
	e.GET("/boom", func(c *web.Context) { panic("secret-detail") })
	e.GET("/ok", func(c *web.Context) { c.String(201, "fine") })
	e.GET("/health", func(c *web.Context) { c.Status(200) })
	w := do(e, "GET", "/boom", nil)
	check(t, w, 500, "500 internal server error")
	if strings.Contains(w.Body.String(), "secret-detail") || strings.Contains(w.Body.String(), "goroutine") {
		t.Fatal("panic detail leaked to the client")
	}
	check(t, do(e, "GET", "/ok", nil), 201, "fine")
	do(e, "GET", "/health", nil)
	out := logs.String()
	for _, want := range []string{"panic recovered", "secret-detail", "stack=", "level=ERROR msg=request method=GET path=/boom status=500", "path=/ok status=201"} {
		if !strings.Contains(out, want) {
			t.Fatalf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/health") {
		t.Fatal("skipped path was logged")
	}
}

func TestRequestID(t *testing.T) {
	e := web.New()
	e.Use(RequestID())
	e.GET("/", func(c *web.Context) { c.String(200, "%s", c.GetString(RequestIDKey)) })
	a, b := do(e, "GET", "/", nil), do(e, "GET", "/", nil)
	if a.Body.String() == "" || a.Body.String() == b.Body.String() || a.Header().Get(RequestIDHeader) != a.Body.String() {
		t.Fatalf("ids %q %q", a.Body.String(), b.Body.String())
	}
	check(t, do(e, "GET", "/", nil, RequestIDHeader, "abc-123"), 200, "abc-123")
	w := do(e, "GET", "/", nil, RequestIDHeader, "bad id\x01")
	if strings.Contains(w.Body.String(), "bad") {
		t.Fatal("malformed incoming id kept")
	}
}

func TestCORS(t *testing.T) {
	e := web.New()
	e.Use(CORS(CORSConfig{AllowOrigins: []string{"https://app.example"}, AllowCredentials: true, MaxAge: 600, ExposeHeaders: []string{"X-Total"}}))
	e.PUT("/items", func(c *web.Context) { c.String(200, "put") })
	w := do(e, "OPTIONS", "/items", nil, "Origin", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "X-Custom")
	check(t, w, 204, "")
	h := w.Header()
	if h.Get("Access-Control-Allow-Origin") != "https://app.example" || h.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "PUT") || h.Get("Access-Control-Allow-Headers") != "X-Custom" || h.Get("Access-Control-Max-Age") != "600" {
		t.Fatalf("preflight headers %v", h)
	}
	w = do(e, "PUT", "/items", nil, "Origin", "https://app.example")
	check(t, w, 200, "put")
	if w.Header().Get("Access-Control-Expose-Headers") != "X-Total" {
		t.Fatalf("headers %v", w.Header())
	}
	w = do(e, "PUT", "/items", nil, "Origin", "https://evil.example")
	if w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("foreign origin allowed")
	}
	check(t, do(e, "OPTIONS", "/items", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT"), 403, "")
}

func TestGzip(t *testing.T) {
	e := web.New()
	e.Use(Gzip(0))
	big := strings.Repeat("hello gzip ", 100)
	e.GET("/t", func(c *web.Context) { c.String(200, "%s", big) })
	e.GET("/none", func(c *web.Context) { c.Status(204) })
	w := do(e, "GET", "/t", nil, "Accept-Encoding", "gzip, deflate")
	if w.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("headers %v", w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != big {
		t.Fatalf("decompressed %d bytes, want %d", len(plain), len(big))
	}
	w = do(e, "GET", "/t", nil)
	if w.Header().Get("Content-Encoding") != "" || w.Body.String() != big {
		t.Fatal("compressed for a client that did not ask")
	}
	w = do(e, "GET", "/none", nil, "Accept-Encoding", "gzip")
	if w.Code != 204 || w.Header().Get("Content-Encoding") != "" {
		t.Fatalf("204 got encoded: %v", w.Header())
	}
	if do(e, "GET", "/t", nil, "Accept-Encoding", "gzip;q=0").Header().Get("Content-Encoding") != "" {
		t.Fatal("q=0 ignored")
	}
}

func TestTimeout(t *testing.T) {
	e := web.New()
	e.Use(Recovery(&web.RecoveryConfig{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}), Timeout(50*time.Millisecond))
	finished := make(chan bool, 1)
	e.GET("/slow", func(c *web.Context) {
		select {
		case <-c.Done():
			finished <- true
		case <-time.After(5 * time.Second):
			finished <- false
		}
		c.String(200, "late") // must not reach the client
	})
	e.GET("/fast", func(c *web.Context) { c.Header("X-A", "1"); c.String(201, "quick") })
	e.GET("/panic", func(c *web.Context) { panic("in handler") })
	w := do(e, "GET", "/slow", nil)
	check(t, w, 503, `{"error":"timeout"}`)
	if strings.Contains(w.Body.String(), "late") || !<-finished {
		t.Fatalf("late write leaked or handler not cancelled: %q", w.Body.String())
	}
	w = do(e, "GET", "/fast", nil)
	check(t, w, 201, "quick")
	if w.Header().Get("X-A") != "1" {
		t.Fatal("header lost")
	}
	check(t, do(e, "GET", "/panic", nil), 500, "")
}

func TestBodyLimit(t *testing.T) {
	e := web.New()
	e.Use(BodyLimit(16))
	e.POST("/j", func(c *web.Context) {
		var m map[string]any
		if c.BindJSON(&m) == nil {
			c.String(200, "ok")
		}
	})
	check(t, do(e, "POST", "/j", strings.NewReader(`{"a":1}`)), 200, "ok")
	check(t, do(e, "POST", "/j", strings.NewReader(`{"a":"01234567890123456789"}`)), 413, "too large")
	r := httptest.NewRequest("POST", "/j", io.MultiReader(strings.NewReader(`{"a":"`), strings.NewReader(strings.Repeat("x", 100)+`"}`)))
	r.ContentLength = -1
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	check(t, w, 413, "")
}

// A route's BodyLimit may allow more than the engine's MaxBodyBytes.
func TestBodyLimitRaisesEngineDefault(t *testing.T) {
	e := web.New()
	e.MaxBodyBytes = 1 << 10
	bind := func(c *web.Context) {
		var m map[string]any
		if c.BindJSON(&m) == nil {
			c.String(200, "ok")
		}
	}
	e.POST("/small", bind)
	e.POST("/big", BodyLimit(1<<20), bind)
	body := `{"a":"` + strings.Repeat("x", 8<<10) + `"}`
	check(t, do(e, "POST", "/small", strings.NewReader(body)), 413, "")
	check(t, do(e, "POST", "/big", strings.NewReader(body)), 200, "ok")
}

func TestBasicAuth(t *testing.T) {
	e := web.New()
	e.Use(BasicAuth("admin", map[string]string{"ann": "s3cret"}))
	e.GET("/", func(c *web.Context) { c.String(200, "hi %s", c.GetString(UserKey)) })
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth("ann", "s3cret")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	check(t, w, 200, "hi ann")
	for _, pair := range [][2]string{{"ann", "wrong"}, {"bob", "s3cret"}, {"", ""}} {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetBasicAuth(pair[0], pair[1])
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		check(t, w, 401, "")
		if w.Header().Get("WWW-Authenticate") != `Basic realm="admin"` {
			t.Fatalf("challenge %q", w.Header().Get("WWW-Authenticate"))
		}
	}
	check(t, do(e, "GET", "/", nil), 401, "")
}
