package dashboard

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestOnlyGetAndHead(t *testing.T) {
	h := newTestHandler(newFake(3, 3), -1)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		for _, p := range []string{"/dashboard", "/dashboard/api/summary", "/dashboard/api/regions", "/dashboard/api/replicas"} {
			w := do(t, h, m, p)
			if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d Allow %q, want 405 with Allow: GET, HEAD", m, p, w.Code, w.Header().Get("Allow"))
			}
		}
	}
	w := do(t, h, http.MethodHead, "/dashboard/api/summary")
	if w.Code != http.StatusOK || w.Header().Get("Content-Length") == "0" {
		t.Errorf("HEAD summary: %d, Content-Length %q", w.Code, w.Header().Get("Content-Length"))
	}
	if w := do(t, h, http.MethodGet, "/dashboard/nope"); w.Code != http.StatusNotFound {
		t.Errorf("unknown path: %d, want 404", w.Code)
	}
}

func TestBadParametersAreNamed(t *testing.T) {
	h := newTestHandler(newFake(3, 3), -1)
	cases := []struct{ path, mention string }{
		{"/dashboard/api/regions?limit=0", "limit"},
		{"/dashboard/api/regions?limit=501", "limit"},
		{"/dashboard/api/regions?limit=ten", "limit"},
		{"/dashboard/api/regions?offset=-1", "offset"},
		{"/dashboard/api/regions?offset=1e3", "offset"},
		{"/dashboard/api/regions?store=0", "store"},
		{"/dashboard/api/regions?store=s1", "store"},
		{"/dashboard/api/regions?key=a&offset=3", "key and offset"},
		{"/dashboard/api/regions?key=%22unterminated", "key"},
		{"/dashboard/api/regions?key=" + strings.Repeat("x", maxLookupKey+1), "key"},
		{"/dashboard/api/regions?limit=1&limit=2", "limit"},
		{"/dashboard/api/regions?colour=red", "colour"},
		{"/dashboard/api/summary?x=1", `"x"`},
		{"/dashboard/api/replicas?buckets=5", "buckets"},
		{"/dashboard?interval=50", "interval"},
		{"/dashboard?interval=abc", "interval"},
		{"/dashboard/api/regions?%zz", "query"},
	}
	for _, c := range cases {
		w := do(t, h, http.MethodGet, c.path)
		var e errorBody
		if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, c.mention) {
			t.Errorf("GET %s: %d %s; want 400 with an error naming %s", c.path, w.Code, w.Body, c.mention)
		}
	}
}

func TestHostileKeysAreNotMarkup(t *testing.T) {
	f := newFake(3, 3)
	evil := []byte(`<script>alert(1)</script><img src=x onerror=alert(2)>`)
	f.regions[1].StartKey = evil
	f.regions[0].EndKey = evil
	f.stores[0].Address = `<b onmouseover=alert(3)>`
	h := newTestHandler(f, -1)
	for _, p := range []string{"/dashboard/api/regions", "/dashboard/api/replicas", "/dashboard/api/summary"} {
		w := do(t, h, http.MethodGet, p)
		if strings.Contains(w.Body.String(), "<") || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s carries raw markup or lacks nosniff: %s", p, w.Body)
		}
	}
	var p regionsJSON
	getJSON(t, h, "/dashboard/api/regions", &p)
	if p.Regions[1].StartKey != string(evil) {
		t.Errorf("the key must still reach the page intact (as text): %q", p.Regions[1].StartKey)
	}
	js := do(t, h, http.MethodGet, "/dashboard/app.js").Body.String()
	for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(js, sink) {
			t.Errorf("app.js uses %s; the page must build its DOM with textContent", sink)
		}
	}
}

func TestPageAndAssets(t *testing.T) {
	h := newTestHandler(newFake(3, 3), -1)
	w := do(t, h, http.MethodGet, "/dashboard?interval=250")
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("page CSP %q, want own scripts only", csp)
	}
	for _, hook := range []string{`id="updated"`, `id="error"`, `id="stores-body"`, `id="regions-body"`, `src="/dashboard/app.js"`, `href="/dashboard/app.css"`} {
		if !strings.Contains(body, hook) {
			t.Errorf("page lacks %s", hook)
		}
	}
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Errorf("page refers to an external asset")
	}
	for path, ctype := range map[string]string{"/dashboard/app.js": "text/javascript", "/dashboard/app.css": "text/css", "/dashboard/": "text/html"} {
		w := do(t, h, http.MethodGet, path)
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), ctype) || w.Body.Len() == 0 {
			t.Errorf("GET %s: %d %q %d bytes", path, w.Code, w.Header().Get("Content-Type"), w.Body.Len())
		}
	}
	if w := do(t, h, http.MethodHead, "/dashboard"); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("HEAD page: %d with %d body bytes", w.Code, w.Body.Len())
	}
}
