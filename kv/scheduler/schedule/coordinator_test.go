package schedule

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/scheduler/core"
)

func TestNewCoordinatorRejectsBadConfig(t *testing.T) {
	c := core.NewCluster()
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{MaxReplicas: -1}, "negative"},
		{Config{MaxStoreDownTime: -time.Second}, "negative duration"},
		{Config{Schedulers: []string{"balance-hotness"}}, "unknown scheduler"},
	} {
		if _, err := NewCoordinator(c, &testIDs{}, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%+v: got %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
	if _, err := NewCoordinator(nil, &testIDs{}, Config{}); err == nil {
		t.Fatal("nil cluster accepted")
	}
	co, err := NewCoordinator(c, &testIDs{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg := co.Config(); cfg.MaxReplicas != 3 || len(cfg.Schedulers) != 2 {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
}

func TestCoordinatorRoundRespectsLimits(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4, 5)
	for id := uint64(1); id <= 40; id++ {
		f.put(regionSpec{id: id, size: mb, leader: 1, stores: []uint64{1}}) // under-replicated
	}
	co, err := NewCoordinator(f.c, &testIDs{}, Config{ReplicaScheduleLimit: 5, DisableBalance: true,
		Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	st := co.RunOnce()
	if st.Replica != 5 || co.Operators().Count(KindReplica) != 5 {
		t.Fatalf("round %+v with %d replica operators, want 5 (the limit)", st, co.Operators().Count(KindReplica))
	}
	if step := co.Dispatch(f.c.GetRegion(co.Operators().Operators()[0].RegionID())); step == nil {
		t.Fatal("Dispatch returned nothing for a region with a fresh operator")
	}
	if st := co.RunOnce(); st.Replica != 0 {
		t.Fatalf("second round at the limit added %d operators", st.Replica)
	}
	if added := co.TakeAdded(); len(added) != 5 {
		t.Fatalf("TakeAdded = %v, want the 5 regions given operators", added)
	}
	if added := co.TakeAdded(); len(added) != 0 {
		t.Fatalf("second TakeAdded = %v, want none", added)
	}
}

func TestCoordinatorRunStopsOnCancel(t *testing.T) {
	co, err := NewCoordinator(core.NewCluster(), &testIDs{}, Config{ScheduleInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { co.Run(ctx); close(done) }()
	time.Sleep(5 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// TestOperatorToSilentStoreAbandoned: an operator adding a peer on (or handing a leader to) a
// store that stops heartbeating is dropped in the next round after StoreDisconnectTime instead of
// holding its region for the 10-minute operator timeout; the replica checker then repairs the
// region with another store.
func TestOperatorToSilentStoreAbandoned(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	f.put(regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2}}) // one replica short
	co, err := NewCoordinator(f.c, &testIDs{}, Config{DisableBalance: true, StoreDisconnectTime: 10 * time.Second,
		Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	if st := co.RunOnce(); st.Replica != 1 {
		t.Fatalf("round %+v, want one replica operator", st)
	}
	op := co.Operators().GetOperator(1)
	target := newPeer(op).ToStore
	other := uint64(3)
	if target == 3 {
		other = 4
	}
	f.advance(5 * time.Second)
	for _, id := range []uint64{1, 2, other} {
		f.beat(id)
	}
	if st := co.RunOnce(); st.Abandoned != 0 || co.Operators().GetOperator(1) != op {
		t.Fatalf("round %+v dropped the operator before StoreDisconnectTime", st)
	}
	f.advance(6 * time.Second) // target silent for 11 s
	for _, id := range []uint64{1, 2, other} {
		f.beat(id)
	}
	st := co.RunOnce()
	if st.Abandoned != 1 {
		t.Fatalf("round %+v, want the operator to silent store %d abandoned", st, target)
	}
	next := co.Operators().GetOperator(1)
	if next == nil || newPeer(next).ToStore != other {
		t.Fatalf("replacement operator %v, want AddPeer on store %d", next, other)
	}
}
