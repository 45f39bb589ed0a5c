// Package registry is GeeRPC's service registry: servers register over HTTP
// with a TTL and keep their entry alive by heartbeats; clients discover the
// live set. cmd/geerpc-registry runs one.
package registry

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gee-project/gee/rpc/xclient"
)

// DefaultPath is where the registry's HTTP API lives.
const DefaultPath = "/_geerpc_/registry"

// DefaultTTL is how long an entry lives without a heartbeat.
const DefaultTTL = 10 * time.Second

// Registry holds the live servers. It is an http.Handler:
//
//	POST   {"addr":..., "weight":..., "meta":{...}}  register or heartbeat
//	DELETE ?addr=...                                  deregister
//	GET                                               JSON array of live servers
type Registry struct {
	ttl time.Duration
	now func() time.Time // replaceable in tests

	mu      sync.Mutex
	servers map[string]entry
}

type entry struct {
	server   xclient.Server
	lastSeen time.Time
}

// New returns a Registry whose entries expire ttl after their last
// heartbeat (DefaultTTL if ttl <= 0).
func New(ttl time.Duration) *Registry {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Registry{ttl: ttl, now: time.Now, servers: map[string]entry{}}
}

// Put registers s or refreshes its heartbeat.
func (r *Registry) Put(s xclient.Server) error {
	if s.Addr == "" || strings.ContainsAny(s.Addr, " \t\r\n") {
		return fmt.Errorf("registry: invalid server address %q", s.Addr)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.servers[s.Addr] = entry{server: s, lastSeen: r.now()}
	return nil
}

// Remove deregisters addr.
func (r *Registry) Remove(addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.servers, addr)
}

// Alive returns the servers heard from within the TTL, sorted by address,
// and forgets the rest.
func (r *Registry) Alive() []xclient.Server {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	out := []xclient.Server{}
	for addr, e := range r.servers {
		if now.Sub(e.lastSeen) > r.ttl {
			delete(r.servers, addr)
			continue
		}
		out = append(out, e.server)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr < out[j].Addr })
	return out
}

// ServeHTTP implements the registry API.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch req.Method {
	case http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(r.Alive())
	case http.MethodPost:
		var s xclient.Server
		dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, 64<<10))
		if err := dec.Decode(&s); err != nil {
			http.Error(w, "registry: bad server JSON: "+err.Error(), http.StatusBadRequest)
			return
		}
		if err := r.Put(s); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		addr := req.URL.Query().Get("addr")
		if addr == "" {
			http.Error(w, "registry: DELETE needs ?addr=", http.StatusBadRequest)
			return
		}
		r.Remove(addr)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		http.Error(w, "registry: method not allowed", http.StatusMethodNotAllowed)
	}
}
