package kv

import (
	"context"
	"testing"
)

// store is what the workloads drive: one implementation's client over its
// 3-process cluster. Put and Get must be safe for concurrent use. Get is
// linearizable and reports found=false for an absent key.
type store interface {
	Put(ctx context.Context, key, value []byte) error
	Get(ctx context.Context, key []byte) (value []byte, found bool, err error)
}

// cluster is a running cluster (3 servers, plus tinykv-scheduler in
// gee-8regions) with a connected client.
type cluster struct {
	store
	// procs are the server processes (the scheduler too), for profiling and
	// their CPU time.
	procs []*proc
	// txn runs the transactional workloads; nil where the cluster has no
	// transactions (static TinyKV has no timestamp oracle).
	txn   txnStore
	close func()
}

// impl starts one implementation's cluster with its data under dir; flags
// are extra server flags (TinyKV only).
type impl struct {
	name  string
	start func(tb testing.TB, dir string, flags []string) *cluster
	// optIn: run only when KVBENCH_IMPLS names it (diagnostic variants).
	optIn bool
	// txn: the cluster runs the transactional workloads (cluster.txn set).
	txn bool
	// missing, if set, says why the implementation cannot run here.
	missing func() string
}
