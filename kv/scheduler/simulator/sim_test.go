package simulator

import (
	"flag"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/scheduler/schedule"
)

var full = flag.Bool("sim.full", false, "run the simulator tests at full size (100 stores, 100,000 regions)")

// scale returns the full-size figure under -sim.full, else the short one.
func scale(short, fullSize int) int {
	if *full {
		return fullSize
	}
	return short
}

func TestBalanceFromTenfoldSkew(t *testing.T) {
	stores, regions := scale(30, 100), scale(3000, 100_000)
	s, err := New(Config{Stores: stores, Regions: regions, InitialStores: stores / 10,
		Schedule: schedule.Config{RegionScheduleLimit: 256}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rounds, err := s.RunUntilBalanced(20_000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d stores, %d regions, all on %d stores: balanced in %d rounds (%v); created %+v; controller %+v",
		stores, regions, stores/10, rounds, time.Since(start), s.Totals, s.Coord.Operators().Stats())
	// Every store ends with regions×3/stores replicas give or take: 90% of the replicas had to move, and moving
	// more than 5% beyond that means the balancer overshot and moved regions back.
	if need := regions * 3 * 9 / 10; s.Totals.Region < need*95/100 || s.Totals.Region > need*105/100 {
		t.Fatalf("%d region moves, want about %d", s.Totals.Region, need)
	}
	checkReplicas(t, s, 3)
}

// TestKillStoreThenAddStore is the five-store scenario: one store dies for good and its replicas are rebuilt on
// the other four; then an empty sixth store joins and balance moves regions onto it.
func TestKillStoreThenAddStore(t *testing.T) {
	s, err := New(Config{Stores: 6, Regions: 300, InitialStores: 5,
		Schedule: schedule.Config{MaxStoreDownTime: time.Second, StoreDisconnectTime: 500 * time.Millisecond,
			DisableBalance: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint64{6, 3} { // the sixth store is not there yet: it comes up below
		if err := s.Kill(id); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 500; i++ {
		if _, err := s.Round(); err != nil {
			t.Fatal(err)
		}
	}
	live, total := s.ReplicaCounts()
	for id := range live {
		if live[id] != 3 || total[id] != 3 {
			t.Fatalf("region %d: %d live of %d replicas after store 3 died, want 3 of 3", id+1, live[id], total[id])
		}
	}

	// Store 6 comes up empty; balance-region fills it.
	s2, err := New(Config{Stores: 6, Regions: 300, InitialStores: 5})
	if err != nil {
		t.Fatal(err)
	}
	rounds, err := s2.RunUntilBalanced(2000)
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.Cluster.GetStore(6).RegionCount(); got < 140 {
		t.Fatalf("store 6 got %d regions, want about 150 (300 × 3 / 6)", got)
	}
	t.Logf("sixth store filled in %d rounds", rounds)
	checkReplicas(t, s2, 3)
}

func TestHeartbeatAllAppliesNothingWhenBalanced(t *testing.T) {
	s, err := New(Config{Stores: 10, Regions: 1000, Schedule: schedule.Config{DisableBalance: true}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.HeartbeatAll(4)
	if err != nil || n != 1000 {
		t.Fatalf("handled %d heartbeats, err %v; want 1000", n, err)
	}
	if st := s.Coord.Operators().Stats(); st.Running != 0 {
		t.Fatalf("operators on a healthy cluster: %+v", st)
	}
}

func TestNewRejectsBadShapes(t *testing.T) {
	for _, cfg := range []Config{{}, {Stores: 2, Regions: 1}, {Stores: 5, Regions: 1, InitialStores: 6}} {
		if _, err := New(cfg); err == nil {
			t.Fatalf("%+v accepted", cfg)
		}
	}
}

func checkReplicas(t *testing.T, s *Sim, want int) {
	t.Helper()
	_, total := s.ReplicaCounts()
	for id, n := range total {
		if n != want {
			t.Fatalf("region %d has %d replicas, want %d", id+1, n, want)
		}
	}
	if n := s.LearnerCount(); n != 0 {
		t.Fatalf("%d learners left after the moves, want every one promoted or removed", n)
	}
	for _, r := range s.Cluster.GetRegions() {
		if len(r.Peers()) != want {
			t.Fatalf("the cluster's view of %v has %d replicas, want %d", r, len(r.Peers()), want)
		}
	}
}
