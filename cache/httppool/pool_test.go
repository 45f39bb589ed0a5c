package httppool

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/cachepb"
)

// stubOwner is a fake owner answering every GET with the given handler.
func stubOwner(t *testing.T, h http.HandlerFunc) (*cache.Group, *atomic.Int32) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	var local atomic.Int32
	g := cache.NewGroup("g", 1<<20, cache.GetterFunc(func(_ context.Context, key string) ([]byte, time.Time, error) {
		local.Add(1)
		return []byte("local"), time.Time{}, nil
	}))
	p := New("http://self.invalid", Options{Timeout: 200 * time.Millisecond, MaxValueBytes: 1024})
	p.Set(srv.URL) // the stub owns every key
	p.Register(g)
	return g, &local
}

func TestBadPeerResponsesFallBackToLocalLoad(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"corrupt": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte{0x0a, 0x7f, 1}) },
		"oversized": func(w http.ResponseWriter, r *http.Request) {
			w.Write((&cachepb.GetResponse{Value: make([]byte, 4096)}).Marshal(nil))
		},
		"503": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		},
		"slow": func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done() // never answers before the client gives up
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			g, local := stubOwner(t, h)
			v, err := g.Get(ctx, "k")
			if err != nil || v.String() != "local" || local.Load() != 1 {
				t.Fatalf("Get = %q, %v (local loads %d); want local fallback", v.String(), err, local.Load())
			}
			if g.Stats().PeerErrors != 1 {
				t.Fatalf("peer error not counted: %+v", g.Stats())
			}
		})
	}
}

// A 500 means the owner is up and its getter failed: the error goes back
// to the caller instead of repeating the load here.
func TestOwnerLoadErrorIsReturnedNotRetriedLocally(t *testing.T) {
	g, local := stubOwner(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "key not in db", http.StatusInternalServerError)
	})
	_, err := g.Get(ctx, "k")
	if !errors.Is(err, cache.ErrOwnerLoad) || !strings.Contains(err.Error(), "key not in db") {
		t.Fatalf("err = %v, want ErrOwnerLoad carrying the owner's message", err)
	}
	if local.Load() != 0 || g.Stats().LoadErrors != 1 || g.Stats().PeerErrors != 0 {
		t.Fatalf("local loads %d, stats %+v", local.Load(), g.Stats())
	}
}

func TestServerRejectsBadRequests(t *testing.T) {
	p := New("http://self", Options{})
	p.Register(cache.NewGroup("g", 1<<10, cache.GetterFunc(func(_ context.Context, key string) ([]byte, time.Time, error) {
		return []byte(key), time.Time{}, nil
	})))
	cases := []struct {
		method, path string
		code         int
	}{
		{"GET", "/other/g/k", 400},
		{"GET", "/_groupcache/g", 400},
		{"GET", "/_groupcache/nope/k", 404},
		{"POST", "/_groupcache/g/k", 405},
		{"GET", "/_groupcache/g/a%2Fb", 200},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.code {
			t.Errorf("%s %s = %d, want %d (%s)", c.method, c.path, rec.Code, c.code, strings.TrimSpace(rec.Body.String()))
		}
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest("GET", "/_groupcache/g/a%2Fb", nil))
	var resp cachepb.GetResponse
	if err := resp.Unmarshal(rec.Body.Bytes(), 0); err != nil || string(resp.Value) != "a/b" {
		t.Fatalf("escaped key: %q, %v", resp.Value, err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/x-protobuf" {
		t.Fatalf("content type %q", ct)
	}
	rec = httptest.NewRecorder()
	req := httptest.NewRequest("PUT", "/_groupcache/g/k", strings.NewReader("v"))
	req.Header.Set(ExpireHeader, "soon")
	p.ServeHTTP(rec, req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), ExpireHeader) {
		t.Fatalf("bad expiry header: %d %s", rec.Code, rec.Body.String())
	}
}
