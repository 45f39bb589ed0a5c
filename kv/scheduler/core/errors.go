package core

import "errors"

// ErrStaleEpoch: the heartbeat's region epoch is older than the cached one for the same region.
var ErrStaleEpoch = errors.New("stale region epoch")

// ErrStaleRegion: the heartbeat's region overlaps a cached region whose version is not older.
var ErrStaleRegion = errors.New("region overlaps a newer region")

// ErrInvalidRegion: the heartbeat is malformed (no id, no epoch, bad range, leader not a peer...).
var ErrInvalidRegion = errors.New("invalid region")

// ErrInvalidStore: the store meta is malformed or conflicts with another store.
var ErrInvalidStore = errors.New("invalid store")

// ErrStoreNotFound: the store id is unknown.
var ErrStoreNotFound = errors.New("store not found")

// ErrStoreTombstone: the store was removed for good and may not come back.
var ErrStoreTombstone = errors.New("store is tombstone")
