// Package engine is TinyKV's storage engine: one pebble database per store holding
// both the user data, in column families, and the store's local Raft and region state.
//
// Keys are prefixed so that one atomic, synced write batch can cover a data write and
// the apply state that records it:
//
//	0x01 ...          local keys (Raft log, hard state, apply state, region state; see kv/engine/keys.go)
//	'd' user-key      column family "default"
//	'l' user-key      column family "lock"
//	'w' user-key      column family "write"
//
// Data keys sort by column family, then by user key, so a bounded iterator over one
// column family never sees another's keys.
package engine
