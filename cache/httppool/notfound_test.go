package httppool

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/cachepb"
)

// A key the owner's getter reports missing must reach the requester as
// ErrNotFound, over a single GET and inside a batch, without a local load.
func TestNotFoundCrossesTheWire(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	self := "http://" + srv.Listener.Addr().String()
	owner := New(self, Options{})
	owner.Set(self)
	owner.Register(cache.NewGroup("g", 1<<20, cache.GetterFunc(func(_ context.Context, k string) ([]byte, time.Time, error) {
		if k == "missing" {
			return nil, time.Time{}, fmt.Errorf("no row: %w", cache.ErrNotFound)
		}
		return []byte("v"), time.Time{}, nil
	})))
	srv.Config.Handler = owner
	srv.Start()
	defer srv.Close()

	p := New("http://self.invalid", Options{})
	p.Set(srv.URL)
	var localLoads int
	g := cache.NewGroup("g", 1<<20, cache.GetterFunc(func(context.Context, string) ([]byte, time.Time, error) {
		localLoads++
		return []byte("local"), time.Time{}, nil
	}))
	p.Register(g)
	if _, err := g.Get(ctx, "missing"); !errors.Is(err, cache.ErrNotFound) || !errors.Is(err, cache.ErrOwnerLoad) {
		t.Fatalf("single GET: err = %v, want ErrNotFound from the owner", err)
	}
	if localLoads != 0 {
		t.Fatal("a missing key was loaded locally too")
	}

	peer := p.ring.Load().peers[srv.URL]
	batch := []*pending{
		{req: cachepb.GetRequest{Group: "g", Key: "missing"}, done: make(chan result, 1)},
		{req: cachepb.GetRequest{Group: "g", Key: "present"}, done: make(chan result, 1)},
	}
	peer.batcher.send(batch)
	if r := <-batch[0].done; !errors.Is(r.err, cache.ErrNotFound) {
		t.Fatalf("batch item: err = %v, want ErrNotFound", r.err)
	}
	if r := <-batch[1].done; r.err != nil || string(r.value) != "v" {
		t.Fatalf("batch item: %q, %v", r.value, r.err)
	}
}
