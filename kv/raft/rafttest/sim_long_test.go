//go:build long

package rafttest

import "testing"

// TestSimulationManySeeds runs thousands of seeds (make test-long).
func TestSimulationManySeeds(t *testing.T) {
	for seed := uint64(10_000); seed < 15_000; seed++ {
		runSeed(t, multiRegion(DefaultOptions(seed)))
	}
	for seed := uint64(20_000); seed < 21_000; seed++ {
		o := multiRegion(DefaultOptions(seed))
		o.Voters, o.Spares, o.Steps = 5, 2, 3000
		runSeed(t, o)
	}
	for seed := uint64(40_000); seed < 42_000; seed++ {
		o := DefaultOptions(seed)
		o.CheckQuorum, o.LeaseReads, o.LeaderReads = true, true, true
		runSeed(t, o)
	}
	for seed := uint64(50_000); seed < 51_000; seed++ {
		o := DefaultOptions(seed)
		o.CheckQuorum, o.LeaseReads, o.LeaderReads, o.Hibernate = true, true, true, true
		runSeed(t, o)
	}
	for seed := uint64(30_000); seed < 31_000; seed++ {
		o := DefaultOptions(seed)
		o.Figure8, o.Voters, o.Spares, o.ConfChanges = true, 3+2*int(seed%2), 0, false
		runSeed(t, o)
	}
}
