package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
)

const maxValueBytes = 64 << 20

// api routes the client API and /stats; everything else goes to the peer
// pool.
type api struct {
	pool   *httppool.Pool
	groups map[string]*cache.Group
	names  []string
}

func newAPI(pool *httppool.Pool) *api {
	return &api{pool: pool, groups: map[string]*cache.Group{}}
}

func (a *api) add(g *cache.Group) {
	a.groups[g.Name()] = g
	a.names = append(a.names, g.Name())
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/stats":
		a.stats(w)
	case strings.HasPrefix(r.URL.Path, "/api/"):
		a.serveKey(w, r)
	default:
		a.pool.ServeHTTP(w, r)
	}
}

func (a *api) stats(w http.ResponseWriter) {
	out := map[string]cache.Stats{}
	for _, n := range a.names {
		out[n] = a.groups[n].Stats()
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (a *api) serveKey(w http.ResponseWriter, r *http.Request) {
	name, key, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	if !ok || key == "" {
		http.Error(w, "want /api/<group>/<key>", http.StatusBadRequest)
		return
	}
	g := a.groups[name]
	if g == nil {
		http.Error(w, "no such group: "+name, http.StatusNotFound)
		return
	}
	switch r.Method {
	case http.MethodGet:
		v, err := g.Get(r.Context(), key)
		if err != nil {
			code := http.StatusInternalServerError
			switch {
			case errors.Is(err, cache.ErrNotFound):
				code = http.StatusNotFound
			case errors.Is(err, cache.ErrOwnerLoad):
				code = http.StatusBadGateway // the owner's getter failed
			}
			http.Error(w, err.Error(), code)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = io.WriteString(w, v.String())
	case http.MethodPut:
		a.put(w, r, g, key)
	case http.MethodDelete:
		if err := g.Remove(r.Context(), key); err != nil {
			http.Error(w, "removed locally; "+err.Error(), http.StatusBadGateway)
		}
	default:
		w.Header().Set("Allow", "GET, PUT, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// put stores the body; an optional ?ttl=30s sets an expiry.
func (a *api) put(w http.ResponseWriter, r *http.Request, g *cache.Group, key string) {
	var expire time.Time
	if s := r.URL.Query().Get("ttl"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			http.Error(w, "bad ttl "+s+": want a positive duration like 30s", http.StatusBadRequest)
			return
		}
		expire = time.Now().Add(d)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxValueBytes+1))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(body) > maxValueBytes {
		http.Error(w, "value larger than 64MB", http.StatusRequestEntityTooLarge)
		return
	}
	if err := g.Set(r.Context(), key, body, expire); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
	}
}
