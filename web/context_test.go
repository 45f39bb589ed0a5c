package web

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestErrorsCollectedAndLogged(t *testing.T) {
	var logs bytes.Buffer
	e := New()
	e.Use(Logger(&LoggerConfig{Logger: slog.New(slog.NewTextHandler(&logs, nil))}))
	e.GET("/e", func(c *Context) {
		c.Error(errors.New("db down")).Type = ErrorTypePublic
		c.Error(nil) // ignored, not a panic
		c.Error(errors.New("cache miss"))
		if len(c.Errors) != 2 || c.Errors.Last().Error() != "cache miss" || c.Errors[0].Type != ErrorTypePublic {
			t.Errorf("errors %v", c.Errors)
		}
		c.String(500, "x")
	})
	do(t, e, "GET", "/e", nil)
	if !strings.Contains(logs.String(), `errors="db down\ncache miss"`) || !strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("log %q", logs.String())
	}
}

func TestKeysAndContextValue(t *testing.T) {
	e := New()
	e.GET("/k", func(c *Context) {
		c.Set("user", "ann")
		v, ok := c.Get("user")
		if !ok || v != "ann" || c.MustGet("user") != "ann" || c.GetString("user") != "ann" || c.Value("user") != "ann" {
			t.Errorf("keys broken: %v %v", v, ok)
		}
		if _, ok := c.Get("none"); ok {
			t.Error("missing key found")
		}
		c.String(200, "%s", c.HandlerName())
	})
	expect(t, do(t, e, "GET", "/k", nil), 200, "TestKeysAndContextValue")
	// Keys do not leak into the next request served by the same pooled Context.
	e.GET("/k2", func(c *Context) {
		if _, ok := c.Get("user"); ok {
			t.Error("key leaked across requests")
		}
	})
	do(t, e, "GET", "/k2", nil)
}

func TestMoreRenderers(t *testing.T) {
	e := New()
	e.GET("/ij", func(c *Context) { c.IndentedJSON(200, H{"a": 1}) })
	e.GET("/reader", func(c *Context) {
		c.DataFromReader(200, 5, "text/plain", strings.NewReader("hello world"), map[string]string{"X-Extra": "1"})
	})
	e.GET("/attach", func(c *Context) { c.FileAttachment("testdata/public/app.css", "style.css") })
	e.GET("/badredirect", func(c *Context) { c.Redirect(200, "/x") })
	expect(t, do(t, e, "GET", "/ij", nil), 200, "{\n    \"a\": 1\n}")
	w := do(t, e, "GET", "/reader", nil)
	expect(t, w, 200, "")
	if w.Body.String() != "hello" || w.Header().Get("X-Extra") != "1" || w.Header().Get("Content-Length") != "5" {
		t.Fatalf("DataFromReader: %q %v", w.Body.String(), w.Header())
	}
	w = do(t, e, "GET", "/attach", nil)
	expect(t, w, 200, "body{}")
	if w.Header().Get("Content-Disposition") != `attachment; filename="style.css"` {
		t.Fatalf("disposition %q", w.Header().Get("Content-Disposition"))
	}
	expect(t, do(t, e, "GET", "/badredirect", nil), 500, "")
}
