package gcworker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
)

type fakeSafePoints struct {
	sp   atomic.Uint64
	fail atomic.Bool
}

func (f *fakeSafePoints) GetGCSafePoint(context.Context) (uint64, error) {
	if f.fail.Load() {
		return 0, errors.New("scheduler unreachable")
	}
	return f.sp.Load(), nil
}

type call struct {
	region, version, sp uint64
	start, end          string
	peer                uint64
}

// fakeCollector records calls; failFor makes a region's next collections fail.
type fakeCollector struct {
	mu      sync.Mutex
	calls   []call
	failFor map[uint64]int
	block   bool // wait for the context to end, then fail with its error
	floor   atomic.Uint64
}

func (f *fakeCollector) RaiseGCFloor(sp uint64) { f.floor.Store(max(f.floor.Load(), sp)) }

func (f *fakeCollector) GC(ctx context.Context, kvctx *kvrpcpb.Context, sp uint64, start, end []byte) (int, error) {
	if f.block {
		<-ctx.Done()
		return 0, ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{kvctx.GetRegionId(), kvctx.GetRegionEpoch().GetVersion(), sp, string(start), string(end), kvctx.GetPeer().GetId()})
	if f.failFor[kvctx.GetRegionId()] > 0 {
		f.failFor[kvctx.GetRegionId()]--
		return 0, errors.New("injected failure")
	}
	return 3, nil
}

func (f *fakeCollector) got() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

type fakeRegions struct {
	mu  sync.Mutex
	led []Region
}

func (f *fakeRegions) set(rs ...Region) { f.mu.Lock(); f.led = rs; f.mu.Unlock() }
func (f *fakeRegions) list() []Region   { f.mu.Lock(); defer f.mu.Unlock(); return f.led }

func region(id, version uint64, start, end string) Region {
	return Region{Meta: &metapb.Region{Id: id, StartKey: []byte(start), EndKey: []byte(end),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: version}, Peers: []*metapb.Peer{{Id: id + 100, StoreId: 1}}},
		Peer: &metapb.Peer{Id: id + 100, StoreId: 1}}
}

func start(t *testing.T, sp SafePoints, c Collector, rs *fakeRegions) *Worker {
	t.Helper()
	w, err := Start(Config{SafePoints: sp, Collector: c, Regions: rs.list, Interval: 5 * time.Millisecond, CallTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}

// waitRounds waits (at most 10 s) until the worker has answered n more safe point checks.
func waitRounds(t *testing.T, w *Worker, n uint64) {
	t.Helper()
	target := w.Stats().Rounds + n
	deadline := time.Now().Add(10 * time.Second)
	for w.Stats().Rounds < target {
		if time.Now().After(deadline) {
			t.Fatalf("worker did not reach %d rounds: %+v", target, w.Stats())
		}
		time.Sleep(time.Millisecond)
	}
}

// Nothing is collected while the safe point is 0; once it moves each led region is collected once
// with its own range, epoch and peer; later rounds at the same safe point do nothing; a higher one
// collects again.
func TestCollectsEachLedRegionOncePerSafePoint(t *testing.T) {
	sp, c, rs := &fakeSafePoints{}, &fakeCollector{}, &fakeRegions{}
	rs.set(region(1, 1, "", "m"), region(2, 1, "m", ""))
	w := start(t, sp, c, rs)
	waitRounds(t, w, 3)
	if got := c.got(); len(got) != 0 {
		t.Fatalf("collected at safe point 0: %v", got)
	}
	sp.sp.Store(100)
	waitRounds(t, w, 3)
	if f := c.floor.Load(); f != 100 {
		t.Fatalf("collector's GC floor %d, want the safe point 100", f)
	}
	want := []call{{1, 1, 100, "", "m", 101}, {2, 1, 100, "m", "", 102}}
	if got := c.got(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	if s := w.Stats(); s.Collected != 2 || s.Removed != 6 || s.SafePoint != 100 {
		t.Fatalf("stats %+v", s)
	}
	sp.sp.Store(200)
	waitRounds(t, w, 3)
	if got := c.got(); len(got) != 4 || got[2].sp != 200 || got[3].sp != 200 {
		t.Fatalf("after raising to 200: %v", got)
	}
}

// A failed region keeps being retried (and only it); a region whose epoch version changed (split)
// or that this store newly leads is collected at the current safe point.
func TestFailedAndChangedRegionsCollectedAgain(t *testing.T) {
	sp, c, rs := &fakeSafePoints{}, &fakeCollector{failFor: map[uint64]int{2: 2}}, &fakeRegions{}
	sp.sp.Store(50)
	rs.set(region(1, 1, "", "m"), region(2, 1, "m", ""))
	w := start(t, sp, c, rs)
	waitRounds(t, w, 5)
	per := map[uint64]int{}
	for _, x := range c.got() {
		per[x.region]++
	}
	if per[1] != 1 || per[2] != 3 {
		t.Fatalf("collections per region %v, want 1 for region 1 and 3 (two failures) for region 2", per)
	}
	if s := w.Stats(); s.Failed != 2 || s.Collected != 2 {
		t.Fatalf("stats %+v", s)
	}
	rs.set(region(1, 2, "", "f"), region(3, 2, "f", "m"), region(2, 1, "m", ""))
	waitRounds(t, w, 3)
	got := c.got()
	if len(got) != 6 || got[4].region != 1 || got[4].end != "f" || got[5].region != 3 {
		t.Fatalf("after a split: %v", got)
	}
}

// A safe point the scheduler cannot give means no collection; it resumes once it can.
func TestSchedulerErrorsSkipRound(t *testing.T) {
	sp, c, rs := &fakeSafePoints{}, &fakeCollector{}, &fakeRegions{}
	sp.sp.Store(10)
	sp.fail.Store(true)
	rs.set(region(1, 1, "", ""))
	w, err := Start(Config{SafePoints: sp, Collector: c, Regions: rs.list, Interval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	time.Sleep(50 * time.Millisecond)
	if len(c.got()) != 0 || w.Stats().Rounds != 0 {
		t.Fatalf("collected without a safe point: %v %+v", c.got(), w.Stats())
	}
	sp.fail.Store(false)
	waitRounds(t, w, 2)
	if len(c.got()) != 1 {
		t.Fatalf("calls after the scheduler came back: %v", c.got())
	}
}

// Stop cuts off a collection in progress and returns promptly, and may be called twice.
func TestStopCancelsCollection(t *testing.T) {
	sp, rs := &fakeSafePoints{}, &fakeRegions{}
	sp.sp.Store(10)
	rs.set(region(1, 1, "", ""))
	w, err := Start(Config{SafePoints: sp, Collector: &fakeCollector{block: true}, Regions: rs.list, Interval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	began := time.Now()
	w.Stop()
	w.Stop()
	if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("Stop took %v", d)
	}
}

func TestStartNeedsConfig(t *testing.T) {
	if _, err := Start(Config{SafePoints: &fakeSafePoints{}}); err == nil {
		t.Fatal("Start accepted a config without Collector and Regions")
	}
}
