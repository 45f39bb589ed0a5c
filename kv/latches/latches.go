// Package latches serializes transactional commands on the keys they touch. A command
// takes an exclusive latch on every key it reads and then writes, so no other command
// changes those keys between its read and its write.
//
// Keys are taken in sorted order, so two commands never wait for each other in a cycle,
// and each key's waiters are served first come, first served.
package latches

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
)

// Latches is a set of per-key exclusive latches. The zero value is not usable; call New.
type Latches struct {
	mu   sync.Mutex
	held map[string]*latch // keys latched now
}

// latch is one held key and the queue waiting for it.
type latch struct {
	waiters []chan struct{} // closed when the latch is handed to that waiter
}

// New returns an empty set of latches.
func New() *Latches { return &Latches{held: map[string]*latch{}} }

// Guard holds the latches of one command. Release it exactly once.
type Guard struct {
	l    *Latches
	keys [][]byte // sorted, distinct
}

// Acquire latches every key (duplicates allowed), waiting for commands holding any of
// them. If ctx ends first it releases what it took and returns ctx's error.
func (l *Latches) Acquire(ctx context.Context, keys [][]byte) (*Guard, error) {
	g := &Guard{l: l, keys: sortedDistinct(keys)}
	for i, k := range g.keys {
		if err := l.acquireOne(ctx, string(k)); err != nil {
			l.release(g.keys[:i])
			return nil, fmt.Errorf("latches: waiting for key %q: %w", k, err)
		}
	}
	return g, nil
}

func sortedDistinct(keys [][]byte) [][]byte {
	out := slices.Clone(keys)
	slices.SortFunc(out, bytes.Compare)
	return slices.CompactFunc(out, bytes.Equal)
}

// acquireOne takes key's latch, queueing behind its holder and earlier waiters.
func (l *Latches) acquireOne(ctx context.Context, key string) error {
	l.mu.Lock()
	lt, busy := l.held[key]
	if !busy {
		l.held[key] = &latch{}
		l.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	lt.waiters = append(lt.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return l.abandon(key, ch, ctx.Err())
	}
}

// abandon leaves key's queue; if the latch was handed over meanwhile, it passes it on.
func (l *Latches) abandon(key string, ch chan struct{}, err error) error {
	l.mu.Lock()
	lt := l.held[key]
	if i := slices.Index(lt.waiters, ch); i >= 0 {
		lt.waiters = slices.Delete(lt.waiters, i, i+1)
		l.mu.Unlock()
		return err
	}
	l.mu.Unlock()
	l.release([][]byte{[]byte(key)}) // we were handed the latch: pass it on
	return err
}

// release hands each key to its first waiter, or frees it.
func (l *Latches) release(keys [][]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		lt := l.held[string(k)]
		if lt == nil {
			continue // not latched: Acquire never builds such a list
		}
		if len(lt.waiters) == 0 {
			delete(l.held, string(k))
			continue
		}
		close(lt.waiters[0])
		lt.waiters = lt.waiters[1:]
	}
}

// Release frees the guard's latches. Later calls do nothing.
func (g *Guard) Release() {
	if g.l == nil {
		return
	}
	g.l.release(g.keys)
	g.l = nil
}

// Holds reports whether the guard latched key.
func (g *Guard) Holds(key []byte) bool {
	_, ok := slices.BinarySearchFunc(g.keys, key, bytes.Compare)
	return ok
}

// Keys returns the latched keys, sorted and distinct. Do not modify them.
func (g *Guard) Keys() [][]byte { return g.keys }
