package scheduler

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// fakeScheduling asks every region led from store 1 to move its leader to store 2, and counts rounds.
type fakeScheduling struct {
	rounds atomic.Int64
}

func (f *fakeScheduling) Dispatch(r *core.RegionInfo) *pb.RegionHeartbeatResponse {
	if r.Leader().GetStoreId() != 1 || r.StorePeer(2) == nil {
		return nil
	}
	return &pb.RegionHeartbeatResponse{TransferLeader: &pb.TransferLeader{Peer: r.StorePeer(2)}}
}

func (f *fakeScheduling) Schedule(time.Time) { f.rounds.Add(1) }

// waitFor polls cond every 5 ms for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// End to end over gRPC with the client: heartbeats on the client's stream reach the cache, the
// scheduling seam's command comes back through the callback with region id, epoch and target
// peer, a stale report comes back as a STALE_REGION response, and the schedule loop runs.
func TestRegionHeartbeatStreamEndToEnd(t *testing.T) {
	fake := &fakeScheduling{}
	var env SchedulingEnv
	ts := startServer(t, Config{ScheduleInterval: 10 * time.Millisecond, NewScheduling: func(e SchedulingEnv) (Scheduling, error) {
		env = e
		return fake, nil
	}})
	if env.Cluster != ts.s.Cluster() || env.IDs == nil || env.Config().GetMaxReplicas() != 3 {
		t.Fatalf("scheduling env not wired: %+v", env)
	}
	ts.bootstrap()
	var mu sync.Mutex
	var got []*pb.RegionHeartbeatResponse
	ts.cli.SetRegionHeartbeatHandler(func(r *pb.RegionHeartbeatResponse) {
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
	})
	responses := func() []*pb.RegionHeartbeatResponse {
		mu.Lock()
		defer mu.Unlock()
		return append([]*pb.RegionHeartbeatResponse(nil), got...)
	}
	r := region(2, "", "", 2, 1, peer(3, 1), peer(4, 2))
	if err := ts.cli.ReportRegion(&pb.RegionHeartbeatRequest{Region: r, Leader: peer(3, 1), ApproximateSize: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the transfer-leader command", func() bool { return len(responses()) == 1 })
	cmd := responses()[0]
	if cmd.GetRegionId() != 2 || cmd.GetRegionEpoch().GetConfVer() != 2 || cmd.GetTargetPeer().GetId() != 3 ||
		cmd.GetTransferLeader().GetPeer().GetStoreId() != 2 || cmd.GetHeader().GetError() != nil {
		t.Fatalf("command %v", cmd)
	}
	if cached := ts.s.Cluster().GetRegion(2); cached.ApproximateSize() != 1<<20 || cached.Epoch().GetConfVer() != 2 {
		t.Fatalf("cache holds %v", cached)
	}
	// A stale report: conf_ver went back.
	if err := ts.cli.ReportRegion(&pb.RegionHeartbeatRequest{Region: region(2, "", "", 1, 1, peer(3, 1)), Leader: peer(3, 1)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the stale-region answer", func() bool { return len(responses()) == 2 })
	if e := responses()[1].GetHeader().GetError(); e.GetType() != pb.ErrorType_STALE_REGION || responses()[1].GetRegionId() != 2 {
		t.Fatalf("stale answer %v", responses()[1])
	}
	// After the leader moved, no command.
	if err := ts.cli.ReportRegion(&pb.RegionHeartbeatRequest{Region: r, Leader: peer(4, 2)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the leader change", func() bool { return ts.s.Cluster().GetRegion(2).Leader().GetStoreId() == 2 })
	if n := len(responses()); n != 2 {
		t.Fatalf("%d responses, want 2", n)
	}
	waitFor(t, "schedule rounds", func() bool { return fake.rounds.Load() >= 3 })
	st := ts.s.Stats()
	if st.RegionHeartbeats != 3 || st.StaleHeartbeats != 1 || st.CommandsSent != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// Malformed heartbeats are answered with INVALID_ARGUMENT and change nothing.
func TestInvalidHeartbeats(t *testing.T) {
	ts := startServer(t, Config{Limits: Limits{MaxKeySize: 8}})
	ts.bootstrap()
	cases := map[string]*pb.RegionHeartbeatRequest{
		"no region":         {Leader: peer(3, 1)},
		"no leader":         {Region: region(2, "", "", 1, 1, peer(3, 1))},
		"leader not a peer": {Region: region(2, "", "", 1, 1, peer(3, 1)), Leader: peer(9, 9)},
		"no epoch":          {Region: &metapb.Region{Id: 2, Peers: []*metapb.Peer{peer(3, 1)}}, Leader: peer(3, 1)},
		"key too long":      {Region: region(2, "", "123456789", 1, 1, peer(3, 1)), Leader: peer(3, 1)},
		"no peers":          {Region: region(2, "", "", 1, 1), Leader: peer(3, 1)},
		"huge size":         {Region: region(2, "", "", 1, 1, peer(3, 1)), Leader: peer(3, 1), ApproximateSize: 1 << 63},
		"pending not peer":  {Region: region(2, "", "", 1, 1, peer(3, 1)), Leader: peer(3, 1), PendingPeers: []*metapb.Peer{peer(8, 8)}},
	}
	before := ts.s.Cluster().GetRegion(2)
	for name, req := range cases {
		resp := ts.s.HandleRegionHeartbeat(req)
		if resp.GetHeader().GetError().GetType() != pb.ErrorType_INVALID_ARGUMENT {
			t.Errorf("%s: answer %v", name, resp.GetHeader())
		}
	}
	if ts.s.Cluster().GetRegion(2) != before || ts.s.Cluster().RegionCount() != 1 {
		t.Fatal("an invalid heartbeat changed the cache")
	}
}

// 3C "2000 concurrent heartbeats are handled safely" end to end: 20 clients (20 heartbeat streams)
// report 100 regions each, twice, concurrently; every region ends cached and resolvable by key.
func TestConcurrentHeartbeatStreams(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	const clients, per = 20, 100
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			cli, err := schedclient.New(ctx(t), []string{ts.addr})
			if err != nil {
				t.Error(err)
				return
			}
			defer cli.Close()
			for round := uint64(1); round <= 2; round++ {
				for i := 0; i < per; i++ {
					n := c*per + i
					start, end := fmt.Sprintf("k%05d", n), fmt.Sprintf("k%05d", n+1)
					if n == 0 {
						start = ""
					}
					if n == clients*per-1 {
						end = ""
					}
					id := uint64(1000 + n)
					r := region(id, start, end, round, 2, peer(id*10, 1))
					for cli.ReportRegion(&pb.RegionHeartbeatRequest{Region: r, Leader: peer(id*10, 1)}) != nil {
						time.Sleep(time.Millisecond) // queue full: bounded by the test deadline
					}
				}
			}
			// Wait until this client's stream has delivered everything.
			waitFor(t, "client's heartbeats", func() bool {
				for i := 0; i < per; i++ {
					r := ts.s.Cluster().GetRegion(uint64(1000 + c*per + i))
					if r == nil || r.Epoch().GetConfVer() != 2 {
						return false
					}
				}
				return true
			})
		}(c)
	}
	wg.Wait()
	if n := ts.s.Cluster().RegionCount(); n != clients*per {
		t.Fatalf("%d regions, want %d", n, clients*per)
	}
	for n := 0; n < clients*per; n++ {
		if r := ts.s.Cluster().GetRegionByKey([]byte(fmt.Sprintf("k%05d", n))); r == nil || r.ID() != uint64(1000+n) {
			t.Fatalf("key %d -> %v", n, r)
		}
	}
}

// StopStreams ends open streams so GracefulStop returns; later calls get UNAVAILABLE, not a panic.
func TestGracefulStopWithOpenStreams(t *testing.T) {
	ts := startServer(t, Config{})
	ts.bootstrap()
	if _, err := ts.cli.GetTS(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := ts.cli.ReportRegion(&pb.RegionHeartbeatRequest{Region: region(2, "", "", 1, 1, peer(3, 1)), Leader: peer(3, 1)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the heartbeat", func() bool { return ts.s.Cluster().GetRegion(2).Leader() != nil })
	done := make(chan struct{})
	go func() {
		ts.s.StopStreams()
		ts.g.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("GracefulStop blocked by open streams")
	}
	resp, err := ts.s.AllocID(ctx(t), &pb.AllocIDRequest{})
	if err != nil || resp.GetHeader().GetError().GetType() != pb.ErrorType_UNAVAILABLE {
		t.Fatalf("AllocID after stop: %v %v", resp, err)
	}
	ts.cli.Close()
	if err := ts.s.Close(); err != nil {
		t.Fatal(err)
	}
	ts.s = nil
}
