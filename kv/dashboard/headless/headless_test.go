package headless

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFindWithoutBrowserSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Find()
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "apt-get install -y chromium") {
		t.Fatalf("Find with an empty PATH: %v, want ErrNotFound saying how to install", err)
	}
	if _, err := DumpDOM(context.Background(), "http://127.0.0.1:1/", time.Second); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DumpDOM with no browser: %v, want ErrNotFound", err)
	}
}

func TestDumpDOMRunsScriptsAndScreenshot(t *testing.T) {
	if _, err := Find(); err != nil {
		t.Skip(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><body><p id="p">before</p><script>
setTimeout(() => { document.getElementById("p").textContent = "after 800ms"; }, 800);</script></body>`))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	dom, err := DumpDOM(ctx, srv.URL, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dom, `<p id="p">after 800ms</p>`) {
		t.Fatalf("DOM after 2 s of virtual time lacks the timer's text:\n%s", dom)
	}
	file := filepath.Join(t.TempDir(), "page.png")
	if err := Screenshot(ctx, srv.URL, file); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Fatalf("screenshot is not a PNG (%v)", err)
	}
}
