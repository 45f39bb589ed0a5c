package schedlink

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
)

// Store heartbeats carry Config.Counters as kv_requests and kv_commits (0 without Counters),
// and the scheduler keeps them in the store's stats.
func TestStoreHeartbeatCarriesCounters(t *testing.T) {
	srv, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := scheduler.NewGRPCServer(srv, scheduler.GRPCConfig{})
	go func() { _ = g.Serve(lis) }()
	t.Cleanup(func() { srv.StopStreams(); g.Stop(); _ = srv.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cli, err := schedclient.New(ctx, []string{lis.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	store := &metapb.Store{Id: 1, Address: "127.0.0.1:20160"}
	region := &metapb.Region{Id: 2, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 3, StoreId: 1}}}
	if err := cli.Bootstrap(ctx, store, region); err != nil {
		t.Fatal(err)
	}

	plain, err := New(cli, Config{StoreID: 1, Address: store.Address})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if st := plain.storeStats(); st.GetKvRequests() != 0 || st.GetKvCommits() != 0 {
		t.Fatalf("without Counters: %v", st)
	}
	l, err := New(cli, Config{StoreID: 1, Address: store.Address, Counters: func() (uint64, uint64) { return 41, 7 }})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if st := l.storeStats(); st.GetKvRequests() != 41 || st.GetKvCommits() != 7 {
		t.Fatalf("with Counters: %v", st)
	}
	l.sendStoreHeartbeat()
	_, stats, err := cli.GetStore(ctx, 1)
	if err != nil || stats.GetKvRequests() != 41 || stats.GetKvCommits() != 7 {
		t.Fatalf("scheduler's stats for store 1: %v, %v", stats, err)
	}
}
