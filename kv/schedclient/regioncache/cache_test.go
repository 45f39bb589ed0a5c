package regioncache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
)

// fakeSource serves a fixed region layout (which tests change) and counts calls.
type fakeSource struct {
	mu      sync.Mutex
	regions []*metapb.Region
	leaders map[uint64]*metapb.Peer
	calls   atomic.Int64
	hole    atomic.Int64 // answer ErrRegionNotFound this many more times
}

func (f *fakeSource) set(regions ...*metapb.Region) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.regions = regions
}

func (f *fakeSource) GetRegion(_ context.Context, key []byte) (*schedclient.Region, error) {
	f.calls.Add(1)
	if f.hole.Add(-1) >= 0 {
		return nil, schedclient.ErrRegionNotFound
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.regions {
		if (&Region{Meta: r}).Contains(key) {
			return &schedclient.Region{Meta: r, Leader: f.leaders[r.GetId()]}, nil
		}
	}
	return nil, schedclient.ErrRegionNotFound
}

func (f *fakeSource) ScanRegions(_ context.Context, start, end []byte, limit int) ([]*schedclient.Region, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*schedclient.Region
	for _, r := range f.regions {
		if (len(r.GetEndKey()) == 0 || bytes.Compare(r.GetEndKey(), start) > 0) && (len(end) == 0 || bytes.Compare(r.GetStartKey(), end) < 0) {
			out = append(out, &schedclient.Region{Meta: r})
		}
	}
	return out, nil
}

func (f *fakeSource) GetStore(_ context.Context, id uint64) (*metapb.Store, *schedulerpb.StoreStats, error) {
	f.calls.Add(1)
	return &metapb.Store{Id: id, Address: fmt.Sprintf("127.0.0.1:%d", 20000+id)}, nil, nil
}

func meta(id uint64, start, end string, version uint64) *metapb.Region {
	return &metapb.Region{Id: id, StartKey: []byte(start), EndKey: []byte(end),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: version},
		Peers:       []*metapb.Peer{{Id: id * 10, StoreId: 1}, {Id: id*10 + 1, StoreId: 2}}}
}

func tctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func locate(t *testing.T, c *Cache, key string) *Region {
	t.Helper()
	r, err := c.Locate(tctx(t), []byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLocateCachesByRange(t *testing.T) {
	src := &fakeSource{}
	src.set(meta(1, "", "m", 2), meta(2, "m", "", 2))
	c := New(src)
	if r := locate(t, c, "a"); r.ID() != 1 {
		t.Fatalf("a -> %d", r.ID())
	}
	if r := locate(t, c, "b"); r.ID() != 1 || src.calls.Load() != 1 {
		t.Fatalf("b -> %d after %d calls; want a cache hit", r.ID(), src.calls.Load())
	}
	if r := locate(t, c, "z"); r.ID() != 2 || src.calls.Load() != 2 {
		t.Fatalf("z -> %d after %d calls", r.ID(), src.calls.Load())
	}
}

// EpochNotMatch carries the store's current regions: the split is learned without asking the scheduler.
func TestEpochNotMatchReplacesRegions(t *testing.T) {
	src := &fakeSource{}
	src.set(meta(1, "", "", 1))
	c := New(src)
	locate(t, c, "x")
	retry := c.OnRegionError(1, &errorpb.Error{EpochNotMatch: &errorpb.EpochNotMatch{
		CurrentRegions: []*metapb.Region{meta(1, "", "m", 2), meta(2, "m", "", 2)}}})
	if !retry {
		t.Fatal("EpochNotMatch should retry at once")
	}
	calls := src.calls.Load()
	if r := locate(t, c, "x"); r.ID() != 2 || src.calls.Load() != calls {
		t.Fatalf("x -> %d with %d new calls", r.ID(), src.calls.Load()-calls)
	}
	// A stale answer (the parent) does not overwrite the newer halves.
	if c.insert(meta(1, "", "", 1), nil) != nil || c.Len() != 2 {
		t.Fatalf("stale region cached; %d regions", c.Len())
	}
}

func TestRegionErrorsCorrectTheCache(t *testing.T) {
	src := &fakeSource{}
	src.set(meta(1, "", "", 1))
	c := New(src)
	r := locate(t, c, "a")
	if r.Leader != nil {
		t.Fatal("leader should be unknown")
	}
	if !c.OnRegionError(1, &errorpb.Error{NotLeader: &errorpb.NotLeader{RegionId: 1, Leader: &metapb.Peer{Id: 11, StoreId: 2}}}) {
		t.Fatal("NotLeader with a leader should retry at once")
	}
	if l := c.Cached([]byte("a")).Leader; l.GetStoreId() != 2 {
		t.Fatalf("leader %v", l)
	}
	if c.OnRegionError(1, &errorpb.Error{NotLeader: &errorpb.NotLeader{RegionId: 1}}) {
		t.Fatal("NotLeader without a leader should back off")
	}
	if c.OnRegionError(1, &errorpb.Error{ServerIsBusy: &errorpb.ServerIsBusy{}}) || c.Len() != 1 {
		t.Fatal("ServerIsBusy changes nothing and backs off")
	}
	// A leader the cache does not know as a peer: the cache is behind, drop the region.
	c.OnRegionError(1, &errorpb.Error{NotLeader: &errorpb.NotLeader{RegionId: 1, Leader: &metapb.Peer{Id: 99, StoreId: 9}}})
	if c.Len() != 0 {
		t.Fatal("region with an unknown leader kept")
	}
	for name, e := range map[string]*errorpb.Error{
		"RegionNotFound": {RegionNotFound: &errorpb.RegionNotFound{RegionId: 1}},
		"KeyNotInRegion": {KeyNotInRegion: &errorpb.KeyNotInRegion{RegionId: 1}},
		"StoreNotMatch":  {StoreNotMatch: &errorpb.StoreNotMatch{}},
	} {
		locate(t, c, "a")
		if !c.OnRegionError(1, e) || c.Len() != 0 {
			t.Fatalf("%s: region not dropped", name)
		}
	}
	if c.OnRegionError(1, nil) {
		t.Fatal("nil error retried")
	}
}

// A range the scheduler has not resolved yet is retried until it is, or until the context ends.
func TestUnresolvedRangeIsRetried(t *testing.T) {
	src := &fakeSource{}
	src.set(meta(1, "", "", 1))
	src.hole.Store(3)
	c := New(src)
	if r := locate(t, c, "a"); r.ID() != 1 || src.calls.Load() != 4 {
		t.Fatalf("got %d after %d calls", r.ID(), src.calls.Load())
	}
	src.set()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := New(src).Locate(ctx, []byte("zz")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("never resolved: %v", err)
	}
}

func TestGroupKeysAndSpans(t *testing.T) {
	src := &fakeSource{}
	src.set(meta(1, "", "f", 2), meta(2, "f", "p", 2), meta(3, "p", "", 2))
	c := New(src)
	keys := [][]byte{[]byte("q"), []byte("a"), []byte("g"), []byte("b"), []byte("z")}
	groups, err := c.GroupKeys(tctx(t), keys)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, g := range groups {
		got += fmt.Sprintf("%d:%s%v ", g.Region.ID(), bytes.Join(g.Keys, nil), g.Index)
	}
	if want := "1:ab[1 3] 2:g[2] 3:qz[0 4] "; got != want {
		t.Fatalf("groups %q, want %q", got, want)
	}
	// A scan over [c, r) crosses three regions.
	var spans []string
	start, end := []byte("c"), []byte("r")
	for {
		s, err := c.NextSpan(tctx(t), start, end)
		if err != nil {
			t.Fatal(err)
		}
		spans = append(spans, fmt.Sprintf("%d[%s,%s)", s.Region.ID(), s.Start, s.End))
		if len(s.End) == 0 || bytes.Equal(s.End, end) {
			break
		}
		start = s.End
	}
	if got := fmt.Sprint(spans); got != "[1[c,f) 2[f,p) 3[p,r)]" {
		t.Fatalf("spans %s", got)
	}
	// Warm loads everything in one call.
	c2 := New(src)
	if n, err := c2.Warm(tctx(t), nil, nil, 0); err != nil || n != 3 || c2.Len() != 3 {
		t.Fatalf("Warm: %d, %v", n, err)
	}
}

func TestStoreAddrCached(t *testing.T) {
	src := &fakeSource{}
	c := New(src)
	for i := 0; i < 3; i++ {
		if addr, err := c.StoreAddr(tctx(t), 2); err != nil || addr != "127.0.0.1:20002" {
			t.Fatalf("%q %v", addr, err)
		}
	}
	if src.calls.Load() != 1 {
		t.Fatalf("%d lookups, want 1", src.calls.Load())
	}
	c.InvalidateStore(2)
	_, _ = c.StoreAddr(tctx(t), 2)
	if src.calls.Load() != 2 {
		t.Fatal("InvalidateStore did not force a lookup")
	}
	if _, _, err := c.LeaderAddr(tctx(t), &Region{Meta: meta(1, "", "", 1)}); !errors.Is(err, ErrNoLeader) {
		t.Fatalf("LeaderAddr without a leader: %v", err)
	}
}

// Many goroutines locating while others split regions through EpochNotMatch: no race, every
// answer contains its key.
func TestConcurrentLocateAndCorrect(t *testing.T) {
	src := &fakeSource{}
	src.set(meta(1, "", "", 1))
	c := New(src)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				key := []byte{byte('a' + (g+i)%26)}
				r, err := c.Locate(tctx(t), key)
				if err != nil || !r.Contains(key) {
					t.Errorf("key %q -> %v, %v", key, r, err)
					return
				}
				if i%50 == 0 {
					// The split as a store reports it; the scheduler learns it too (newest wins).
					v := uint64(2 + i/50)
					split := []*metapb.Region{meta(1, "", "m", v), meta(2, "m", "", v)}
					src.mu.Lock()
					if src.regions[0].GetRegionEpoch().GetVersion() < v {
						src.regions = split
					}
					src.mu.Unlock()
					c.OnRegionError(r.ID(), &errorpb.Error{EpochNotMatch: &errorpb.EpochNotMatch{CurrentRegions: split}})
				}
			}
		}(g)
	}
	wg.Wait()
}
