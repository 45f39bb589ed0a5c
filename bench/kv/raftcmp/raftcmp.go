package raftcmp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
)

// Cluster is one implementation's 3-node in-memory cluster whose node 1 is
// the leader. Implementations follow the same loop in Settle: for every
// node with a Ready, persist entries and hard state to its MemoryStorage,
// queue its messages, count (and optionally record) its committed entries
// and Advance; then deliver the queued messages; repeat until no node has
// work.
type Cluster interface {
	// Propose hands data to the leader.
	Propose(data []byte) error
	// Settle runs the loop until quiet.
	Settle(tb testing.TB)
	// Applied is how many committed entries node id (1..3) has applied.
	Applied(id uint64) uint64
	// AppliedData returns the non-empty normal entries node id applied, in
	// order, if the cluster was started to record them.
	AppliedData(id uint64) [][]byte
	// Compact snapshots and truncates every node's log at its applied index.
	Compact(tb testing.TB)
}

// Starter builds a Cluster with an elected leader and no pending work;
// record asks it to keep applied payloads for AppliedData.
type Starter func(tb testing.TB, record bool) Cluster

// MaxRounds bounds Settle: a healthy cluster goes quiet in a few rounds.
const MaxRounds = 10_000

// CheckReplicates proposes a few hundred numbered payloads, with a
// compaction midway, and fails t unless every node applied all of them in
// order — so the benchmark counts real replication.
func CheckReplicates(t *testing.T, start Starter) {
	c := start(t, true)
	const n = 300
	for i := 0; i < n; i++ {
		if err := c.Propose(numbered(i)); err != nil {
			t.Fatal(err)
		}
		if i%7 == 6 {
			c.Settle(t)
		}
		if i == n/2 {
			c.Settle(t)
			c.Compact(t)
		}
	}
	c.Settle(t)
	for id := uint64(1); id <= 3; id++ {
		got := c.AppliedData(id)
		if len(got) != n {
			t.Fatalf("node %d applied %d payloads, want %d", id, len(got), n)
		}
		for i, d := range got {
			if want := numbered(i); !bytes.Equal(d, want) {
				t.Fatalf("node %d entry %d = %x, want %x", id, i, d, want)
			}
		}
	}
}

func numbered(i int) []byte {
	d := make([]byte, 64)
	binary.BigEndian.PutUint64(d, uint64(i))
	return d
}

// BenchProposals runs b.Run("64B/batch<N>/<impl>") for N = 1 (one proposal
// per round trip) and 64 (64 proposals in flight per round trip), with
// 64-byte payloads, reporting proposals/s committed and applied on all
// three nodes, and allocs/op.
func BenchProposals(b *testing.B, impl string, start Starter) {
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("64B/batch%d/%s", batch, impl), func(b *testing.B) {
			benchProposal(b, start, 64, batch)
		})
	}
}

func benchProposal(b *testing.B, start Starter, size, batch int) {
	c := start(b, false)
	data := make([]byte, size)
	begin := c.Applied(3)
	b.ReportAllocs()
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Propose(data); err != nil {
			b.Fatal(err)
		}
		if (i+1)%batch == 0 || i == b.N-1 {
			c.Settle(b)
		}
		if i%8192 == 8191 {
			b.StopTimer()
			c.Compact(b)
			b.StartTimer()
		}
	}
	b.StopTimer()
	if got := c.Applied(3) - begin; got != uint64(b.N) {
		b.Fatalf("node 3 applied %d of %d proposals", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proposals/s")
}
