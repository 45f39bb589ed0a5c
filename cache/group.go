package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/cache/eviction"
	"github.com/gee-project/gee/cache/singleflight"
	"github.com/gee-project/gee/cache/store"
)

// A Getter loads the value of a key on a miss. A zero expire means the
// value does not expire. An error is returned to every caller waiting for
// that key and nothing is cached.
type Getter interface {
	Get(ctx context.Context, key string) (value []byte, expire time.Time, err error)
}

// GetterFunc adapts a function to Getter.
type GetterFunc func(ctx context.Context, key string) ([]byte, time.Time, error)

// Get implements Getter.
func (f GetterFunc) Get(ctx context.Context, key string) ([]byte, time.Time, error) {
	return f(ctx, key)
}

// Options tune a Group; the zero value selects the defaults.
type Options struct {
	// Policy is the eviction policy of both caches (default TinyLFU).
	Policy eviction.Kind
	// HotCacheBytes bounds local copies of remote keys. 0 means 1/8 of
	// the capacity; a negative value disables hot copies.
	HotCacheBytes int64
	// HotAfter is how many fetches of a remote key this node must make
	// within PopularityWindow before it keeps a local copy (default 2).
	HotAfter int
	// HotQPS also replicates a key when its owner reports at least this
	// many requests per second averaged over the owner's window (default 1).
	HotQPS float64
	// HotTTL caps how long a hot copy lives, bounding staleness if an
	// invalidation is lost (default 1 minute).
	HotTTL time.Duration
	// PopularityWindow is the measuring window for demand (default 1 minute).
	PopularityWindow time.Duration
	// FallbackTTL caps how long a value this node loaded itself, because
	// the key's owner did not answer, stays cached (default 10s). Such
	// copies are also dropped as soon as that owner answers again.
	FallbackTTL time.Duration
	// Logger, when set, hears of owner outages: Warn the first time an
	// owner does not answer (this node then loads its keys itself), Info
	// when it answers again; once per outage, not per key. Nil: silent.
	Logger *slog.Logger
}

// Group is a cache namespace with its own capacity and loader. It is safe
// for concurrent use.
type Group struct {
	name   string
	getter Getter
	opts   Options
	main   *store.Store[ByteView]
	hot    *store.Store[ByteView] // nil when hot copies are disabled
	peers  atomic.Pointer[pickerBox]
	flight singleflight.Group[loaded]
	stats  counters
	demand *popularity // remote fetches made by this node
	served *popularity // requests served to peers, reported as minute_qps
	gen    atomic.Uint64
	now    func() time.Time
	fb     fallbacks
	down   sync.Map // owner address -> struct{}, tracked only with a Logger
	// mainBytes is the main cache's capacity, the largest entry Set takes.
	mainBytes int64
}

type pickerBox struct{ PeerPicker }

// loaded is a value with its expiry in unix nanoseconds (0 = none).
type loaded struct {
	v   ByteView
	exp int64
}

// NewGroup returns a group holding at most capacityBytes of keys and values
// (main and hot caches together) and loading misses with getter.
func NewGroup(name string, capacityBytes int64, getter Getter) *Group {
	g, err := NewGroupWithOptions(name, capacityBytes, getter, Options{})
	if err != nil {
		panic(err) // only reachable with invalid options, and defaults are valid
	}
	return g
}

// NewGroupWithOptions is NewGroup with explicit tuning.
func NewGroupWithOptions(name string, capacityBytes int64, getter Getter, o Options) (*Group, error) {
	if getter == nil {
		return nil, errors.New("cache: nil Getter")
	}
	if capacityBytes < 0 {
		return nil, fmt.Errorf("cache: group %q: negative capacity %d", name, capacityBytes)
	}
	o = o.withDefaults(capacityBytes)
	mainBytes := capacityBytes - max(o.HotCacheBytes, 0)
	mainPol, ok := eviction.New[ByteView](o.Policy, mainBytes)
	if !ok {
		return nil, fmt.Errorf("cache: group %q: unknown eviction policy %q", name, o.Policy)
	}
	g := &Group{name: name, getter: getter, opts: o, now: time.Now, mainBytes: mainBytes}
	g.main = store.New(mainPol, nil)
	if o.HotCacheBytes > 0 {
		hotPol, _ := eviction.New[ByteView](o.Policy, o.HotCacheBytes)
		g.hot = store.New(hotPol, nil)
	}
	g.demand = newPopularity(o.PopularityWindow, time.Now)
	g.served = newPopularity(o.PopularityWindow, time.Now)
	return g, nil
}

func (o Options) withDefaults(capacity int64) Options {
	if o.HotCacheBytes == 0 {
		o.HotCacheBytes = capacity / 8
	}
	if o.HotAfter <= 0 {
		o.HotAfter = 2
	}
	if o.HotQPS <= 0 {
		o.HotQPS = 1
	}
	if o.HotTTL <= 0 {
		o.HotTTL = time.Minute
	}
	if o.PopularityWindow <= 0 {
		o.PopularityWindow = time.Minute
	}
	if o.FallbackTTL <= 0 {
		o.FallbackTTL = 10 * time.Second
	}
	return o
}

// Name returns the group's name.
func (g *Group) Name() string { return g.name }

// SetPeers connects the group to a cluster. Without peers every miss is
// loaded locally.
func (g *Group) SetPeers(p PeerPicker) { g.peers.Store(&pickerBox{p}) }

func (g *Group) picker() PeerPicker {
	if b := g.peers.Load(); b != nil {
		return b.PeerPicker
	}
	return nil
}

// Get returns the value of key, from this node's caches, from the key's
// owner, or from the getter.
func (g *Group) Get(ctx context.Context, key string) (ByteView, error) {
	if len(key) > MaxKeyBytes {
		return ByteView{}, g.checkKey(key)
	}
	if l, ok := g.lookup(key); ok {
		return l.v, nil
	}
	g.stats.miss()
	l, err := g.load(ctx, key, true)
	return l.v, err
}

func (g *Group) lookup(key string) (loaded, bool) {
	if v, exp, ok := g.main.Lookup(key); ok {
		return loaded{v, exp}, true
	}
	if g.hot != nil {
		if v, exp, ok := g.hot.Lookup(key); ok {
			return loaded{v, exp}, true
		}
	}
	return loaded{}, false
}

// ServePeer answers a peer's request: it never forwards to another peer,
// so nodes with different membership views cannot bounce a request. It
// returns the measured request rate for minute_qps and the expiry.
func (g *Group) ServePeer(ctx context.Context, key string) (v ByteView, minuteQPS float64, expire time.Time, err error) {
	g.stats.serverReqs.Add(1)
	if err := g.checkKey(key); err != nil {
		return ByteView{}, 0, time.Time{}, err
	}
	minuteQPS = g.served.add(key) / g.opts.PopularityWindow.Seconds()
	l, ok := g.lookup(key)
	if !ok {
		g.stats.miss()
		if l, err = g.load(ctx, key, false); err != nil {
			return ByteView{}, 0, time.Time{}, err
		}
	}
	if l.exp != 0 {
		expire = time.Unix(0, l.exp)
	}
	return l.v, minuteQPS, expire, nil
}

// load fills a miss once per key across concurrent callers.
// A caller whose ctx ends stops waiting; the load itself runs detached from
// any one caller's cancellation so the other waiters still get it.
func (g *Group) load(ctx context.Context, key string, viaPeer bool) (loaded, error) {
	lctx := context.WithoutCancel(ctx)
	gen := g.gen.Load()
	l, err, _ := g.flight.DoContext(ctx, key, func() (loaded, error) {
		ctx := lctx
		if v, exp, ok := g.main.Peek(key); ok { // filled by a flight that just ended
			return loaded{v, exp}, nil
		}
		g.stats.loads.Add(1)
		fallbackFor := ""
		if viaPeer {
			if p := g.picker(); p != nil {
				if peer, ok := p.PickPeer(key); ok {
					v, err := g.fromPeer(ctx, peer, key, gen)
					if err == nil {
						return v, nil
					}
					if errors.Is(err, ErrOwnerLoad) {
						g.stats.loadErrors.Add(1)
						return loaded{}, fmt.Errorf("cache: group %q key %q: %w", g.name, key, err)
					}
					g.stats.peerErrors.Add(1) // owner down or slow: load here
					fallbackFor = peer.Addr()
					g.ownerFailed(fallbackFor, err)
				}
			}
		}
		return g.fromGetter(ctx, key, gen, fallbackFor)
	})
	return l, err
}

func (g *Group) fromPeer(ctx context.Context, peer Peer, key string, gen uint64) (loaded, error) {
	b, qps, expire, err := peer.Get(ctx, g.name, key)
	if err != nil {
		return loaded{}, err
	}
	g.stats.peerLoads.Add(1)
	g.ownerAnswered(peer.Addr())
	for k := range g.fb.take(peer.Addr()) { // the owner is back
		g.main.Delete(k)
	}
	v := ViewOf(b)
	local := g.demand.add(key)
	if g.hot != nil && (local >= float64(g.opts.HotAfter) || qps >= g.opts.HotQPS) {
		limit := g.now().Add(g.opts.HotTTL)
		if expire.IsZero() || expire.After(limit) {
			expire = limit
		}
		if g.gen.Load() == gen {
			g.hot.Set(key, v, int64(len(key)+v.Len()), expire.UnixNano())
			g.stats.hotCopies.Add(1)
		}
	}
	return loaded{v, unixNano(expire)}, nil
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromGetter loads key with the getter. fallbackFor names the owner that
// failed to answer, if any: such a copy lives at most FallbackTTL.
func (g *Group) fromGetter(ctx context.Context, key string, gen uint64, fallbackFor string) (loaded, error) {
	b, expire, err := g.getter.Get(ctx, key)
	if err != nil {
		g.stats.loadErrors.Add(1)
		return loaded{}, fmt.Errorf("cache: group %q key %q: %w", g.name, key, err)
	}
	g.stats.localLoads.Add(1)
	if fallbackFor != "" {
		g.stats.fallbackLoads.Add(1)
		if limit := g.now().Add(g.opts.FallbackTTL); expire.IsZero() || expire.After(limit) {
			expire = limit
		}
		g.fb.add(fallbackFor, key)
	}
	l := loaded{ViewOf(b), unixNano(expire)}
	if g.gen.Load() == gen {
		g.main.Set(key, l.v, int64(len(key)+l.v.Len()), l.exp)
	}
	return l, nil
}

// Stats returns a snapshot of the group's counters and occupancy.
func (g *Group) Stats() Stats {
	st := g.stats.snapshot()
	ms := g.main.Stats()
	st.MainBytes, st.MainEntries, st.Evictions, st.Hits = ms.Bytes, int64(ms.Entries), ms.Evictions, ms.Hits
	if g.hot != nil {
		hs := g.hot.Stats()
		st.HotBytes, st.HotEntries, st.HotHits = hs.Bytes, int64(hs.Entries), hs.Hits
		st.Evictions += hs.Evictions
		st.Hits += hs.Hits
	}
	st.Gets += st.Hits
	return st
}
