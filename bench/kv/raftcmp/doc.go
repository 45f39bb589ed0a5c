// Package raftcmp compares TinyKV's Raft library (kv/raft) with etcd's
// (go.etcd.io/raft/v3): three in-memory nodes driven by the same
// single-goroutine Ready loop, with messages delivered synchronously.
//
// Subpackage gee and subpackage etcd each link one library and run the
// shared driver in this package under the same benchmark names (the split
// dates from when both registered protobuf types as raftpb.*; it also keeps
// each benchmark binary free of the other library). Run both in one go:
//
//	cd bench && go run ./cmd/compare -bench RaftProposal -pkgs ./kv/raftcmp/... -count 3
package raftcmp
