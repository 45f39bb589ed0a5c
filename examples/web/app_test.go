package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/web"
)

// TestAppOverListener drives the app through a real listener on 127.0.0.1.
func TestAppOverListener(t *testing.T) {
	app, err := newApp(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- web.Serve(ctx, ln, app) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	cl := &http.Client{Timeout: 5 * time.Second}
	call := func(method, path, body string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}

	code, body, _ := call("POST", "/api/notes", `{"title":"Buy <milk>","body":"2 litres"}`)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var n Note
	if err := json.Unmarshal([]byte(body), &n); err != nil || n.ID != 1 || n.Title != "Buy <milk>" {
		t.Fatalf("created %s (%v)", body, err)
	}
	if code, body, _ = call("POST", "/api/notes", `{"body":"no title"}`); code != 400 || !strings.Contains(body, `{"field":"title","rule":"required"}`) {
		t.Fatalf("invalid note: %d %s", code, body)
	}
	if code, body, _ = call("GET", "/api/notes", ""); code != 200 || !strings.Contains(body, `"title":"Buy \u003cmilk\u003e"`) {
		t.Fatalf("list: %d %s", code, body)
	}
	code, body, hdr := call("GET", "/", "")
	if code != 200 || !strings.Contains(body, `<a href="/notes/1">Buy &lt;milk&gt;</a>`) || hdr.Get("X-Request-Id") == "" {
		t.Fatalf("index: %d %s", code, body)
	}
	if code, body, _ = call("GET", "/notes/1", ""); code != 200 || !strings.Contains(body, "2 litres") {
		t.Fatalf("note page: %d %s", code, body)
	}
	if code, _, _ = call("GET", "/notes/abc", ""); code != 404 {
		t.Fatalf("non-numeric id: %d", code)
	}
	if code, body, _ = call("GET", "/static/style.css", ""); code != 200 || !strings.Contains(body, "font-family") {
		t.Fatalf("static: %d %s", code, body)
	}
	if code, _, _ = call("GET", "/static/../app.go", ""); code == 200 {
		t.Fatal("static traversal served a file")
	}
	if code, _, _ = call("DELETE", "/api/notes/1", ""); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code, _, _ = call("GET", "/api/notes/1", ""); code != 404 {
		t.Fatalf("deleted note: %d", code)
	}
	if code, _, hdr = call("PUT", "/api/notes", ""); code != 405 || !strings.Contains(hdr.Get("Allow"), "POST") {
		t.Fatalf("PUT /api/notes: %d Allow=%q", code, hdr.Get("Allow"))
	}
}
