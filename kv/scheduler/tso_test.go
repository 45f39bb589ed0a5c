package scheduler

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

type tsRange struct{ first, last uint64 }

// tsoStream asks for n batches of count timestamps on its own stream and returns their ranges.
func tsoStream(t *testing.T, addr string, n int, count uint32) []tsRange {
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Error(err)
		return nil
	}
	defer cc.Close()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stream, err := pb.NewSchedulerClient(cc).Tso(c)
	if err != nil {
		t.Error(err)
		return nil
	}
	var out []tsRange
	for i := 0; i < n; i++ {
		if err := stream.Send(&pb.TsoRequest{Count: count}); err != nil {
			t.Error(err)
			return out
		}
		resp, err := stream.Recv()
		if err != nil || resp.GetHeader().GetError() != nil {
			t.Errorf("Tso: %v %v", err, resp.GetHeader().GetError())
			return out
		}
		last := ComposeTS(resp.GetTimestamp().GetPhysical(), resp.GetTimestamp().GetLogical())
		out = append(out, tsRange{last - uint64(count) + 1, last})
	}
	return out
}

// checkDisjointIncreasing asserts each stream's ranges increase and no two ranges anywhere overlap.
func checkDisjointIncreasing(t *testing.T, perStream [][]tsRange) []tsRange {
	t.Helper()
	var all []tsRange
	for i, rs := range perStream {
		for j := 1; j < len(rs); j++ {
			if rs[j].first <= rs[j-1].last {
				t.Fatalf("stream %d: range %d %v not above %v", i, j, rs[j], rs[j-1])
			}
		}
		all = append(all, rs...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].first < all[j].first })
	for i := 1; i < len(all); i++ {
		if all[i].first <= all[i-1].last {
			t.Fatalf("ranges %v and %v overlap", all[i-1], all[i])
		}
	}
	return all
}

// 3C "TSO stays monotonic across 10 concurrent streams" (TestTso): 10 streams x 200 requests of 37.
func TestTSOMonotonicAcrossConcurrentStreams(t *testing.T) {
	ts := startServer(t, Config{})
	per := make([][]tsRange, 10)
	var wg sync.WaitGroup
	for i := range per {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			per[i] = tsoStream(t, ts.addr, 200, 37)
		}(i)
	}
	wg.Wait()
	if all := checkDisjointIncreasing(t, per); len(all) != 2000 {
		t.Fatalf("%d ranges, want 2000", len(all))
	}
}

// 3C "a request with count 0 is an error" (TestTsoWithoutCount); the stream stays usable.
func TestTSOCountZeroIsAnError(t *testing.T) {
	ts := startServer(t, Config{})
	cc, err := grpc.NewClient(ts.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	stream, err := pb.NewSchedulerClient(cc).Tso(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		count uint32
		ok    bool
	}{{0, false}, {1 << 20, false}, {1, true}} {
		if err := stream.Send(&pb.TsoRequest{Count: tc.count}); err != nil {
			t.Fatal(err)
		}
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		e := resp.GetHeader().GetError()
		if tc.ok != (e == nil) || (!tc.ok && e.GetType() != pb.ErrorType_INVALID_ARGUMENT) {
			t.Fatalf("count %d: error %v", tc.count, e)
		}
	}
}

// Timestamps stay above everything handed out before a restart, even when the clock went back
// an hour meanwhile, and also across the client's batched GetTS.
func TestTSOMonotonicAcrossRestart(t *testing.T) {
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	ts := startServer(t, Config{Now: now, TSOWindow: 50 * time.Millisecond})
	var before uint64
	for i := 0; i < 100; i++ {
		v, err := ts.cli.GetTS(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if v <= before {
			t.Fatalf("GetTS %d not above %d", v, before)
		}
		before = v
		if i%10 == 0 {
			mu.Lock()
			clock = clock.Add(20 * time.Millisecond) // cross a few persisted windows
			mu.Unlock()
		}
	}
	for round := 0; round < 3; round++ {
		mu.Lock()
		clock = clock.Add(-time.Hour)
		mu.Unlock()
		ts.restart()
		v, err := ts.cli.GetTS(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if v <= before {
			t.Fatalf("after restart %d: %d not above %d", round, v, before)
		}
		before = v
	}
}

// The client's batched GetTS from many goroutines yields distinct, per-goroutine increasing values.
func TestClientGetTSConcurrent(t *testing.T) {
	ts := startServer(t, Config{})
	const goroutines, each = 16, 200
	got := make([][]uint64, goroutines)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				v, err := ts.cli.GetTS(ctx(t))
				if err != nil {
					t.Error(err)
					return
				}
				got[g] = append(got[g], v)
			}
		}(g)
	}
	wg.Wait()
	seen := map[uint64]bool{}
	for g, vs := range got {
		for i, v := range vs {
			if seen[v] {
				t.Fatalf("timestamp %d handed out twice", v)
			}
			seen[v] = true
			if i > 0 && v <= vs[i-1] {
				t.Fatalf("goroutine %d: %d after %d", g, v, vs[i-1])
			}
		}
	}
	if len(seen) != goroutines*each {
		t.Fatalf("%d timestamps, want %d", len(seen), goroutines*each)
	}
}

// Streams beyond Limits.MaxTSOStreams / MaxRegionStreams are refused with ResourceExhausted;
// closing one makes room again.
func TestStreamLimits(t *testing.T) {
	ts := startServer(t, Config{Limits: Limits{MaxTSOStreams: 1, MaxRegionStreams: 1}})
	cc, err := grpc.NewClient(ts.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	cli := pb.NewSchedulerClient(cc)
	c1, cancel1 := context.WithCancel(ctx(t))
	first, err := cli.Tso(c1)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Send(&pb.TsoRequest{Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Recv(); err != nil {
		t.Fatal(err)
	}
	second, err := cli.Tso(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.Recv(); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("second TSO stream: %v, want ResourceExhausted", err)
	}
	hb1, err := cli.RegionHeartbeat(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = hb1.Send(&pb.RegionHeartbeatRequest{})
	if _, err := hb1.Recv(); err != nil { // not bootstrapped: an error answer, stream stays
		t.Fatal(err)
	}
	hb2, err := cli.RegionHeartbeat(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hb2.Recv(); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("second heartbeat stream: %v, want ResourceExhausted", err)
	}
	cancel1()
	waitFor(t, "the first TSO stream to end", func() bool { return ts.s.tsoStreams.Load() == 0 })
	third, err := cli.Tso(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := third.Send(&pb.TsoRequest{Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := third.Recv(); err != nil {
		t.Fatalf("TSO stream after one closed: %v", err)
	}
}
