// Package singleflight suppresses duplicate concurrent calls: while a call for
// a key is in flight, later callers for the same key wait for its result
// instead of starting their own.
package singleflight

import (
	"context"
	"fmt"
	"sync"
)

// call is one in-flight or finished invocation.
type call[V any] struct {
	done chan struct{} // closed when val and err are set
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
	return g.DoContext(context.Background(), key, fn)
}

// DoContext is Do for a caller that may give up: if ctx ends before the
// result is ready, a waiter returns ctx's error at once while the call
// goes on for the others. The caller that started fn waits for fn itself.
func (g *Group[V]) DoContext(ctx context.Context, key string, fn func() (V, error)) (v V, err error, shared bool) {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[string]*call[V])
	}
	if c, ok := g.m[key]; ok {
		c.dups++
		g.mu.Unlock()
		select {
		case <-c.done:
			return c.val, c.err, true
		case <-ctx.Done():
			return v, ctx.Err(), true
		}
	}
	c := &call[V]{done: make(chan struct{})}
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
		close(c.done)
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
