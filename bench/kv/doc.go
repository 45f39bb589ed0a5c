// Package kv benchmarks TinyKV (3 cmd/tinykv-server processes in raft
// mode, driven through kv/client) against etcd (3 go.etcd.io/etcd embed
// members in their own processes, see etcdmember, driven through clientv3).
// Both keep fsync on. Workloads, named BenchmarkKV/<workload>/<impl> with
// impl "gee" for TinyKV:
//
//	put-c64  64 concurrent clients, 128-byte values, distinct keys
//	get-c64  64 concurrent clients, linearizable gets of preloaded keys
//	put-c1   one client, sequential puts (latency)
//
// Each reports ops/s, p50-ms and p99-ms besides ns/op. The clusters are
// real processes, so the benchmark runs only when asked for:
//
//	cd bench && go test -run '^$' -bench KV -benchtime 5s -count 3 ./kv
//
// See docs/kv-bench.md for the numbers.
package kv
