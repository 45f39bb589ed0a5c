package dashboard

import (
	"embed"
	"net/http"
	"strings"
	"time"
)

//go:embed assets/index.html assets/app.js assets/app.css
var assets embed.FS

// Defaults for Options.
const (
	DefaultCacheTTL      = 500 * time.Millisecond
	DefaultOperatorLimit = 20
)

// Response bounds: the APIs answer in a size that does not grow with the region count.
const (
	MaxBuckets          = 120 // the most buckets /api/replicas returns
	DefaultRegionsLimit = 100 // regions per /api/regions page without limit=
	MaxRegionsLimit     = 500 // the largest limit= /api/regions accepts
)

// Options configures New. Zero fields take the defaults.
type Options struct {
	// CacheTTL is how long one read of the Source answers every request; default
	// DefaultCacheTTL, negative: read the Source on every request (tests).
	CacheTTL time.Duration
	// OperatorLimit is how many recent operators the summary lists; default DefaultOperatorLimit.
	OperatorLimit int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// New returns the dashboard handler. It serves paths under /dashboard, so mount it with
// mux.Handle("/dashboard", h) and mux.Handle("/dashboard/", h):
//
//	GET /dashboard                the page (?interval=ms sets the refresh period, 100..60000)
//	GET /dashboard/app.js, app.css
//	GET /dashboard/api/summary    cluster id, stores with counts and rates, totals, recent operators
//	GET /dashboard/api/regions    ?offset=&limit=&store=&key= a page of regions in key order
//	GET /dashboard/api/replicas   replica and leader counts per store over ≤ MaxBuckets key ranges
//
// Only GET and HEAD are allowed (405 otherwise); bad query parameters get 400 naming them.
func New(src Source, opts Options) http.Handler {
	if opts.CacheTTL == 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.OperatorLimit <= 0 {
		opts.OperatorLimit = DefaultOperatorLimit
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &handler{snaps: &snapshots{src: src, ttl: opts.CacheTTL, now: opts.Now, opLimit: opts.OperatorLimit}}
	return h
}

type handler struct {
	snaps *snapshots
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		httpError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: use GET or HEAD")
		return
	}
	switch p := strings.TrimSuffix(r.URL.Path, "/"); p {
	case "/dashboard":
		h.page(w, r)
	case "/dashboard/app.js":
		h.asset(w, r, "assets/app.js", "text/javascript; charset=utf-8")
	case "/dashboard/app.css":
		h.asset(w, r, "assets/app.css", "text/css; charset=utf-8")
	case "/dashboard/api/summary":
		h.summary(w, r)
	case "/dashboard/api/regions":
		h.regions(w, r)
	case "/dashboard/api/replicas":
		h.replicas(w, r)
	default:
		httpError(w, http.StatusNotFound, "no such dashboard path: "+r.URL.Path)
	}
}

// contentPolicy lets the page load only its own script, style and API.
const contentPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (h *handler) page(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "interval")
	if err == nil {
		_, err = q.intParam("interval", 1000, 100, 60000)
	}
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Security-Policy", contentPolicy)
	h.asset(w, r, "assets/index.html", "text/html; charset=utf-8")
}

func (h *handler) asset(w http.ResponseWriter, r *http.Request, name, ctype string) {
	b, err := assets.ReadFile(name)
	if err != nil { // cannot happen: the files are embedded
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b)
}
