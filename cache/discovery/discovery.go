// Package discovery finds a GeeCache cluster's members (peer base URLs)
// from a source of truth and keeps a pool's membership in step with it:
// a static list, DNS SRV records, or any Source. Membership changes swap
// the hash ring atomically; loads already in flight keep the peer they
// picked and finish normally.
package discovery

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A Source reports the current members as peer base URLs
// ("http://10.0.0.1:9000"), this node included.
type Source interface {
	Members(ctx context.Context) ([]string, error)
}

// Static is a fixed member list.
type Static []string

// Members implements Source.
func (s Static) Members(context.Context) ([]string, error) { return slices.Clone(s), nil }

// SRV reads members from DNS SRV records: each target:port becomes
// Scheme://target:port. Name is the full record name, for example
// "_geecache._tcp.cache.internal".
type SRV struct {
	Name   string
	Scheme string // default "http"
	// Lookup resolves the records (default net.DefaultResolver.LookupSRV
	// with empty service and proto, so Name is looked up as given).
	Lookup func(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
}

// Members implements Source.
func (s SRV) Members(ctx context.Context) ([]string, error) {
	lookup := s.Lookup
	if lookup == nil {
		lookup = net.DefaultResolver.LookupSRV
	}
	_, recs, err := lookup(ctx, "", "", s.Name)
	if err != nil {
		return nil, fmt.Errorf("discovery: SRV %s: %w", s.Name, err)
	}
	scheme := s.Scheme
	if scheme == "" {
		scheme = "http"
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		host := strings.TrimSuffix(r.Target, ".")
		if host == "" || r.Port == 0 {
			continue
		}
		out = append(out, scheme+"://"+net.JoinHostPort(host, strconv.Itoa(int(r.Port))))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("discovery: SRV %s: no usable records", s.Name)
	}
	return out, nil
}

// ErrEmpty is reported when a source answers with no members; the last
// good membership is kept rather than emptying the ring.
var ErrEmpty = errors.New("discovery: source returned no members")

// Watch asks src for members now and then every interval until ctx ends,
// calling set with the sorted list whenever it differs from the last one
// applied. A failed or empty answer keeps the current membership and is
// passed to onErr (if not nil). It returns when ctx ends.
func Watch(ctx context.Context, src Source, interval time.Duration, set func(members []string), onErr func(error)) {
	var last []string
	poll := func() {
		m, err := src.Members(ctx)
		if err == nil && len(m) == 0 {
			err = ErrEmpty
		}
		if err != nil {
			if onErr != nil && ctx.Err() == nil {
				onErr(err)
			}
			return
		}
		slices.Sort(m)
		m = slices.Compact(m)
		if !slices.Equal(m, last) {
			set(m)
			last = m
		}
	}
	poll()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			poll()
		}
	}
}
