package cache

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakePeer is an owner answering from a map, or failing.
type fakePeer struct {
	mu      sync.Mutex
	qps     float64
	fail    error
	gets    int
	removes []string
}

func (f *fakePeer) Get(_ context.Context, group, key string) ([]byte, float64, time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	if f.fail != nil {
		return nil, 0, time.Time{}, f.fail
	}
	return []byte("remote:" + key), f.qps, time.Time{}, nil
}

func (f *fakePeer) Set(context.Context, string, string, []byte, time.Time) error { return nil }

func (f *fakePeer) Remove(_ context.Context, _, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removes = append(f.removes, key)
	return f.fail
}

func (f *fakePeer) Addr() string { return "fake" }

// remoteAll makes the fake peer own every key.
type remoteAll struct{ p *fakePeer }

func (r remoteAll) PickPeer(string) (Peer, bool) { return r.p, true }
func (r remoteAll) Peers() []Peer                { return []Peer{r.p} }

func TestRemoteKeyIsReplicatedOnlyWhenPopular(t *testing.T) {
	fp := &fakePeer{}
	g := NewGroup("g", 1<<20, &countingGetter{})
	g.SetPeers(remoteAll{fp})
	v, err := g.Get(ctx, "k")
	if err != nil || v.String() != "remote:k" {
		t.Fatalf("Get = %q, %v", v.String(), err)
	}
	if st := g.Stats(); st.HotEntries != 0 || st.MainEntries != 0 || st.PeerLoads != 1 {
		t.Fatalf("after one fetch: %+v (one fetch is not popularity)", st)
	}
	g.Get(ctx, "k") // second fetch within the window: now hot (HotAfter=2)
	g.Get(ctx, "k") // served locally
	st := g.Stats()
	if st.HotEntries != 1 || st.PeerLoads != 2 || st.HotHits != 1 {
		t.Fatalf("after popularity: %+v", st)
	}
}

func TestOwnerReportedRateTriggersReplication(t *testing.T) {
	fp := &fakePeer{qps: 50}
	g := NewGroup("g", 1<<20, &countingGetter{})
	g.SetPeers(remoteAll{fp})
	g.Get(ctx, "k")
	if st := g.Stats(); st.HotEntries != 1 {
		t.Fatalf("owner reported 50 qps, key should be copied: %+v", st)
	}
}

func TestHotCopiesCanBeDisabled(t *testing.T) {
	fp := &fakePeer{qps: 50}
	g, _ := NewGroupWithOptions("g", 1<<20, &countingGetter{}, Options{HotCacheBytes: -1})
	g.SetPeers(remoteAll{fp})
	for i := 0; i < 5; i++ {
		g.Get(ctx, "k")
	}
	if fp.gets != 5 {
		t.Fatalf("with hot copies disabled every Get goes to the owner: %d", fp.gets)
	}
}

func TestPeerFailureFallsBackToLocalLoad(t *testing.T) {
	fp := &fakePeer{fail: errors.New("connection refused")}
	cg := &countingGetter{}
	g := NewGroup("g", 1<<20, cg)
	g.SetPeers(remoteAll{fp})
	v, err := g.Get(ctx, "k")
	if err != nil || v.String() != "v:k" {
		t.Fatalf("Get = %q, %v; want local load", v.String(), err)
	}
	if st := g.Stats(); st.PeerErrors != 1 || st.LocalLoads != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestRemoveTellsPeersAndReportsFailures(t *testing.T) {
	fp := &fakePeer{}
	g := NewGroup("g", 1<<20, &countingGetter{})
	g.SetPeers(remoteAll{fp})
	if err := g.Remove(ctx, "k"); err != nil || len(fp.removes) != 1 {
		t.Fatalf("Remove err=%v peer removes=%v", err, fp.removes)
	}
	fp.fail = errors.New("unreachable")
	if err := g.Remove(ctx, "k"); err == nil {
		t.Fatal("unreachable peer not reported")
	}
}
