// Package raftcmp compares TinyKV's Raft library (kv/raft) with etcd's
// (go.etcd.io/raft/v3): three in-memory nodes driven by the same
// single-goroutine Ready loop, with messages delivered synchronously.
//
// The two libraries register protobuf types with the same full names
// (raftpb.Message, ...), so they cannot share a binary: subpackage gee and
// subpackage etcd each hold one implementation and run the shared driver in
// this package under the same benchmark names. Run both in one go:
//
//	cd bench && go run ./cmd/compare -bench RaftProposal -pkgs ./kv/raftcmp/... -count 3
package raftcmp
