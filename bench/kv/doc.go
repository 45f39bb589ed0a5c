// Package kv benchmarks TinyKV (3 cmd/tinykv-server processes in raft
// mode, driven through kv/client) against etcd (3 go.etcd.io/etcd embed
// members in their own processes, see etcdmember, driven through clientv3).
// Both keep fsync on. TinyKV runs twice: "gee", one region over a static
// -peers cluster, and "gee-8regions", cmd/tinykv-scheduler plus 3 stores
// started with -scheduler, the key space split at the workloads' 8 key
// buckets (splitKeys) and the leaders balanced over the stores before
// anything is measured, driven by kv/client's scheduler mode.
// KVBENCH_IMPLS=gee-8regions,etcd narrows the run. Workloads, named
// BenchmarkKV/<workload>/<impl>:
//
//	put-c64  64 concurrent clients, 128-byte values, distinct keys
//	get-c64  64 concurrent clients, linearizable gets of preloaded keys
//	put-c1   one client, sequential puts (latency)
//
// Each reports ops/s, p50-ms, p99-ms, srv-cpu-us/op and cli-cpu-us/op
// besides ns/op. BenchmarkTxn/<workload>/<impl> runs transactions (64
// clients, TinyKV clusters with the scheduler's TSO and etcd) and reports
// committed txns/s and abort-rate instead of ops/s:
//
//	txn-1key   write 1 random key of 10 000 (etcd: CAS Txn on mod_revision)
//	txn-10key  write 10 random keys (etcd: one Txn, 10 compares + 10 puts)
//	rmw        increment a key of a 1 000-key hot set (etcd: concurrency.STM)
//
// KVBENCH_TXN_ROUNDS=3 alternates the implementations round by round. The clusters are real processes, so the benchmark runs
// only when asked for:
//
//	cd bench && go test -run '^$' -bench KV -benchtime 5s -count 3 ./kv
//
// See docs/kv-bench.md for the numbers.
package kv
