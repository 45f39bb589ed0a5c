// Package xclient is GeeRPC's cluster client: service discovery, load
// balancing selectors, fail modes (fail-fast, failover, retry with backoff),
// hedged requests, per-server circuit breakers, Broadcast and Fork.
package xclient

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
)

// Server is one discovered server. Addr is "host:port" or
// "network@host:port" (network defaults to tcp).
type Server struct {
	Addr   string            `json:"addr"`
	Weight int               `json:"weight,omitempty"` // for weighted round-robin; <=0 means 1
	Meta   map[string]string `json:"meta,omitempty"`
}

// Discovery yields the current set of servers.
type Discovery interface {
	Servers(ctx context.Context) ([]Server, error)
}

// ErrNoServers is returned when discovery yields nothing usable.
var ErrNoServers = errors.New("xclient: no servers available")

// Static is a fixed, updatable server list.
type Static struct {
	mu      sync.RWMutex
	servers []Server
}

// NewStatic returns a Discovery over addrs, each with weight 1.
func NewStatic(addrs ...string) *Static {
	s := &Static{}
	for _, a := range addrs {
		s.servers = append(s.servers, Server{Addr: a, Weight: 1})
	}
	return s
}

// Servers returns a copy of the list.
func (s *Static) Servers(context.Context) ([]Server, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.servers), nil
}

// Update replaces the list.
func (s *Static) Update(servers []Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.servers = slices.Clone(servers)
}

// splitAddr turns "network@addr" into its parts.
func splitAddr(a string) (network, addr string) {
	if n, rest, ok := strings.Cut(a, "@"); ok {
		return n, rest
	}
	return "tcp", a
}
