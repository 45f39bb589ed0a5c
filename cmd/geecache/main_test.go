package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
)

func TestParseGroups(t *testing.T) {
	specs, err := parseGroups("a:64MB, b:512KB,c:100")
	if err != nil || len(specs) != 3 || specs[0].capacity != 64<<20 || specs[1].capacity != 512<<10 || specs[2].capacity != 100 {
		t.Fatalf("parseGroups = %+v, %v", specs, err)
	}
	for _, bad := range []string{"", "a", "a:-1MB", "a:lots", "a:1MB,a:2MB", ":1MB"} {
		if _, err := parseGroups(bad); err == nil {
			t.Errorf("parseGroups(%q) accepted", bad)
		}
	}
}

func newTestNode(t *testing.T) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	os.WriteFile(filepath.Join(dir, "docs", "readme"), []byte("hello from disk"), 0o644)
	srv := httptest.NewUnstartedServer(nil)
	self := "http://" + srv.Listener.Addr().String()
	pool := httppool.New(self, httppool.Options{})
	pool.Set(self)
	a := newAPI(pool)
	g := cache.NewGroup("docs", 1<<20, fileGetter(dir, "docs"))
	pool.Register(g)
	a.add(g)
	srv.Config.Handler = a
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAPI(t *testing.T) {
	srv := newTestNode(t)
	u := srv.URL
	if code, body := do(t, "GET", u+"/api/docs/readme", ""); code != 200 || body != "hello from disk" {
		t.Fatalf("GET from source = %d %q", code, body)
	}
	if code, _ := do(t, "GET", u+"/api/docs/missing", ""); code != 404 {
		t.Fatalf("missing key = %d, want 404", code)
	}
	if code, _ := do(t, "GET", u+"/api/docs/..%2Fetc", ""); code != 404 {
		t.Fatalf("path traversal key = %d, want 404", code)
	}
	if code, _ := do(t, "GET", u+"/api/nope/k", ""); code != 404 {
		t.Fatalf("unknown group = %d", code)
	}
	if code, body := do(t, "PUT", u+"/api/docs/new?ttl=1h", "put value"); code != 200 {
		t.Fatalf("PUT = %d %s", code, body)
	}
	if code, body := do(t, "GET", u+"/api/docs/new", ""); code != 200 || body != "put value" {
		t.Fatalf("GET after PUT = %d %q", code, body)
	}
	if code, _ := do(t, "PUT", u+"/api/docs/x?ttl=forever", "v"); code != 400 {
		t.Fatalf("bad ttl = %d", code)
	}
	if code, _ := do(t, "DELETE", u+"/api/docs/new", ""); code != 200 {
		t.Fatalf("DELETE = %d", code)
	}
	if code, _ := do(t, "GET", u+"/api/docs/new", ""); code != 404 {
		t.Fatalf("GET after DELETE = %d, want 404 (not in source)", code)
	}
	code, body := do(t, "GET", u+"/stats", "")
	if code != 200 || !strings.Contains(body, `"docs"`) || !strings.Contains(body, `"gets"`) {
		t.Fatalf("/stats = %d %s", code, body)
	}
}
