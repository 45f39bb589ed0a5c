package rafttest

import "testing"

// simSeeds is the number of seeds in the normal test run; the long build
// tag runs thousands more.
const simSeeds = 300

func runSeed(t *testing.T, o Options) *Cluster {
	t.Helper()
	c, err := NewCluster(o)
	if err != nil {
		t.Fatalf("seed %d: %v", o.Seed, err)
	}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	return c
}

// multiRegion turns on the multi-region features for most seeds:
// learners, joint replacement, hibernation, in varying combinations.
func multiRegion(o Options) Options {
	o.Learners = o.Seed%4 != 0
	o.Joint = o.Seed%3 != 0
	o.Hibernate = o.Seed%2 == 1
	return o
}

func TestSimulationSeeds(t *testing.T) {
	acked := 0
	var st Stats
	for seed := uint64(1); seed <= simSeeds; seed++ {
		c := runSeed(t, multiRegion(DefaultOptions(seed)))
		acked += c.Acked()
		st.add(c.Stats)
	}
	// Every feature must actually be exercised by the chaos.
	if st.SnapshotsSent == 0 || st.ConfChangesApplied == 0 || st.ReadStates == 0 ||
		st.TimeoutNows == 0 || st.Restarts == 0 || st.Throttled == 0 ||
		st.ApplyLag == 0 || st.LeaseReads == 0 || st.LearnersAdded == 0 || st.Promotions == 0 ||
		st.JointEntered == 0 || st.JointLeft == 0 || st.Hibernations == 0 || st.Wakes == 0 {
		t.Fatalf("simulation did not exercise every feature: %+v", st)
	}
	t.Logf("stats %+v", st)
	// The simulation must make progress, not just stay safe by doing nothing.
	if acked < simSeeds*10 {
		t.Fatalf("only %d proposals acknowledged over %d seeds", acked, simSeeds)
	}
	t.Logf("%d proposals acknowledged over %d seeds", acked, simSeeds)
}

func TestSimulationFiveVoters(t *testing.T) {
	for seed := uint64(1000); seed < 1040; seed++ {
		o := multiRegion(DefaultOptions(seed))
		o.Voters, o.Spares = 5, 0
		runSeed(t, o)
	}
}

func TestSimulationIsDeterministic(t *testing.T) {
	for _, seed := range []uint64{7, 42, 99} {
		o := DefaultOptions(seed)
		if seed != 42 {
			o = multiRegion(o) // 7 and 99: learners, joint changes, hibernation
		}
		a := runSeed(t, o)
		b := runSeed(t, o)
		if a.Trace != b.Trace || a.Acked() != b.Acked() {
			t.Fatalf("seed %d: traces differ (%x/%d vs %x/%d)", seed, a.Trace, a.Acked(), b.Trace, b.Acked())
		}
	}
}

// TestSimulationFigure8 crashes leaders often while proposals flow, the
// pattern that exposes committing old-term entries by counting (§5.4.2).
func TestSimulationFigure8(t *testing.T) {
	for _, voters := range []int{3, 5} {
		for seed := uint64(2000); seed < 2030; seed++ {
			o := DefaultOptions(seed)
			o.Figure8, o.Voters, o.Spares, o.ConfChanges = true, voters, 0, false
			runSeed(t, o)
		}
	}
}

// TestSimulationLeaseReads runs lease-based reads with many reads at
// whichever nodes believe they lead, so a lease that outlives leadership
// shows up as a stale read.
func TestSimulationLeaseReads(t *testing.T) {
	var st Stats
	for seed := uint64(3000); seed < 3200; seed++ {
		o := DefaultOptions(seed)
		o.CheckQuorum, o.LeaseReads, o.LeaderReads = true, true, true
		st.add(runSeed(t, o).Stats)
	}
	if st.LeaseReads == 0 || st.ReadStates == st.LeaseReads {
		t.Fatalf("want both lease and safe-path reads: %+v", st)
	}
	t.Logf("stats %+v", st)
}

// TestSimulationHibernateLeaseReads hunts stale lease reads (as
// TestSimulationLeaseReads) in groups that go quiet and wake up: a quiet
// leader's stopped clock must never stretch its lease.
func TestSimulationHibernateLeaseReads(t *testing.T) {
	var st Stats
	for seed := uint64(5000); seed < 5100; seed++ {
		o := DefaultOptions(seed)
		o.CheckQuorum, o.LeaseReads, o.LeaderReads, o.Hibernate = true, true, true, true
		st.add(runSeed(t, o).Stats)
	}
	if st.LeaseReads == 0 || st.Hibernations == 0 || st.Wakes == 0 {
		t.Fatalf("want lease reads, hibernations and wakes: %+v", st)
	}
	t.Logf("stats %+v", st)
}
