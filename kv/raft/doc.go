// Package raft is a pure Raft consensus state machine in the style of etcd's raft.
//
// A RawNode holds no goroutines, clocks or I/O. The caller ticks it, feeds it
// peer messages with Step, and repeatedly drains Ready: persist HardState,
// Entries and Snapshot; then send Messages; then apply CommittedEntries; then
// call Advance. See docs/raft.md for the paper rule behind each part.
package raft
