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
	if err := g.checkKey(key); err != nil {
		return err
	}
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
//
// A nil error means the owner stored the value (it may be evicted later,
// like any entry). An entry larger than MaxEntryBytes (here or at the
// owner) fails with a TooLargeError and changes nothing. An error matching
// ErrMaybeApplied means the owner did not answer in time: the other
// copies are dropped anyway and the write may or may not have been
// applied. Any other error means the owner did not apply it.
func (g *Group) Set(ctx context.Context, key string, value []byte, expire time.Time) error {
	if err := g.checkKey(key); err != nil {
		return err
	}
	if err := g.checkSize(key, value); err != nil {
		return fmt.Errorf("cache: group %q: %w", g.name, err)
	}
	p := g.picker()
	var owner Peer
	if p != nil {
		owner, _ = p.PickPeer(key)
	}
	var ownerErr error
	if owner == nil {
		if err := g.SetLocal(key, value, expire); err != nil {
			return err
		}
	} else {
		if err := owner.Set(ctx, g.name, key, value, expire); err != nil {
			ownerErr = fmt.Errorf("cache: group %q: set %s on owner %s: %w", g.name, QuoteKey(key), owner.Addr(), err)
			if !errors.Is(err, ErrMaybeApplied) {
				return ownerErr
			}
		}
		g.RemoveLocal(key)
	}
	if p == nil {
		return nil
	}
	err := broadcast(p.Peers(), func(peer Peer) error {
		if peer == owner {
			return nil
		}
		return peer.Remove(ctx, g.name, key)
	})
	return errors.Join(ownerErr, err)
}

// SetLocal stores value in this node's main cache; it is what a peer's
// set request runs on the owner. The entry is kept whatever its measured
// popularity (an explicit write is not a guess); only an entry larger than
// MaxEntryBytes is refused, with a TooLargeError.
func (g *Group) SetLocal(key string, value []byte, expire time.Time) error {
	if err := g.checkKey(key); err != nil {
		return err
	}
	if err := g.checkSize(key, value); err != nil {
		return fmt.Errorf("cache: group %q: %w", g.name, err)
	}
	g.gen.Add(1)
	g.flight.Forget(key)
	if g.hot != nil {
		g.hot.Delete(key)
	}
	v := ViewOf(value)
	if !g.main.Write(key, v, int64(len(key)+v.Len()), unixNano(expire)) {
		// Unreachable while MaxEntryBytes is the main capacity; kept so a
		// policy change cannot turn a refused write into a silent 200.
		return fmt.Errorf("cache: group %q: %w", g.name, &TooLargeError{Key: key, Size: int64(len(key) + v.Len()), Limit: g.mainBytes})
	}
	return nil
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
