package raft

import (
	"fmt"
	"testing"
)

// BenchmarkProposal measures a 3-node in-memory cluster: proposals
// committed and applied on every node per second, and allocations per
// proposal. batch is how many proposals are in flight per round trip.
func BenchmarkProposal(b *testing.B) {
	for _, size := range []int{64, 1024} {
		for _, batch := range []int{1, 64} {
			name := fmt.Sprintf("%dB/batch%d", size, batch)
			if size == 1024 {
				name = fmt.Sprintf("1KiB/batch%d", batch)
			}
			b.Run(name, func(b *testing.B) { benchProposal(b, size, batch) })
		}
	}
}

func benchProposal(b *testing.B, size, batch int) {
	c := newRawCluster(b, 3)
	c.shareMsgs = true
	_ = c.nodes[1].Campaign()
	c.settle(b)
	data := make([]byte, size)
	start := c.appliedIdx[3]
	b.ReportAllocs()
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.nodes[1].Propose(data); err != nil {
			b.Fatal(err)
		}
		if (i+1)%batch == 0 || i == b.N-1 {
			c.settle(b)
		}
		if i%8192 == 8191 {
			b.StopTimer()
			compactAll(b, c)
			b.StartTimer()
		}
	}
	b.StopTimer()
	if got := c.appliedIdx[3] - start; got != uint64(b.N) {
		b.Fatalf("node 3 applied %d of %d proposals", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proposals/s")
}

// compactAll keeps the in-memory logs from growing without bound.
func compactAll(b *testing.B, c *rawCluster) {
	for id, s := range c.storage {
		applied := c.nodes[id].Status().Applied
		if _, err := s.CreateSnapshot(applied, nil, nil); err != nil {
			b.Fatal(err)
		}
		if err := s.Compact(applied); err != nil {
			b.Fatal(err)
		}
	}
}
