package scheduler

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// The safe point starts at 0, only moves forward (a lower update answers the current one and
// changes nothing), and survives restarts.
func TestGCSafePointMonotonicAndPersisted(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	c := ctx(t)
	if sp, err := ts.cli.GetGCSafePoint(c); err != nil || sp != 0 {
		t.Fatalf("initial safe point %d, %v; want 0", sp, err)
	}
	now, err := ts.cli.GetTS(c)
	if err != nil {
		t.Fatal(err)
	}
	if sp, err := ts.cli.UpdateGCSafePoint(c, now-100); err != nil || sp != now-100 {
		t.Fatalf("raise: %d, %v; want %d", sp, err, now-100)
	}
	if sp, err := ts.cli.UpdateGCSafePoint(c, now-500); err != nil || sp != now-100 {
		t.Fatalf("lower update answered %d, %v; want the current %d", sp, err, now-100)
	}
	if sp, err := ts.cli.GetGCSafePoint(c); err != nil || sp != now-100 {
		t.Fatalf("after a lower update: %d, %v; want %d", sp, err, now-100)
	}
	ts.restart()
	if sp, err := ts.cli.GetGCSafePoint(c); err != nil || sp != now-100 {
		t.Fatalf("after restart: %d, %v; want %d", sp, err, now-100)
	}
	if sp, err := ts.cli.UpdateGCSafePoint(c, now-200); err != nil || sp != now-100 {
		t.Fatalf("lower update after restart: %d, %v; want %d", sp, err, now-100)
	}
	if sp, err := ts.cli.UpdateGCSafePoint(c, now); err != nil || sp != now {
		t.Fatalf("raise after restart: %d, %v; want %d", sp, err, now)
	}
	ts.restart()
	if got := ts.s.GCSafePoint(); got != now {
		t.Fatalf("after second restart: %d, want %d", got, now)
	}
}

// A safe point ahead of every timestamp the TSO could hand out is refused with an error naming
// the field: GC up to it would remove versions later transactions still read.
func TestGCSafePointAheadOfTSORefused(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	c := ctx(t)
	future := ComposeTS(time.Now().Add(time.Hour).UnixMilli(), 0)
	_, err := ts.cli.UpdateGCSafePoint(c, future)
	wantType(t, err, pb.ErrorType_INVALID_ARGUMENT)
	if got := err.Error(); !strings.Contains(got, "safe_point") {
		t.Fatalf("error %q does not name safe_point", got)
	}
	if sp, _ := ts.cli.GetGCSafePoint(c); sp != 0 {
		t.Fatalf("refused update moved the safe point to %d", sp)
	}
}

// Before bootstrap both rpcs answer NOT_BOOTSTRAPPED; a wrong cluster id answers CLUSTER_MISMATCH.
func TestGCSafePointChecksHeader(t *testing.T) {
	ts := startServer(t, Config{})
	c := ctx(t)
	_, err := ts.cli.GetGCSafePoint(c)
	wantType(t, err, pb.ErrorType_NOT_BOOTSTRAPPED)
	_, err = ts.cli.UpdateGCSafePoint(c, 1)
	wantType(t, err, pb.ErrorType_NOT_BOOTSTRAPPED)
	ts.bootstrap()
	bad := &pb.RequestHeader{ClusterId: ts.s.ClusterID() + 1}
	g, _ := ts.s.GetGCSafePoint(context.Background(), &pb.GetGCSafePointRequest{Header: bad})
	if g.GetHeader().GetError().GetType() != pb.ErrorType_CLUSTER_MISMATCH {
		t.Fatalf("get with a wrong cluster id: %v", g.GetHeader())
	}
	u, _ := ts.s.UpdateGCSafePoint(context.Background(), &pb.UpdateGCSafePointRequest{Header: bad, SafePoint: 5})
	if u.GetHeader().GetError().GetType() != pb.ErrorType_CLUSTER_MISMATCH || ts.s.GCSafePoint() != 0 {
		t.Fatalf("update with a wrong cluster id: %v, safe point %d", u.GetHeader(), ts.s.GCSafePoint())
	}
}

// Concurrent raises end at the highest value, and no caller ever sees the safe point go back.
func TestGCSafePointConcurrentRaises(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	const goroutines, each = 8, 25
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var seen uint64
			for i := 0; i < each; i++ {
				want := uint64(1 + i*goroutines + g)
				sp, err := ts.cli.UpdateGCSafePoint(ctx(t), want)
				if err != nil {
					t.Error(err)
					return
				}
				if sp < want || sp < seen {
					t.Errorf("update to %d answered %d (seen %d)", want, sp, seen)
					return
				}
				seen = sp
			}
		}(g)
	}
	wg.Wait()
	if got, want := ts.s.GCSafePoint(), uint64(goroutines*each); got != want {
		t.Fatalf("final safe point %d, want %d", got, want)
	}
}
