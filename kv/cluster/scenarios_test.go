package cluster

import (
	"io"
	"os"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/raftstore"
)

// factory is the store under test: the real raftstore, its warnings on stderr only
// when KV_CLUSTER_LOG is set.
func factory() StoreFactory {
	if os.Getenv("KV_CLUSTER_LOG") != "" {
		return Raftstore(os.Stderr, nil)
	}
	return Raftstore(nil, nil)
}

// leaseFactory builds stores that answer linearizable reads from the leader lease, the
// default of tinykv-server.
func leaseFactory() StoreFactory {
	var w io.Writer
	if os.Getenv("KV_CLUSTER_LOG") != "" {
		w = os.Stderr
	}
	return Raftstore(w, func(cfg *raftstore.Config) { cfg.LeaseReads = true })
}

// shortGC is the log GC limit of the short snapshot scenarios: small, so a one-second
// round writes enough to compact several times.
const shortGC = 20

func TestBasic(t *testing.T) { Scenario{Clients: 1}.Run(t, factory()) }

func TestConcurrent(t *testing.T) { Scenario{Clients: 5, Contention: 3}.Run(t, factory()) }

func TestUnreliable(t *testing.T) { Scenario{Clients: 5, Drop: 0.1}.Run(t, factory()) }

func TestReorderDuplicate(t *testing.T) {
	Scenario{Clients: 3, Contention: 2, Chaos: true}.Run(t, factory())
}

func TestManyPartitionsOneClient(t *testing.T) {
	Scenario{Clients: 1, Partitions: true}.Run(t, factory())
}

func TestManyPartitionsManyClients(t *testing.T) {
	Scenario{Clients: 5, Contention: 2, Partitions: true}.Run(t, factory())
}

func TestPersistOneClient(t *testing.T) { Scenario{Clients: 1, Restart: true}.Run(t, factory()) }

func TestPersistConcurrent(t *testing.T) {
	Scenario{Clients: 5, Contention: 2, Restart: true}.Run(t, factory())
}

func TestPersistConcurrentUnreliable(t *testing.T) {
	Scenario{Clients: 5, Drop: 0.1, Restart: true}.Run(t, factory())
}

func TestPersistPartition(t *testing.T) {
	Scenario{Clients: 5, Partitions: true, Restart: true}.Run(t, factory())
}

func TestPersistPartitionUnreliable(t *testing.T) {
	Scenario{Clients: 5, Drop: 0.1, Partitions: true, Restart: true}.Run(t, factory())
}

func TestSnapshotRecover(t *testing.T) {
	Scenario{Clients: 1, Restart: true, GCLimit: shortGC}.Run(t, factory())
}

func TestSnapshotRecoverManyClients(t *testing.T) {
	Scenario{Clients: 5, Restart: true, GCLimit: shortGC}.Run(t, factory())
}

// TestSnapshotLaggingStore cuts one store off for half of every round, so with a small
// GC limit it can only catch up by snapshot, with drops and partitions on top.
func TestSnapshotLaggingStore(t *testing.T) {
	Scenario{Clients: 3, Drop: 0.05, IsolateOne: true, GCLimit: 10, MinSnapshots: 1, RoundTime: 2 * time.Second}.Run(t, factory())
}

func TestSnapshotUnreliable(t *testing.T) {
	Scenario{Clients: 5, Drop: 0.1, GCLimit: shortGC}.Run(t, factory())
}

func TestSnapshotUnreliableRecover(t *testing.T) {
	Scenario{Clients: 5, Drop: 0.1, Restart: true, GCLimit: shortGC}.Run(t, factory())
}

func TestSnapshotUnreliableRecoverConcurrentPartition(t *testing.T) {
	Scenario{Clients: 5, Drop: 0.1, Restart: true, Partitions: true, IsolateOne: true, GCLimit: shortGC}.Run(t, factory())
}

// TestChaos combines every fault: drops, delays, duplicates, partitions, a store crashed
// mid-round, every store restarted between rounds, and log GC with snapshots.
func TestChaos(t *testing.T) {
	Scenario{Clients: 3, Contention: 3, Drop: 0.05, Chaos: true, Partitions: true, Restart: true,
		CrashOne: true, GCLimit: shortGC, RoundTime: 1500 * time.Millisecond}.Run(t, factory())
}

// TestLeaseReadsChaos runs every fault with lease reads: a leader cut off, crashed or
// stalled must not answer a read from a lease that no longer holds, or porcupine finds
// the stale value.
func TestLeaseReadsChaos(t *testing.T) {
	Scenario{Clients: 3, Contention: 3, Drop: 0.05, Chaos: true, Partitions: true, Restart: true,
		CrashOne: true, GCLimit: shortGC, RoundTime: 1500 * time.Millisecond}.Run(t, leaseFactory())
}
