package schedule

import (
	"testing"
	"time"
)

// The listing holds the running operators and only the last HistorySize finished ones, the
// latest started first, with their outcome, source and times; limit cuts it.
func TestListingHistoryBoundAndOrder(t *testing.T) {
	f := newFixture(t, Config{})
	oc := f.env.Ops
	total := HistorySize + 44
	for i := 1; i <= total; i++ {
		r := regionSpec{id: uint64(i), stores: []uint64{1, 2}}.info()
		oc.AddOperator(NewOperator(BalanceLeaderName, r, KindLeader, PriorityNormal, f.now, time.Minute,
			TransferLeader{FromStore: 1, ToStore: 2, ToPeerID: peerOn(uint64(i), 2).GetId()}))
		f.advance(time.Millisecond)
		if i < total && !oc.RemoveOperator(uint64(i)) { // the last one stays running
			t.Fatalf("operator %d not removed", i)
		}
	}
	all := oc.Listing(0)
	if len(all) != HistorySize+1 {
		t.Fatalf("listing has %d, want %d (256 finished + 1 running)", len(all), HistorySize+1)
	}
	first := all[0]
	if first.RegionId != uint64(total) || first.Status != StatusRunning || first.EndUnixMs != 0 ||
		first.Source != BalanceLeaderName || first.Kind != BalanceLeaderName {
		t.Fatalf("newest = %v, want region %d running from %s", first, total, BalanceLeaderName)
	}
	for i, info := range all[1:] {
		want := uint64(total - 1 - i)
		if info.RegionId != want || info.Status != StatusCancelled || info.EndUnixMs < info.StartUnixMs {
			t.Fatalf("listing[%d] = %v, want region %d cancelled", i+1, info, want)
		}
	}
	if got := oc.Listing(5); len(got) != 5 || got[4].RegionId != uint64(total-4) {
		t.Fatalf("Listing(5) = %v", got)
	}
}

// Each way of leaving the controller is recorded with its status.
func TestListingStatuses(t *testing.T) {
	f := newFixture(t, Config{})
	oc := f.env.Ops
	tl := func(id uint64, p Priority, kind Kind) *Operator {
		r := regionSpec{id: id, stores: []uint64{1, 2}}.info()
		return NewOperator("t", r, kind, p, f.now, time.Minute,
			TransferLeader{FromStore: 1, ToStore: 2, ToPeerID: peerOn(id, 2).GetId()})
	}
	oc.AddOperator(tl(1, PriorityNormal, KindLeader))
	oc.AddOperator(tl(1, PriorityHigh, KindReplica)) // replaces the first
	oc.Dispatch(regionSpec{id: 1, stores: []uint64{1, 2}, leader: 2}.info())
	f.advance(time.Millisecond)
	oc.AddOperator(tl(2, PriorityNormal, KindLeader))
	f.advance(2 * time.Minute)
	oc.RemoveExpired()
	got := map[string]string{}
	for _, info := range oc.Listing(0) {
		got[info.Status] += info.Source + " "
	}
	want := map[string]string{StatusReplaced: "t ", StatusSuccess: "replica-checker ", StatusTimeout: "t "}
	if len(got) != len(want) || got[StatusReplaced] != want[StatusReplaced] || got[StatusSuccess] != want[StatusSuccess] ||
		got[StatusTimeout] != want[StatusTimeout] {
		t.Fatalf("statuses by source = %v, want %v", got, want)
	}
}
