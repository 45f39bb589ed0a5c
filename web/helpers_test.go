package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// do sends one request through h and returns the recorded response.
func do(t testing.TB, h http.Handler, method, target string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func expect(t testing.TB, w *httptest.ResponseRecorder, code int, body string) {
	t.Helper()
	if w.Code != code {
		t.Fatalf("status %d, want %d (body %q)", w.Code, code, w.Body.String())
	}
	if body != "" && !strings.Contains(w.Body.String(), body) {
		t.Fatalf("body %q does not contain %q", w.Body.String(), body)
	}
}
