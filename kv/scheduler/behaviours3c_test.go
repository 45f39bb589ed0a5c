package scheduler

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// tsCall is one TSO request as a client saw it: when it was sent, when its answer
// arrived, and the timestamps it got.
type tsCall struct {
	sent, got   time.Time
	first, last uint64
}

// tsoTimedStream sends n requests of 1..5 timestamps on its own stream, one at a time.
func tsoTimedStream(t *testing.T, addr string, n int, seed int) []tsCall {
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
	out := make([]tsCall, 0, n)
	for i := 0; i < n; i++ {
		count := uint32(1 + (seed+i)%5)
		sent := time.Now()
		if err := stream.Send(&pb.TsoRequest{Count: count}); err != nil {
			t.Error(err)
			return out
		}
		resp, err := stream.Recv()
		if err != nil || resp.GetHeader().GetError() != nil || resp.GetCount() != count {
			t.Errorf("Tso: %v %v count %d", err, resp.GetHeader().GetError(), resp.GetCount())
			return out
		}
		last := ComposeTS(resp.GetTimestamp().GetPhysical(), resp.GetTimestamp().GetLogical())
		out = append(out, tsCall{sent: sent, got: time.Now(), first: last - uint64(count) + 1, last: last})
	}
	return out
}

// 3C "TSO stays monotonic across 10 concurrent streams" (TestTso), in real time: whenever
// one request's answer arrived before another request was sent, on any stream, the
// later request's timestamps are all above the earlier one's. Disjoint, per-stream
// increasing ranges alone would not show that.
func TestTSORealTimeOrderAcrossStreams(t *testing.T) {
	ts := startServer(t, Config{})
	per := make([][]tsCall, 10)
	var wg sync.WaitGroup
	for i := range per {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			per[i] = tsoTimedStream(t, ts.addr, 150, i)
		}(i)
	}
	wg.Wait()
	var all []tsCall
	for _, calls := range per {
		all = append(all, calls...)
	}
	if len(all) != 1500 {
		t.Fatalf("%d answers, want 1500", len(all))
	}
	// By arrival time; maxLast[i] is the highest timestamp among the first i+1 arrivals.
	sort.Slice(all, func(i, j int) bool { return all[i].got.Before(all[j].got) })
	maxLast := make([]uint64, len(all))
	for i, c := range all {
		maxLast[i] = c.last
		if i > 0 {
			maxLast[i] = max(maxLast[i], maxLast[i-1])
		}
	}
	for _, b := range all {
		// Calls answered strictly before b was sent.
		n := sort.Search(len(all), func(i int) bool { return !all[i].got.Before(b.sent) })
		if n > 0 && maxLast[n-1] >= b.first {
			t.Fatalf("a request sent at %v got %d..%d, not above %d handed out before it was sent",
				b.sent, b.first, b.last, maxLast[n-1])
		}
	}
	seen := map[uint64]bool{}
	for _, c := range all {
		for ts := c.first; ts <= c.last; ts++ {
			if seen[ts] {
				t.Fatalf("timestamp %d handed out twice", ts)
			}
			seen[ts] = true
		}
	}
}
