package client_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/storage/standalone"
	"google.golang.org/grpc"
)

// A region-aware client finds each key's region and leader through the scheduler.
func ExampleNewWithScheduler() {
	schedAddr, stop, err := demoCluster()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.NewWithScheduler(ctx, []string{schedAddr})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := c.BatchPut(ctx, []client.KV{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("b"), Value: []byte("2")}}); err != nil {
		fmt.Println(err)
		return
	}
	kvs, err := c.Scan(ctx, []byte("a"), nil, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range kvs {
		fmt.Printf("%s=%s\n", p.Key, p.Value)
	}
	fmt.Println("regions cached:", c.Regions())
	// Output:
	// a=1
	// b=2
	// regions cached: 1
}

// demoCluster starts a scheduler and one standalone store holding region 1 (all keys) on
// 127.0.0.1; a real cluster runs cmd/tinykv-scheduler and tinykv-server -scheduler.
func demoCluster() (schedAddr string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "kvclient-example")
	if err != nil {
		return "", nil, err
	}
	st, err := standalone.Open(dir+"/store", engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		return "", nil, err
	}
	kvLis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	kvSrv := grpc.NewServer()
	tinykvpb.RegisterTinyKvServer(kvSrv, server.New(st, nil, server.Limits{}, nil))
	go func() { _ = kvSrv.Serve(kvLis) }()

	sched, err := scheduler.Open(scheduler.Config{DataDir: dir + "/sched"})
	if err != nil {
		return "", nil, err
	}
	schedLis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	schedSrv := scheduler.NewGRPCServer(sched, scheduler.GRPCConfig{})
	go func() { _ = schedSrv.Serve(schedLis) }()
	stop = func() {
		sched.StopStreams()
		schedSrv.GracefulStop()
		_ = sched.Close()
		kvSrv.Stop()
		st.Stop()
		os.RemoveAll(dir)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := schedclient.New(ctx, []string{schedLis.Addr().String()})
	if err != nil {
		stop()
		return "", nil, err
	}
	defer admin.Close()
	err = admin.Bootstrap(ctx, &metapb.Store{Id: 1, Address: kvLis.Addr().String()}, &metapb.Region{Id: 1,
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 1, StoreId: 1}}})
	if err != nil {
		stop()
		return "", nil, err
	}
	return schedLis.Addr().String(), stop, nil
}
