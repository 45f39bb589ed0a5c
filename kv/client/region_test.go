package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/schedclient"
)

// regionSetup starts n fake stores holding region 1 (all keys), a real scheduler that
// knows them, then splits region 1 at each key (new regions 2, 3, ...) on the stores and
// reports every region to the scheduler. Region i is led by store ((i-1) % n) + 1.
func regionSetup(t *testing.T, n int, splits ...string) (*fakeCluster, *testScheduler) {
	t.Helper()
	fc := newFakeCluster(t, n)
	ts := startScheduler(t)
	ts.register(t, fc, fc.addRegion(1, "", ""))
	id := uint64(1)
	for _, k := range splits {
		id++
		fc.split(id-1, id, k)
	}
	for r := uint64(1); r <= id; r++ {
		fc.setLeader(r, (r-1)%uint64(n)+1)
		fc.mu.Lock()
		meta := fc.regions[r]
		fc.mu.Unlock()
		ts.report(t, fc, meta)
	}
	fc.takeCalls()
	return fc, ts
}

func regionClient(t *testing.T, ts *testScheduler, opts ...Option) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	base := []Option{WithBackoff(time.Millisecond, 20*time.Millisecond),
		WithSchedulerOptions(schedclient.WithBackoff(time.Millisecond, 20*time.Millisecond))}
	c, err := NewWithScheduler(ctx, []string{ts.addr}, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// callString renders calls as "store/region/method" for comparison.
func callString(calls []fakeCall) string {
	var out []string
	for _, c := range calls {
		out = append(out, fmt.Sprintf("%d/%d/%s", c.store, c.region, c.method))
	}
	return strings.Join(out, " ")
}

func letters(from, to byte) []KV {
	var out []KV
	for b := from; b <= to; b++ {
		out = append(out, KV{Key: []byte{b}, Value: []byte{b - 'a' + 'A'}})
	}
	return out
}

func TestRegionRoutesByKey(t *testing.T) {
	fc, ts := regionSetup(t, 3, "g", "p")
	c := regionClient(t, ts)
	ctx := ctxT(t)
	if c.Regions() != 3 {
		t.Fatalf("Regions() = %d after warming, want 3", c.Regions())
	}
	for _, k := range []string{"a", "h", "q"} {
		if err := c.Put(ctx, []byte(k), []byte("v"+k)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := callString(fc.takeCalls()), "1/1/put 2/2/put 3/3/put"; got != want {
		t.Fatalf("calls = %s, want %s", got, want)
	}
	if v, err := c.Get(ctx, []byte("h")); err != nil || string(v) != "vh" {
		t.Fatalf("Get(h) = %q, %v", v, err)
	}
	if err := c.Delete(ctx, []byte("q")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, []byte("q")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(q) after delete: %v", err)
	}
	if got, want := callString(fc.takeCalls()), "2/2/get 3/3/delete 3/3/get"; got != want {
		t.Fatalf("calls = %s, want %s", got, want)
	}
}

// The stores split region 1 but the scheduler never heard: the client learns the new
// regions from EpochNotMatch.
func TestRegionSplitSeenOnlyByStores(t *testing.T) {
	fc, ts := regionSetup(t, 1)
	c := regionClient(t, ts)
	ctx := ctxT(t)
	fc.split(1, 4, "m")
	if err := c.Put(ctx, []byte("x"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	if got, want := callString(fc.takeCalls()), "1/1/put 1/4/put"; got != want {
		t.Fatalf("calls = %s, want %s", got, want)
	}
	if err := c.Put(ctx, []byte("a"), []byte("2")); err != nil {
		t.Fatal(err)
	}
	if got, want := callString(fc.takeCalls()), "1/1/put"; got != want {
		t.Fatalf("after the split is learned: calls = %s, want %s", got, want)
	}
	if c.Regions() != 2 {
		t.Fatalf("Regions() = %d, want 2", c.Regions())
	}
}

func TestRegionLeaderChange(t *testing.T) {
	fc, ts := regionSetup(t, 3)
	c := regionClient(t, ts)
	ctx := ctxT(t)
	fc.setLeader(1, 3)
	if err := c.Put(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := c.Put(ctx, []byte("k2"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if got, want := callString(fc.takeCalls()), "1/1/put 3/1/put 3/1/put"; got != want {
		t.Fatalf("calls = %s, want %s (hint followed, then remembered)", got, want)
	}
}

// The leader's store is gone: the client tries another peer, which is the new leader.
func TestRegionStoreDown(t *testing.T) {
	fc, ts := regionSetup(t, 3)
	c := regionClient(t, ts)
	ctx := ctxT(t)
	fc.stores[1].g.Stop()
	fc.setLeader(1, 2)
	if err := c.Put(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if got, want := callString(fc.takeCalls()), "2/1/put"; got != want {
		t.Fatalf("calls = %s, want %s", got, want)
	}
}

func TestRegionKeyNotInRegionReloads(t *testing.T) {
	fc, ts := regionSetup(t, 1)
	c := regionClient(t, ts)
	ctx := ctxT(t)
	fc.setKeyNotInRegion(1, 1)
	if err := c.Put(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if got, want := callString(fc.takeCalls()), "1/1/put 1/1/put"; got != want {
		t.Fatalf("calls = %s, want %s", got, want)
	}
}

func TestRegionScanAcrossRegions(t *testing.T) {
	fc, ts := regionSetup(t, 3, "g", "p")
	c := regionClient(t, ts)
	ctx := ctxT(t)
	if err := c.BatchPut(ctx, letters('a', 'z')); err != nil {
		t.Fatal(err)
	}
	calls := callString(fc.takeCalls())
	for _, want := range []string{"1/1/batchput", "2/2/batchput", "3/3/batchput"} {
		if strings.Count(calls, want) != 1 {
			t.Fatalf("BatchPut calls = %s: want exactly one %s", calls, want)
		}
	}
	for _, tc := range []struct {
		start, end string
		limit      int
		want       string
	}{
		{"b", "", 20, "bcdefghijklmnopqrstu"},
		{"c", "r", 100, "cdefghijklmnopq"},
		{"", "", 100, "abcdefghijklmnopqrstuvwxyz"},
		{"a", "", 6, "abcdef"}, // the limit ends exactly at region 1's end
		{"h", "i", 10, "h"},
		{"zz", "", 10, ""},
	} {
		kvs, err := c.Scan(ctx, []byte(tc.start), []byte(tc.end), tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		for i, p := range kvs {
			got = append(got, p.Key...)
			if len(p.Key) != 1 || p.Value[0] != p.Key[0]-'a'+'A' {
				t.Fatalf("Scan(%q): pair %d = %s=%s", tc.start, i, p.Key, p.Value)
			}
		}
		if string(got) != tc.want {
			t.Fatalf("Scan(%q, %q, %d) = %q, want %q", tc.start, tc.end, tc.limit, got, tc.want)
		}
	}
	if got, want := callString(fc.takeCalls()[:3]), "1/1/scan 2/2/scan 3/3/scan"; got != want {
		t.Fatalf("first scan's calls = %s, want %s", got, want)
	}
}

func TestRegionBatchGetAcrossRegions(t *testing.T) {
	fc, ts := regionSetup(t, 3, "g", "p")
	c := regionClient(t, ts)
	ctx := ctxT(t)
	if err := c.BatchPut(ctx, letters('a', 'y')); err != nil {
		t.Fatal(err)
	}
	fc.takeCalls()
	keys := [][]byte{[]byte("q"), []byte("z"), []byte("a"), []byte("h"), []byte("b"), []byte("y")}
	kvs, err := c.BatchGet(ctx, keys)
	if err != nil || kvString(kvs) != "[q=Q a=A h=H b=B y=Y]" {
		t.Fatalf("BatchGet = %s, %v", kvString(kvs), err)
	}
	if calls := fc.takeCalls(); len(calls) != 3 {
		t.Fatalf("BatchGet calls = %s, want one per region", callString(calls))
	}
	// A split only the stores know: region 2's keys are regrouped after EpochNotMatch.
	fc.split(2, 9, "k")
	kvs, err = c.BatchGet(ctx, [][]byte{[]byte("l"), []byte("h"), []byte("c")})
	if err != nil || kvString(kvs) != "[l=L h=H c=C]" {
		t.Fatalf("BatchGet after a split = %s, %v", kvString(kvs), err)
	}
	// Regions 1 and 2 at once, region 2 answers EpochNotMatch, then regions 2 and 9.
	if calls := callString(fc.takeCalls()); len(strings.Fields(calls)) != 4 || !strings.Contains(calls, "2/9/batchget") {
		t.Fatalf("BatchGet after a split: calls = %s", calls)
	}
	if err := c.BatchPut(ctx, []KV{{[]byte("j"), []byte("1")}, {[]byte("m"), []byte("2")}}); err != nil {
		t.Fatal(err)
	}
	if got, want := callString(fc.takeCalls()), "2/2/batchput 2/9/batchput"; got != want && got != "2/9/batchput 2/2/batchput" {
		t.Fatalf("BatchPut after the split: calls = %s, want %s", got, want)
	}
}

func TestRegionBoundedAttempts(t *testing.T) {
	fc, ts := regionSetup(t, 1)
	c := regionClient(t, ts, WithMaxAttempts(4))
	fc.setBusy(1, -1)
	err := c.Put(ctxT(t), []byte("k"), []byte("v"))
	var re *RegionError
	if !errors.As(err, &re) || re.Err.GetServerIsBusy() == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Fatalf("err = %v, want a ServerIsBusy RegionError after 4 attempts", err)
	}
	if !strings.Contains(err.Error(), `region 1 (key "k")`) {
		t.Fatalf("err = %v does not name the region and key", err)
	}
	if n := len(fc.takeCalls()); n != 4 {
		t.Fatalf("%d calls, want 4", n)
	}
}

func TestRegionCancelStopsRetries(t *testing.T) {
	fc, ts := regionSetup(t, 1)
	c := regionClient(t, ts, WithMaxAttempts(1<<20))
	fc.setBusy(1, -1)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Get(ctx, []byte("k"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("returned %v after the deadline", d)
	}
	n := len(fc.takeCalls())
	time.Sleep(50 * time.Millisecond)
	if m := len(fc.takeCalls()); m != 0 || n == 0 {
		t.Fatalf("%d calls before the deadline, %d after", n, m)
	}
}

// Concurrent callers while the stores split and move a leader: every write is read back.
func TestRegionConcurrentWithSplit(t *testing.T) {
	fc, ts := regionSetup(t, 3, "m")
	c := regionClient(t, ts)
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				k := []byte(fmt.Sprintf("%c%02d-%d", 'a'+(i*7+w)%26, i, w))
				if err := c.Put(ctx, k, k); err != nil {
					errs <- err
					return
				}
				if v, err := c.Get(ctx, k); err != nil || string(v) != string(k) {
					errs <- fmt.Errorf("Get(%s) = %q, %v", k, v, err)
					return
				}
			}
		}()
	}
	fc.split(1, 7, "f")
	fc.setLeader(2, 1)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	kvs, err := c.Scan(ctx, nil, nil, 1000)
	if err != nil || len(kvs) != 8*40 {
		t.Fatalf("Scan: %d pairs, %v; want %d", len(kvs), err, 8*40)
	}
}

// A region the client cached is gone (merged away): RegionNotFound drops it and the
// scheduler's newer answer is used.
func TestRegionNotFoundReloads(t *testing.T) {
	fc, ts := regionSetup(t, 1, "m")
	c := regionClient(t, ts)
	ctx := ctxT(t)
	ts.report(t, fc, fc.mergeRight(1, 2))
	if err := c.Put(ctx, []byte("x"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if got, want := callString(fc.takeCalls()), "1/2/put 1/1/put"; got != want {
		t.Fatalf("calls = %s, want %s", got, want)
	}
	if c.Regions() != 1 {
		t.Fatalf("Regions() = %d, want 1", c.Regions())
	}
}

// Cached routes keep working while the scheduler is down; a key needing a lookup fails
// within the caller's deadline, naming the key.
func TestRegionSchedulerDown(t *testing.T) {
	fc, ts := regionSetup(t, 3, "m")
	c := regionClient(t, ts, WithAttemptTimeout(200*time.Millisecond), WithMaxAttempts(2))
	ctx := ctxT(t)
	if err := c.Put(ctx, []byte("a"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	ts.stop()
	if err := c.Put(ctx, []byte("x"), []byte("2")); err != nil {
		t.Fatalf("cached region while the scheduler is down: %v", err)
	}
	fc.split(2, 5, "q") // the stores know; the client learns it from EpochNotMatch, not the scheduler
	if v, err := c.Get(ctx, []byte("x")); err != nil || string(v) != "2" {
		t.Fatalf("Get(x) after a split with the scheduler down = %q, %v", v, err)
	}
	if got := callString(fc.takeCalls()); got != "1/1/put 2/2/put 2/2/get 2/5/get" {
		t.Fatalf("calls = %s", got)
	}
	// Region 2 now ends at "q" and the cache dropped nothing else, so every key stays served.
	if err := c.Put(ctx, []byte("n"), []byte("3")); err != nil {
		t.Fatal(err)
	}
}
