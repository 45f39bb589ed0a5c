package scheduler

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

const benchRegions = 100_000

// benchHeartbeats builds one heartbeat per region: 100,000 regions, 3 replicas over 100 stores.
func benchHeartbeats() []*pb.RegionHeartbeatRequest {
	reqs := make([]*pb.RegionHeartbeatRequest, benchRegions)
	for i := range reqs {
		id := uint64(1000 + i)
		start, end := fmt.Sprintf("t%08d", i), fmt.Sprintf("t%08d", i+1)
		if i == 0 {
			start = ""
		}
		if i == benchRegions-1 {
			end = ""
		}
		r := region(id, start, end, 1, 1)
		for k := 0; k < 3; k++ {
			r.Peers = append(r.Peers, peer(id*10+uint64(k), uint64((i+k)%100+1)))
		}
		reqs[i] = &pb.RegionHeartbeatRequest{Region: r, Leader: r.Peers[0], ApproximateSize: 96 << 20}
	}
	return reqs
}

func benchServer(b *testing.B, reqs []*pb.RegionHeartbeatRequest) *Server {
	s, err := Open(Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	first := reqs[0].GetRegion()
	if err := s.bootstrap(&pb.BootstrapRequest{Store: &metapb.Store{Id: 1, Address: "127.0.0.1:1"},
		Region: region(first.GetId(), "", "", 1, 0, first.GetPeers()...)}); err != nil {
		b.Fatal(err)
	}
	for _, r := range reqs {
		if resp := s.HandleRegionHeartbeat(r); resp.GetHeader().GetError() != nil {
			b.Fatal(resp.GetHeader().GetError())
		}
	}
	return s
}

// BenchmarkServerRegionHeartbeat: the server's per-heartbeat work (validation, cache update,
// persistence queue) with 100,000 regions cached; every heartbeat reports a new size.
func BenchmarkServerRegionHeartbeat(b *testing.B) {
	reqs := benchHeartbeats()
	s := benchServer(b, reqs)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		req := reqs[i%benchRegions]
		req.ApproximateSize = MinRegionSize + uint64(i)
		if resp := s.HandleRegionHeartbeat(req); resp != nil {
			b.Fatal(resp)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "heartbeats/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "heartbeats/cpu-s")
	}
}

// BenchmarkGRPCRegionHeartbeat: heartbeats over real gRPC streams on 127.0.0.1 (8 streams, as
// from 8 stores), 100,000 regions cached; measures send-to-applied throughput.
func BenchmarkGRPCRegionHeartbeat(b *testing.B) {
	reqs := benchHeartbeats()
	s := benchServer(b, reqs)
	g := NewGRPCServer(s, GRPCConfig{})
	lis, err := netListen()
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = g.Serve(lis) }()
	defer func() { s.StopStreams(); g.GracefulStop() }()
	const streams = 8
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	base := s.Stats().RegionHeartbeats
	cpu0 := cpuTime()
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := 0; w < streams; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			stream, err := pb.NewSchedulerClient(cc).RegionHeartbeat(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			for i := w; i < b.N; i += streams {
				if err := stream.Send(reqs[i%benchRegions]); err != nil {
					b.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	for s.Stats().RegionHeartbeats-base < uint64(b.N) && ctx.Err() == nil {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "heartbeats/s")
	// Client and server share the process, so this counts both sides' CPU: a floor for the server.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "heartbeats/cpu-s")
	}
}

// BenchmarkClientGetTS: timestamps through schedclient's batched GetTS over one TSO stream, from
// 64 goroutines per CPU (callers waiting together share one request).
func BenchmarkClientGetTS(b *testing.B) {
	ts := startServer(b, Config{})
	b.SetParallelism(64)
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for pb.Next() {
			if _, err := ts.cli.GetTS(c); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ts/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "ts/cpu-s")
	}
	b.ReportMetric(float64(b.N)/float64(max(ts.s.Stats().TSORequests, 1)), "ts/request")
}
