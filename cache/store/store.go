// Package store is a concurrent, byte-bounded map whose evictions are
// decided by an eviction.Policy.
//
// Reads never take the policy lock: a hit does a sharded read-locked map
// lookup and records the access in one of several lossy striped buffers.
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

type entry[V any] struct {
	eviction.Node[V]
	expire int64     // unix nanoseconds; 0 = never
	live   bool      // in the policy; guarded by Store.mu
	same   *entry[V] // next entry whose key has the same 64-bit hash
}

// shard maps key hashes to entries, so a lookup hashes the key string once
// (for the shard and the map) and compares it once. Keys whose 64-bit
// hashes collide are chained through entry.same.
type shard[V any] struct {
	mu sync.RWMutex
	m  map[uint64]*entry[V]
	_  [32]byte
}

func (sh *shard[V]) find(h uint64, key string) *entry[V] {
	e := sh.m[h]
	for e != nil && e.Key != key {
		e = e.same
	}
	return e
}

// put links e in place of any entry with the same key and returns the
// entry it replaced. sh.mu is held for writing.
func (sh *shard[V]) put(e *entry[V]) *entry[V] {
	old := sh.unlink(e.Hash, e.Key, nil)
	e.same = sh.m[e.Hash]
	sh.m[e.Hash] = e
	return old
}

// unlink removes the entry for key (only if it is want, when want is not
// nil) and returns it. sh.mu is held for writing.
func (sh *shard[V]) unlink(h uint64, key string, want *entry[V]) *entry[V] {
	var prev *entry[V]
	for e := sh.m[h]; e != nil; prev, e = e, e.same {
		if e.Key != key {
			continue
		}
		if want != nil && e != want {
			return nil
		}
		switch {
		case prev != nil:
			prev.same = e.same
		case e.same != nil:
			sh.m[h] = e.same
		default:
			delete(sh.m, h)
		}
		e.same = nil
		return e
	}
	return nil
}

type readBuf[V any] struct {
	mu    sync.Mutex
	n     int
	items [bufLen]*entry[V]
	_     [40]byte
}

// Store is safe for concurrent use.
type Store[V any] struct {
	seed   maphash.Seed
	shards [shardCount]shard[V]
	bufs   [bufCount]readBuf[V]

	mu        sync.Mutex // guards pol and entry.live
	pol       eviction.Policy[V]
	evictions atomic.Int64
	onEvict   func(key string, v V)
}

// New returns a store bounded by the policy's capacity. onEvict, if not
// nil, is called (under the store's write lock) for every entry evicted
// to make room; it must not call back into the store.
func New[V any](pol eviction.Policy[V], onEvict func(key string, v V)) *Store[V] {
	s := &Store[V]{seed: maphash.MakeSeed(), pol: pol, onEvict: onEvict}
	for i := range s.shards {
		s.shards[i].m = make(map[uint64]*entry[V])
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
	sh.mu.RLock()
	e := sh.find(h, key)
	sh.mu.RUnlock()
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

// record puts a hit into a read buffer, replaying the buffer when full.
func (s *Store[V]) record(e *entry[V]) {
	b := &s.bufs[rand.Uint32()%bufCount]
	if !b.mu.TryLock() {
		return // contended: drop the access rather than wait
	}
	b.items[b.n] = e
	b.n++
	if b.n == bufLen {
		s.mu.Lock()
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
	h := maphash.String(s.seed, key)
	e := &entry[V]{Node: eviction.Node[V]{Key: key, Value: value, Hash: h, Size: size}, expire: expire}
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
	sh.mu.RLock()
	e := sh.find(h, key)
	sh.mu.RUnlock()
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

// Stats describes a store's occupancy.
type Stats struct {
	Entries   int
	Bytes     int64
	Evictions int64
}

// Stats returns current occupancy and the eviction count so far.
func (s *Store[V]) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Entries: s.pol.Len(), Bytes: s.pol.Bytes(), Evictions: s.evictions.Load()}
}
