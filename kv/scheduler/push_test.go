package scheduler

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// pushScheduling creates an "operator" for region 2 once armed: Dispatch answers a transfer to
// store 2 and TakeAdded names region 2 once.
type pushScheduling struct {
	armed, taken atomic.Bool
}

func (p *pushScheduling) Dispatch(r *core.RegionInfo) *pb.RegionHeartbeatResponse {
	if !p.armed.Load() || r.Leader().GetStoreId() != 1 {
		return nil
	}
	return &pb.RegionHeartbeatResponse{TransferLeader: &pb.TransferLeader{Peer: r.StorePeer(2)}}
}

func (p *pushScheduling) Schedule(time.Time) {}

func (p *pushScheduling) TakeAdded() []uint64 {
	if p.armed.Load() && p.taken.CompareAndSwap(false, true) {
		return []uint64{2}
	}
	return nil
}

// TestNewOperatorPushedAtOnce: a new operator's first step reaches the stream its region's
// leader store reports on in the next schedule round, with no further heartbeat.
func TestNewOperatorPushedAtOnce(t *testing.T) {
	ps := &pushScheduling{}
	ts := startServer(t, Config{ScheduleInterval: 10 * time.Millisecond,
		NewScheduling: func(SchedulingEnv) (Scheduling, error) { return ps, nil }})
	ts.bootstrap()
	var mu sync.Mutex
	var got []*pb.RegionHeartbeatResponse
	ts.cli.SetRegionHeartbeatHandler(func(r *pb.RegionHeartbeatResponse) {
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
	})
	n := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }
	if err := ts.cli.ReportRegion(&pb.RegionHeartbeatRequest{Region: region(2, "", "", 2, 1, peer(3, 1), peer(4, 2)), Leader: peer(3, 1)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the heartbeat in the cache", func() bool { return ts.s.Cluster().GetRegion(2).Leader().GetId() == 3 })
	time.Sleep(50 * time.Millisecond)
	if n() != 0 {
		t.Fatalf("%d answers before any operator", n())
	}
	ps.armed.Store(true)
	waitFor(t, "the pushed command", func() bool { return n() == 1 })
	mu.Lock()
	cmd := got[0]
	mu.Unlock()
	if cmd.GetRegionId() != 2 || cmd.GetTransferLeader().GetPeer().GetStoreId() != 2 || cmd.GetRegionEpoch().GetConfVer() != 2 {
		t.Fatalf("pushed %v", cmd)
	}
}
