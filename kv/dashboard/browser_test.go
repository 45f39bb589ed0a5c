package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/dashboard/headless"
)

var (
	storeRowRE  = regexp.MustCompile(`<tr [^>]*data-store-id="(\d+)"[^>]*>`)
	attrRE      = regexp.MustCompile(`data-([a-z-]+)="([^"]*)"`)
	regionRowRE = regexp.MustCompile(`<tr [^>]*data-region-id="\d+"`)
	updatedRE   = regexp.MustCompile(`<span id="updated"[^>]*>([^<]*)</span>`)
	errorRE     = regexp.MustCompile(`<div id="error"[^>]*>([^<]*)</div>`)
)

// storeRows returns each rendered store row's data-* attributes by store id.
func storeRows(dom string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, m := range storeRowRE.FindAllStringSubmatch(dom, -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(m[0], -1) {
			attrs[a[1]] = a[2]
		}
		out[m[1]] = attrs
	}
	return out
}

// browserFixture serves a fake cluster's dashboard on 127.0.0.1 for a headless browser.
type browserFixture struct {
	t            *testing.T
	f            *fakeSource
	url          string
	failReplicas atomic.Bool // answer /api/replicas with 500
	failed       bool
}

func newBrowserFixture(t *testing.T, f *fakeSource) *browserFixture {
	if _, err := headless.Find(); err != nil {
		t.Skipf("no browser for the real-browser test: %v", err)
	}
	b := &browserFixture{t: t, f: f}
	dash := New(f, Options{CacheTTL: -1})
	mux := http.NewServeMux()
	mux.HandleFunc("/dashboard/", func(w http.ResponseWriter, r *http.Request) {
		if b.failReplicas.Load() && r.URL.Path == "/dashboard/api/replicas" {
			http.Error(w, `{"error":"injected failure"}`, http.StatusInternalServerError)
			return
		}
		dash.ServeHTTP(w, r)
	})
	mux.Handle("/dashboard", dash)
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	b.url = srv.URL + "/dashboard?interval=200"
	t.Cleanup(func() {
		if b.failed {
			saveScreenshot(t, b.url)
		}
		srv.Close()
	})
	return b
}

// load returns the page's DOM after 1.5 s of virtual time (several refreshes).
func (b *browserFixture) load(step string) string {
	b.t.Helper()
	return b.loadFor(step, 1500*time.Millisecond)
}

// loadFor returns the page's DOM after budget of virtual time; it fails the test if the browser
// has not finished within 15 s of real time.
func (b *browserFixture) loadFor(step string, budget time.Duration) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	dom, err := headless.DumpDOM(ctx, b.url, budget)
	if err != nil {
		b.failed = true
		b.t.Fatalf("%s: %v", step, err)
	}
	return dom
}

// check wants the store rows' state, replicas and leaders, #updated set, #error empty, a full
// page of region rows.
func (b *browserFixture) check(step, dom string, want map[string][3]string) {
	b.t.Helper()
	rows := storeRows(dom)
	ok := len(rows) == len(want)
	for id, w := range want {
		r := rows[id]
		ok = ok && r["store-state"] == w[0] && r["replicas"] == w[1] && r["leaders"] == w[2]
	}
	up := updatedRE.FindStringSubmatch(dom)
	er := errorRE.FindStringSubmatch(dom)
	if !ok || up == nil || strings.TrimSpace(up[1]) == "" || er == nil || er[1] != "" {
		b.t.Errorf("%s: store rows %v, want state/replicas/leaders %v; #updated %q, #error %q", step, rows, want, up, er)
		b.failed = true
	}
	if n := len(regionRowRE.FindAllString(dom, -1)); n != DefaultRegionsLimit {
		b.t.Errorf("%s: %d region rows, want a page of %d", step, n, DefaultRegionsLimit)
		b.failed = true
	}
}

// TestBrowserRendersLiveStores loads the page in headless Chromium against a fake cluster, twice
// with a change in between, and once with a failing API.
func TestBrowserRendersLiveStores(t *testing.T) {
	f := newFake(5, 300)
	f.stores[2].Health = HealthDisconnected
	b := newBrowserFixture(t, f)
	b.check("first load", b.load("first load"), map[string][3]string{
		"1": {"up", "180", "60"}, "2": {"up", "180", "60"}, "3": {"disconnected", "180", "60"},
		"4": {"up", "180", "60"}, "5": {"up", "180", "60"},
	})

	f.mu.Lock()
	f.regions = f.regions[:200] // the last region now ends at k000200: fine for the dashboard
	f.mu.Unlock()
	f.setHealth(3, HealthUp)
	f.setHealth(4, HealthDown)
	f.setHealth(5, HealthTombstone)
	b.check("after the change", b.load("after the change"), map[string][3]string{
		"1": {"up", "120", "40"}, "2": {"up", "120", "40"}, "3": {"up", "120", "40"},
		"4": {"down", "120", "40"}, "5": {"tombstone", "120", "40"},
	})

	b.failReplicas.Store(true)
	dom := b.load("failing API")
	if er := errorRE.FindStringSubmatch(dom); er == nil || !strings.Contains(er[1], "replicas") || !strings.Contains(er[1], "500") {
		t.Errorf("failing API: #error %q, want it to name /dashboard/api/replicas and HTTP 500", er)
		b.failed = true
	}
}

// saveScreenshot keeps a picture of the page for a failed browser test.
func saveScreenshot(t *testing.T, url string) {
	dir := os.Getenv("TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, "dashboard-"+strings.ReplaceAll(t.Name(), "/", "_")+".png")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := headless.Screenshot(ctx, url, file); err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	t.Logf("screenshot of the failing page: %s", file)
}
