// Package rafttest is a deterministic randomized simulation of a kv/raft
// cluster: a simulated network that drops, duplicates, delays and reorders
// messages and partitions nodes, plus crashes and restarts from persisted
// state. After every step it checks Raft's safety properties; at the end it
// heals the network and checks that every acknowledged proposal is applied.
//
// Everything is driven by one seeded math/rand source and no goroutines,
// so a failing seed replays exactly.
package rafttest
