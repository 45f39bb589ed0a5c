// Package httppool is GeeCache's peer transport: HTTP with the wire format
// of golang/groupcache (GET <basePath><group>/<key>, answered with an
// application/x-protobuf GetResponse), so GeeCache and groupcache nodes can
// fetch from each other. It adds DELETE (invalidate) and PUT (set on the
// owner), which groupcache nodes simply do not serve.
package httppool

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/consistenthash"
)

// DefaultBasePath is groupcache's base path, kept for interoperability.
const DefaultBasePath = "/_groupcache/"

// Options configure a Pool; the zero value selects the defaults.
type Options struct {
	// BasePath prefixes peer URLs (default DefaultBasePath).
	BasePath string
	// Replicas is the number of virtual nodes per peer (default 50, as
	// groupcache).
	Replicas int
	// Hash places keys on the ring (default CRC-32 IEEE, as groupcache).
	Hash consistenthash.Hash
	// Timeout bounds each peer request; past it the requester loads the
	// key itself (default 1s).
	Timeout time.Duration
	// Transport carries peer requests (default the shared tuned
	// SharedTransport).
	Transport http.RoundTripper
	// MaxValueBytes rejects larger peer responses (default 64 MiB).
	MaxValueBytes int
	// NoBatch sends every get as its own groupcache GET instead of
	// coalescing concurrent gets to one owner into batch requests.
	// Batching falls back to single GETs by itself for peers (such as
	// golang/groupcache) that do not serve batches.
	NoBatch bool
	// Secret, when set, authenticates peers: every request is signed with
	// HMAC-SHA256 under it (AuthHeader) and unsigned requests are refused
	// with 401. All nodes must share it. golang/groupcache nodes cannot
	// sign, so mixed clusters run without it (and should keep the peer
	// listener on a private network instead).
	Secret []byte
	// MaxClockSkew is how far a signature's timestamp may be from this
	// node's clock (default 30s); it also bounds replays of a captured
	// request. Writes are further bounded by their deadline.
	MaxClockSkew time.Duration
}

// SharedTransport keeps many idle connections per peer: a cache cluster
// talks to few hosts very often, so the net/http default of 2 idle
// connections per host would re-dial under load.
var SharedTransport = &http.Transport{
	Proxy:               nil,
	DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	MaxIdleConns:        1024,
	MaxIdleConnsPerHost: 256,
	IdleConnTimeout:     90 * time.Second,
	DisableCompression:  true,
	ForceAttemptHTTP2:   false,
}

// Pool is one node's view of the cluster: it picks owners for keys,
// talks to the other peers and serves their requests. Safe for concurrent
// use; membership may change at any time with Set.
type Pool struct {
	self   string
	opts   Options
	client *http.Client

	ring atomic.Pointer[ring]

	mu     sync.RWMutex
	groups map[string]*cache.Group
}

// ring is an immutable membership snapshot.
type ring struct {
	hash  *consistenthash.Map
	peers map[string]*httpPeer
	list  []cache.Peer
}

// New returns a pool for the node whose base URL is self (for example
// "http://10.0.0.1:8000"); self must appear the same way in Set.
func New(self string, o Options) *Pool {
	if o.BasePath == "" {
		o.BasePath = DefaultBasePath
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.Transport == nil {
		o.Transport = SharedTransport
	}
	if o.MaxValueBytes <= 0 {
		o.MaxValueBytes = 64 << 20
	}
	if o.MaxClockSkew <= 0 {
		o.MaxClockSkew = 30 * time.Second
	}
	p := &Pool{self: self, opts: o, client: &http.Client{Transport: o.Transport}, groups: map[string]*cache.Group{}}
	p.Set()
	return p
}

// Set replaces the membership with peers (base URLs, this node included).
// Consistent hashing moves only the keys of added or removed peers.
func (p *Pool) Set(peers ...string) {
	r := &ring{hash: consistenthash.New(p.opts.Replicas, p.opts.Hash), peers: map[string]*httpPeer{}}
	old := p.ring.Load()
	if old == nil {
		old = &ring{}
	}
	r.hash.Add(peers...)
	for _, addr := range r.hash.Nodes() {
		if addr == p.self {
			continue
		}
		hp := old.peers[addr] // keep batcher state across membership changes
		if hp == nil {
			hp = &httpPeer{base: addr + p.opts.BasePath, addr: addr, pool: p}
			hp.batcher.peer = hp
		}
		r.peers[addr] = hp
		r.list = append(r.list, hp)
	}
	p.ring.Store(r)
}

// Register serves g to peers and routes g's misses through this pool.
func (p *Pool) Register(g *cache.Group) {
	p.mu.Lock()
	p.groups[g.Name()] = g
	p.mu.Unlock()
	g.SetPeers(p)
}

func (p *Pool) group(name string) *cache.Group {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.groups[name]
}

// PickPeer implements cache.PeerPicker.
func (p *Pool) PickPeer(key string) (cache.Peer, bool) {
	r := p.ring.Load()
	owner := r.hash.Get(key)
	if owner == "" || owner == p.self {
		return nil, false
	}
	return r.peers[owner], true
}

// Peers implements cache.PeerPicker.
func (p *Pool) Peers() []cache.Peer { return p.ring.Load().list }

// Self returns this node's base URL.
func (p *Pool) Self() string { return p.self }
