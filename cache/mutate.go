package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Remove deletes key from this node and asks every peer to drop its copy,
// the owner's included. Loads already in flight do not re-insert the old
// value. The returned error joins the peers that could not be reached;
// the local copy is removed regardless.
func (g *Group) Remove(ctx context.Context, key string) error {
	g.RemoveLocal(key)
	p := g.picker()
	if p == nil {
		return nil
	}
	return broadcast(p.Peers(), func(peer Peer) error {
		return peer.Remove(ctx, g.name, key)
	})
}

// RemoveLocal drops this node's copies of key without telling peers; it is
// what a peer's invalidation request runs.
func (g *Group) RemoveLocal(key string) {
	g.gen.Add(1)
	g.flight.Forget(key)
	g.main.Delete(key)
	if g.hot != nil {
		g.hot.Delete(key)
	}
}

// Set stores value for key at the key's owner and drops every other
// node's copy, so later Gets anywhere see the new value. A zero expire
// means no expiry.
func (g *Group) Set(ctx context.Context, key string, value []byte, expire time.Time) error {
	p := g.picker()
	var owner Peer
	if p != nil {
		owner, _ = p.PickPeer(key)
	}
	if owner == nil {
		g.SetLocal(key, value, expire)
	} else {
		if err := owner.Set(ctx, g.name, key, value, expire); err != nil {
			return fmt.Errorf("cache: set %q on owner %s: %w", key, owner.Addr(), err)
		}
		g.RemoveLocal(key)
	}
	if p == nil {
		return nil
	}
	return broadcast(p.Peers(), func(peer Peer) error {
		if peer == owner {
			return nil
		}
		return peer.Remove(ctx, g.name, key)
	})
}

// SetLocal stores value in this node's main cache; it is what a peer's
// set request runs on the owner.
func (g *Group) SetLocal(key string, value []byte, expire time.Time) {
	g.gen.Add(1)
	g.flight.Forget(key)
	if g.hot != nil {
		g.hot.Delete(key)
	}
	v := ViewOf(value)
	g.main.Set(key, v, int64(len(key)+v.Len()), unixNano(expire))
}

// broadcast runs fn on every peer concurrently and joins the errors.
func broadcast(peers []Peer, fn func(Peer) error) error {
	errs := make([]error, len(peers))
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(p); err != nil {
				errs[i] = fmt.Errorf("peer %s: %w", p.Addr(), err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
