package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
)

// api serves clients: /api/<group>/<key>, /stats and a status page at /.
// The peer protocol is not here: it has its own listener.
type api struct {
	self    string
	metrics http.Handler // Prometheus exposition of every group's counters
	log     *slog.Logger
	groups  map[string]*cache.Group
	names   []string
}

func newAPI(self string, log *slog.Logger) *api {
	return &api{self: self, log: log, groups: map[string]*cache.Group{}}
}

func (a *api) add(g *cache.Group) {
	a.groups[g.Name()] = g
	a.names = append(a.names, g.Name())
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/":
		a.status(w)
	case r.URL.Path == "/stats":
		a.stats(w)
	case r.URL.Path == "/metrics":
		a.metrics.ServeHTTP(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/"):
		a.serveKey(w, r)
	default:
		http.Error(w, fmt.Sprintf("no such endpoint %q: the API is /api/<group>/<key>, /stats, /metrics, and / for status", r.URL.Path), http.StatusNotFound)
	}
}

func (a *api) status(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>geecache</title><h1>geecache node %s</h1>\n<table><tr><th>group<th>entry limit<th>entries<th>bytes<th>gets<th>hits</tr>\n", html.EscapeString(a.self))
	for _, n := range a.names {
		g := a.groups[n]
		st := g.Stats()
		fmt.Fprintf(w, "<tr><td>%s<td>%d<td>%d<td>%d<td>%d<td>%d</tr>\n", html.EscapeString(n), g.MaxEntryBytes(),
			st.MainEntries+st.HotEntries, st.MainBytes+st.HotBytes, st.Gets, st.Hits)
	}
	fmt.Fprint(w, "</table>\n<p>GET/PUT/DELETE /api/&lt;group&gt;/&lt;key&gt; (PUT ?ttl=30s), GET <a href=\"/stats\">/stats</a> (JSON), <a href=\"/metrics\">/metrics</a> (Prometheus).</p>\n")
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
		http.Error(w, fmt.Sprintf("no such group: %q", name), http.StatusNotFound)
		return
	}
	if len(key) > cache.MaxKeyBytes {
		http.Error(w, fmt.Sprintf("key %s: %v", cache.QuoteKey(key), cache.ErrKeyTooLong), http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodGet:
		a.get(w, r, g, key)
	case http.MethodPut:
		a.put(w, r, g, key)
	case http.MethodDelete:
		if err := g.Remove(r.Context(), key); err != nil {
			a.log.Warn("remove reached not every peer", "group", name, "key", cache.QuoteKey(key), "err", err)
			http.Error(w, fmt.Sprintf("key %s: removed here and at the peers that answered; some peers could not be reached", cache.QuoteKey(key)), http.StatusBadGateway)
		}
	default:
		w.Header().Set("Allow", "GET, PUT, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// get answers with the value, or an error naming the key and what went
// wrong; details that could expose the server (paths, peers' messages)
// only go to the log.
func (a *api) get(w http.ResponseWriter, r *http.Request, g *cache.Group, key string) {
	v, err := g.Get(r.Context(), key)
	if err == nil {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = io.WriteString(w, v.String())
		return
	}
	q := cache.QuoteKey(key)
	switch {
	case errors.Is(err, cache.ErrNotFound):
		http.Error(w, fmt.Sprintf("key %s not found in group %q", q, g.Name()), http.StatusNotFound)
		return
	case errors.Is(err, cache.ErrKeyTooLong):
		http.Error(w, fmt.Sprintf("key %s: %v", q, cache.ErrKeyTooLong), http.StatusBadRequest)
		return
	}
	a.log.Error("get failed", "group", g.Name(), "key", q, "err", err)
	if errors.Is(err, cache.ErrOwnerLoad) {
		http.Error(w, fmt.Sprintf("key %s: its owner failed to load it", q), http.StatusBadGateway)
		return
	}
	http.Error(w, fmt.Sprintf("key %s: loading failed", q), http.StatusInternalServerError)
}

// put stores the body; an optional ?ttl=30s sets an expiry. 200 means the
// owner stored it; 413 gives the entry limit; 504 means the owner did not
// answer and the write may or may not have been applied.
func (a *api) put(w http.ResponseWriter, r *http.Request, g *cache.Group, key string) {
	q := cache.QuoteKey(key)
	var expire time.Time
	if s := r.URL.Query().Get("ttl"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			http.Error(w, fmt.Sprintf("bad ttl %q: want a positive duration like 30s", s), http.StatusBadRequest)
			return
		}
		expire = time.Now().Add(d)
	}
	limit := g.MaxEntryBytes() - int64(len(key))
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if int64(len(body)) > limit {
		tooLarge(w, &cache.TooLargeError{Key: key, Size: int64(len(key)) + limit + 1, Limit: g.MaxEntryBytes()}, true)
		return
	}
	err = g.Set(r.Context(), key, body, expire)
	var tl *cache.TooLargeError
	switch {
	case err == nil:
	case errors.As(err, &tl):
		tooLarge(w, tl, false)
	case errors.Is(err, cache.ErrMaybeApplied):
		a.log.Warn("put: owner did not answer", "group", g.Name(), "key", q, "err", err)
		w.Header().Set("X-Geecache-Write", "unknown")
		http.Error(w, fmt.Sprintf("key %s: the owner did not answer in time; the write may or may not have been applied (PUT is idempotent: repeat it, or DELETE the key)", q), http.StatusGatewayTimeout)
	default:
		a.log.Error("put failed", "group", g.Name(), "key", q, "err", err)
		http.Error(w, fmt.Sprintf("key %s: the owner refused or could not be reached; the write was not applied", q), http.StatusBadGateway)
	}
}

func tooLarge(w http.ResponseWriter, e *cache.TooLargeError, atLeast bool) {
	w.Header().Set(httppool.LimitHeader, strconv.FormatInt(e.Limit, 10))
	msg := e.Error()
	if atLeast {
		msg = fmt.Sprintf("key %s: key and value exceed the entry limit of %d bytes", cache.QuoteKey(e.Key), e.Limit)
	}
	http.Error(w, msg, http.StatusRequestEntityTooLarge)
}
