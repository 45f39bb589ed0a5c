package dashboard

import (
	"context"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler"
)

func region(id uint64, start, end string, peers ...*metapb.Peer) *metapb.Region {
	return &metapb.Region{Id: id, StartKey: []byte(start), EndKey: []byte(end),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 2, Version: 3}, Peers: peers}
}

// TestFromScheduler drives a real scheduler through its RPC handlers and reads it back through
// the dashboard: stores with health and load, regions with roles, counts.
func TestFromScheduler(t *testing.T) {
	now := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	s, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir(), MaxStoreDownTime: time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	p := func(id, store uint64) *metapb.Peer { return &metapb.Peer{Id: id, StoreId: store} }
	ok := func(h *pb.ResponseHeader) {
		t.Helper()
		if h.GetError() != nil {
			t.Fatal(h.GetError())
		}
	}
	boot, _ := s.Bootstrap(ctx, &pb.BootstrapRequest{Store: &metapb.Store{Id: 1, Address: "127.0.0.1:20161"}, Region: region(10, "", "", p(11, 1))})
	ok(boot.GetHeader())
	for _, id := range []uint64{2, 3} {
		r, _ := s.PutStore(ctx, &pb.PutStoreRequest{Store: &metapb.Store{Id: id, Address: "127.0.0.1:2016" + string(rune('0'+id))}})
		ok(r.GetHeader())
	}
	beat := func(id, requests uint64) {
		r, _ := s.StoreHeartbeat(ctx, &pb.StoreHeartbeatRequest{Stats: &pb.StoreStats{StoreId: id, Capacity: 100, Available: 70, UsedSize: 30, KvRequests: requests, KvCommits: requests / 10}})
		ok(r.GetHeader())
	}
	beat(1, 1000)
	beat(2, 0)
	now = now.Add(2 * time.Second)
	beat(1, 3000) // 1000 requests/s, 100 commits/s
	learner := &metapb.Peer{Id: 23, StoreId: 3, Role: metapb.PeerRole_Learner}
	for _, req := range []*pb.RegionHeartbeatRequest{
		{Region: region(10, "", "m", p(11, 1), p(12, 2)), Leader: p(11, 1), ApproximateSize: 2 << 20},
		{Region: region(20, "m", "", p(21, 1), p(22, 2), learner), Leader: p(22, 2), PendingPeers: []*metapb.Peer{learner}},
	} {
		ok(s.HandleRegionHeartbeat(req).GetHeader())
	}
	now = now.Add(30 * time.Second) // store 2 silent for 32 s: disconnected
	beat(1, 6000)                   // 3000 requests and 300 commits in 30 s
	beat(3, 0)

	h := New(FromScheduler(s), Options{CacheTTL: -1, Now: func() time.Time { return now }})
	var sum summaryJSON
	getJSON(t, h, "/dashboard/api/summary", &sum)
	if sum.ClusterID == "" || sum.ClusterID == "0" || sum.RegionCount != 2 || len(sum.Stores) != 3 {
		t.Fatalf("summary %+v", sum)
	}
	want := []struct {
		state             string
		replicas, leaders int
	}{{HealthUp, 2, 1}, {HealthDisconnected, 2, 1}, {HealthUp, 1, 0}}
	for i, w := range want {
		st := sum.Stores[i]
		if st.State != w.state || st.Replicas != w.replicas || st.Leaders != w.leaders {
			t.Errorf("store %d: %s %d replicas %d leaders; want %s %d %d", st.ID, st.State, st.Replicas, st.Leaders, w.state, w.replicas, w.leaders)
		}
	}
	if st := sum.Stores[0]; st.Capacity != 100 || st.UsedSize != 30 || st.HeartbeatAgeMs != 0 || st.RequestsPerSec != 100 || st.CommitsPerSec != 10 {
		t.Errorf("store 1 stats %+v", st)
	}
	var regs regionsJSON
	getJSON(t, h, "/dashboard/api/regions", &regs)
	if len(regs.Regions) != 2 {
		t.Fatalf("regions %+v", regs)
	}
	r0, r1 := regs.Regions[0], regs.Regions[1]
	if r0.ID != 10 || r0.EndKey != "m" || r0.LeaderStoreID != 1 || r0.ApproximateSize != 2<<20 || r0.ConfVer != 2 || r0.Version != 3 {
		t.Errorf("region 10: %+v", r0)
	}
	if r1.ID != 20 || r1.LeaderStoreID != 2 || !r1.Peers[2].Learner || len(r1.PendingPeers) != 1 || r1.PendingPeers[0] != 23 {
		t.Errorf("region 20: %+v", r1)
	}
}
