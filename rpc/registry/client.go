package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/gee-project/gee/rpc/xclient"
)

var httpClient = &http.Client{Timeout: 5 * time.Second}

// Register posts s to the registry at registryURL once.
func Register(ctx context.Context, registryURL string, s xclient.Server) error {
	body, _ := json.Marshal(s)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, registryURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	return do(req)
}

// Deregister removes addr from the registry.
func Deregister(ctx context.Context, registryURL, addr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, registryURL+"?addr="+url.QueryEscape(addr), nil)
	if err != nil {
		return err
	}
	return do(req)
}

func do(req *http.Request) error {
	resp, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("registry: %s %s: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("registry: %s %s: %s: %s", req.Method, req.URL, resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// Heartbeat registers s now and every interval until ctx ends, then
// deregisters it. The first registration's error is returned at once;
// later failures are retried at the next tick. It returns a channel closed
// when the heartbeat goroutine has finished.
func Heartbeat(ctx context.Context, registryURL string, s xclient.Server, interval time.Duration) (<-chan struct{}, error) {
	if err := Register(ctx, registryURL, s); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				dctx, cancel := context.WithTimeout(context.Background(), time.Second)
				_ = Deregister(dctx, registryURL, s.Addr)
				cancel()
				return
			case <-t.C:
				_ = Register(ctx, registryURL, s)
			}
		}
	}()
	return done, nil
}

// Discovery is an xclient.Discovery backed by a registry, caching the
// server list for Refresh (default 5s).
type Discovery struct {
	URL     string
	Refresh time.Duration

	mu      sync.Mutex
	servers []xclient.Server
	fetched time.Time
}

// NewDiscovery returns a Discovery of the registry at registryURL.
func NewDiscovery(registryURL string, refresh time.Duration) *Discovery {
	if refresh <= 0 {
		refresh = 5 * time.Second
	}
	return &Discovery{URL: registryURL, Refresh: refresh}
}

// Servers returns the cached list, refetching it when stale. If a refetch
// fails, the stale list is kept and returned with no error, unless there
// is none.
func (d *Discovery) Servers(ctx context.Context) ([]xclient.Server, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fetched.IsZero() || time.Since(d.fetched) >= d.Refresh {
		servers, err := fetch(ctx, d.URL)
		if err != nil && d.servers == nil {
			return nil, err
		}
		if err == nil {
			d.servers = servers
		}
		d.fetched = time.Now() // after a failure, keep the stale list until the next refresh

	}
	return slices.Clone(d.servers), nil
}

func fetch(ctx context.Context, registryURL string) ([]xclient.Server, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, registryURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("registry: GET %s: %w", registryURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("registry: GET %s: %s", registryURL, resp.Status)
	}
	var servers []xclient.Server
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&servers); err != nil {
		return nil, fmt.Errorf("registry: GET %s: bad JSON: %w", registryURL, err)
	}
	return servers, nil
}
