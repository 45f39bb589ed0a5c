// Package singleflight suppresses duplicate concurrent calls: while a call for
// a key is in flight, later callers for the same key wait for its result
// instead of starting their own.
package singleflight

import (
	"fmt"
	"sync"
)

// call is one in-flight or finished invocation.
type call[V any] struct {
	wg   sync.WaitGroup
	val  V
	err  error
	dups int
}

// Group deduplicates calls by key. The zero value is ready to use.
type Group[V any] struct {
	mu sync.Mutex
	m  map[string]*call[V]
}

// Do runs fn once for all callers that arrive while it is running for key and
// hands each of them its result. shared reports whether the result went to
// more than one caller. A panic in fn is turned into an error for every
// waiter, so no waiter blocks forever.
func (g *Group[V]) Do(key string, fn func() (V, error)) (v V, err error, shared bool) {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[string]*call[V])
	}
	if c, ok := g.m[key]; ok {
		c.dups++
		g.mu.Unlock()
		c.wg.Wait()
		return c.val, c.err, true
	}
	c := new(call[V])
	c.wg.Add(1)
	g.m[key] = c
	g.mu.Unlock()

	g.run(key, c, fn)
	g.mu.Lock()
	shared = c.dups > 0
	g.mu.Unlock()
	return c.val, c.err, shared
}

// run calls fn, recovering a panic into c.err, then releases the waiters.
func (g *Group[V]) run(key string, c *call[V], fn func() (V, error)) {
	defer func() {
		if r := recover(); r != nil {
			c.err = fmt.Errorf("singleflight: %q panicked: %v", key, r)
		}
		g.mu.Lock()
		if g.m[key] == c {
			delete(g.m, key)
		}
		g.mu.Unlock()
		c.wg.Done()
	}()
	c.val, c.err = fn()
}

// Forget makes the next Do for key start a new call even if one is still in
// flight; callers already waiting keep waiting for the old one.
func (g *Group[V]) Forget(key string) {
	g.mu.Lock()
	delete(g.m, key)
	g.mu.Unlock()
}
