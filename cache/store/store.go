// Package store is a concurrent, byte-bounded map whose evictions are
// decided by an eviction.Policy.
//
// Reads never block or take a map lock: a hit probes a shard's atomic open-addressing
// table and records the access in one of several lossy striped buffers
// (skipped when the buffer is busy).
// A full buffer, and every write, replays the recorded accesses into the
// policy under its lock. Under heavy contention an access may be dropped,
// which only makes the policy's view of popularity slightly less exact.
package store

import (
	"hash/maphash"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/cache/eviction"
)

const (
	shardCount = 64
	bufCount   = 16
	bufLen     = 32
)

// entry puts expire before the node so that a hit's reads (expire, key,
// value, hash) share the entry's first cache line.
type entry[V any] struct {
	expire int64 // unix nanoseconds; 0 = never
	live   bool  // in the policy; guarded by Store.mu
	eviction.Node[V]
}

// shard owns the keys whose hash falls in it. Readers load the table
// pointer and probe without locking; writers serialise on mu.
type shard[V any] struct {
	mu   sync.Mutex
	tab  atomic.Pointer[table[V]]
	tomb *entry[V]
	_    [40]byte
}

func (sh *shard[V]) init() {
	sh.tomb = new(entry[V])
	sh.tab.Store(newTable[V](minSlots))
}

func (sh *shard[V]) find(h uint64, key string) *entry[V] {
	return sh.tab.Load().find(h, key, sh.tomb)
}

// put links e in place of any entry with the same key and returns the
// entry it replaced. sh.mu is held.
func (sh *shard[V]) put(e *entry[V]) *entry[V] {
	t := sh.tab.Load()
	if i := t.slotOf(e.Hash, e.Key, sh.tomb); i >= 0 {
		old := t.slots[i].Load()
		t.slots[i].Store(e)
		return old
	}
	if (t.used+1)*2 > len(t.slots) { // keep probes short: load <= 1/2
		t = sh.grow(t)
	}
	t.insert(e, sh.tomb)
	return nil
}

// grow publishes a copy of t sized for three times its live entries.
func (sh *shard[V]) grow(t *table[V]) *table[V] {
	n := newTable[V](max(3*(t.live+1), minSlots))
	for i := range t.slots {
		if e := t.slots[i].Load(); e != nil && e != sh.tomb {
			n.insert(e, sh.tomb)
		}
	}
	sh.tab.Store(n)
	return n
}

// unlink removes the entry for key (only if it is want, when want is not
// nil) and returns it. sh.mu is held.
func (sh *shard[V]) unlink(h uint64, key string, want *entry[V]) *entry[V] {
	t := sh.tab.Load()
	i := t.slotOf(h, key, sh.tomb)
	if i < 0 {
		return nil
	}
	e := t.slots[i].Load()
	if want != nil && e != want {
		return nil
	}
	t.slots[i].Store(sh.tomb)
	t.live--
	return e
}

type readBuf[V any] struct {
	mu    sync.Mutex
	n     int
	hits  int64 // guarded by mu: counting here costs no extra atomic
	items [bufLen]*entry[V]
	_     [32]byte
}

// Store is safe for concurrent use.
type Store[V any] struct {
	seed   maphash.Seed
	shards [shardCount]shard[V]
	bufs   [bufCount]readBuf[V]

	mu        sync.Mutex // guards pol and entry.live
	pol       eviction.Policy[V]
	evictions atomic.Int64
	lostHits  atomic.Int64 // hits whose buffer was busy
	onEvict   func(key string, v V)
}

// New returns a store bounded by the policy's capacity. onEvict, if not
// nil, is called (under the store's write lock) for every entry evicted
// to make room; it must not call back into the store.
func New[V any](pol eviction.Policy[V], onEvict func(key string, v V)) *Store[V] {
	s := &Store[V]{seed: maphash.MakeSeed(), pol: pol, onEvict: onEvict}
	for i := range s.shards {
		s.shards[i].init()
	}
	return s
}

func (s *Store[V]) shard(h uint64) *shard[V] { return &s.shards[h%shardCount] }

// Get returns the live value for key.
func (s *Store[V]) Get(key string) (v V, ok bool) {
	v, _, ok = s.Lookup(key)
	return v, ok
}

// Lookup is Get that also returns the entry's expiry (0 for none).
func (s *Store[V]) Lookup(key string) (v V, expire int64, ok bool) {
	h := maphash.String(s.seed, key)
	sh := s.shard(h)
	e := sh.find(h, key)
	if e == nil {
		return v, 0, false
	}
	if e.expire != 0 && time.Now().UnixNano() >= e.expire {
		s.removeEntry(key, e)
		return v, 0, false
	}
	s.record(e)
	return e.Value, e.expire, true
}

// Peek is Lookup without recording an access or counting a hit.
func (s *Store[V]) Peek(key string) (v V, expire int64, ok bool) {
	h := maphash.String(s.seed, key)
	e := s.shard(h).find(h, key)
	if e == nil || e.expire != 0 && time.Now().UnixNano() >= e.expire {
		return v, 0, false
	}
	return e.Value, e.expire, true
}

// record puts a hit into a read buffer, replaying the buffer into the
// policy when it is full. It never blocks: a busy buffer or a busy policy
// lock means the access is dropped instead.
func (s *Store[V]) record(e *entry[V]) {
	b := &s.bufs[rand.Uint32()%bufCount]
	if !b.mu.TryLock() {
		s.lostHits.Add(1)
		return
	}
	b.hits++
	if b.n == bufLen { // still full: the policy was busy last time
		if !s.mu.TryLock() {
			b.mu.Unlock()
			return
		}
		s.replay(b)
		s.mu.Unlock()
	}
	b.items[b.n] = e
	b.n++
	if b.n == bufLen && s.mu.TryLock() {
		s.replay(b)
		s.mu.Unlock()
	}
	b.mu.Unlock()
}

// replay applies and clears b's accesses; s.mu and b.mu are held.
func (s *Store[V]) replay(b *readBuf[V]) {
	for i := 0; i < b.n; i++ {
		if e := b.items[i]; e.live {
			s.pol.Access(&e.Node)
		}
		b.items[i] = nil
	}
	b.n = 0
}

// drainAll replays every buffer not busy right now; s.mu is held.
func (s *Store[V]) drainAll() {
	for i := range s.bufs {
		b := &s.bufs[i]
		if b.mu.TryLock() {
			s.replay(b)
			b.mu.Unlock()
		}
	}
}

// Set stores value under key, charging size bytes, replacing any old
// value. expire is the unix-nanosecond expiry time, 0 for none. The entry
// may be evicted at once if the policy does not admit it.
func (s *Store[V]) Set(key string, value V, size int64, expire int64) {
	s.set(key, value, size, expire, false)
}

// Write is Set for an explicit write: the policy keeps the entry whatever
// its popularity, evicting others to make room. It reports whether the
// entry was stored, false only when it is larger than the capacity.
func (s *Store[V]) Write(key string, value V, size int64, expire int64) bool {
	return s.set(key, value, size, expire, true)
}

func (s *Store[V]) set(key string, value V, size int64, expire int64, admit bool) bool {
	h := maphash.String(s.seed, key)
	e := &entry[V]{Node: eviction.Node[V]{Key: key, Value: value, Hash: h, Size: size, Admit: admit}, expire: expire}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drainAll()
	sh := s.shard(h)
	sh.mu.Lock()
	old := sh.put(e)
	sh.mu.Unlock()
	if old != nil && old.live {
		s.pol.Remove(&old.Node)
		old.live = false
	}
	e.live = true
	s.pol.Add(&e.Node, s.evict)
	return e.live
}

// evict is the policy's eviction callback; s.mu is held.
func (s *Store[V]) evict(n *eviction.Node[V]) {
	sh := s.shard(n.Hash)
	sh.mu.Lock()
	e := sh.find(n.Hash, n.Key)
	if e == nil || &e.Node != n {
		sh.mu.Unlock()
		return
	}
	sh.unlink(n.Hash, n.Key, e)
	e.live = false
	sh.mu.Unlock()
	s.evictions.Add(1)
	if s.onEvict != nil {
		s.onEvict(n.Key, n.Value)
	}
}

// Delete removes key and reports whether it was present.
func (s *Store[V]) Delete(key string) bool {
	h := maphash.String(s.seed, key)
	sh := s.shard(h)
	e := sh.find(h, key)
	return e != nil && s.removeEntry(key, e)
}

// removeEntry removes key if it still maps to e.
func (s *Store[V]) removeEntry(key string, e *entry[V]) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shard(e.Hash)
	sh.mu.Lock()
	ok := sh.unlink(e.Hash, key, e) != nil
	sh.mu.Unlock()
	if ok && e.live {
		s.pol.Remove(&e.Node)
		e.live = false
	}
	return ok
}

// Stats describes a store's occupancy and use.
type Stats struct {
	Entries   int
	Bytes     int64
	Evictions int64
	Hits      int64 // successful Get/Lookup calls
}

// Stats returns current occupancy and the counts so far.
func (s *Store[V]) Stats() Stats {
	hits := s.lostHits.Load()
	for i := range s.bufs {
		b := &s.bufs[i]
		b.mu.Lock()
		hits += b.hits
		b.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Entries: s.pol.Len(), Bytes: s.pol.Bytes(), Evictions: s.evictions.Load(), Hits: hits}
}
