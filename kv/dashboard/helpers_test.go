package dashboard

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// newTestHandler serves f with a fixed clock and no caching unless ttl is given.
func newTestHandler(f Source, ttl time.Duration) http.Handler {
	return New(f, Options{CacheTTL: ttl, Now: func() time.Time { return testNow }})
}

func do(t testing.TB, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w
}

// getJSON GETs path, wants 200, and decodes the body into v; it returns the body's size.
func getJSON(t testing.TB, h http.Handler, path string, v any) int {
	t.Helper()
	w := do(t, h, http.MethodGet, path)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, w.Body)
	}
	return w.Body.Len()
}
