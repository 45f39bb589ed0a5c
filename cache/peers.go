package cache

import (
	"context"
	"errors"
	"time"
)

// ErrOwnerLoad marks a peer error that means the owner is up and its
// getter failed. Such errors go back to the caller: loading locally would
// only repeat the failing load (a missing key would hit the backing store
// twice). Every other peer error makes the requester load locally.
var ErrOwnerLoad = errors.New("owner failed to load the key")

// ErrNotFound is what a Getter should wrap when the key does not exist in
// the backing store. It crosses the wire between GeeCache nodes, so
// callers on any node can tell "missing" from "failed" with errors.Is.
var ErrNotFound = errors.New("key not found")

// Peer is a remote node as seen by a Group.
type Peer interface {
	// Get fetches key from the peer's group. minuteQPS is the peer's
	// measured rate of remote requests for the key (0 if unknown) and
	// expire the value's expiry (zero for none).
	Get(ctx context.Context, group, key string) (value []byte, minuteQPS float64, expire time.Time, err error)
	// Set stores a value in the peer's group.
	Set(ctx context.Context, group, key string, value []byte, expire time.Time) error
	// Remove drops the peer's copy of key.
	Remove(ctx context.Context, group, key string) error
	// Addr names the peer, for errors and logs.
	Addr() string
}

// PeerPicker chooses the owner of a key among the cluster's peers.
type PeerPicker interface {
	// PickPeer returns the owner of key, or ok=false when this node owns it.
	PickPeer(key string) (p Peer, ok bool)
	// Peers returns every remote peer (not this node).
	Peers() []Peer
}
