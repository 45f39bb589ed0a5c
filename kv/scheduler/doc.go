// Package scheduler is TinyKV's scheduler server (a scaled-down TiKV PD): it bootstraps the
// cluster, allocates ids and timestamps that never repeat across restarts, keeps the region and
// store cache (kv/scheduler/core) fed by heartbeats, persists its metadata in pebble, and answers
// region heartbeats with the commands the scheduling policies (kv/scheduler/schedule) ask for.
//
// The gRPC API is kv/proto/schedulerpb; the Go client is kv/schedclient; the binary is
// cmd/tinykv-scheduler. docs/kv-scheduler.md describes the design.
package scheduler
