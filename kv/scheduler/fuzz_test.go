package scheduler

import (
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/protobuf/proto"
)

// FuzzRegionHeartbeat feeds arbitrary bytes through what the region heartbeat stream does with a
// message: protobuf decoding, then HandleRegionHeartbeat on a bootstrapped server. Whatever the
// input, there is no panic, the answer is nil or carries a typed error or a region id, and the
// cache's invariants hold.
func FuzzRegionHeartbeat(f *testing.F) {
	add := func(m proto.Message) {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	add(&pb.RegionHeartbeatRequest{Region: region(2, "", "", 1, 1, peer(3, 1)), Leader: peer(3, 1)})
	add(&pb.RegionHeartbeatRequest{Region: region(2, "", "m", 1, 2, peer(3, 1), peer(4, 2)), Leader: peer(4, 2), ApproximateSize: 1 << 20})
	add(&pb.RegionHeartbeatRequest{Region: region(9, "m", "", 1, 2, peer(10, 1)), Leader: peer(10, 1),
		DownPeers: []*pb.PeerStats{{Peer: peer(10, 1), DownSeconds: 5}}})
	add(&pb.RegionHeartbeatRequest{Header: &pb.RequestHeader{ClusterId: 42}, Region: region(2, "", "", 1, 1, peer(3, 1)), Leader: peer(3, 1)})
	f.Add([]byte{0x12, 0x02, 0x08})
	s, err := Open(Config{DataDir: f.TempDir(), Limits: Limits{MaxKeySize: 64}})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	if err := s.bootstrap(&pb.BootstrapRequest{Store: &metapb.Store{Id: 1, Address: "127.0.0.1:20160"}, Region: region(2, "", "", 1, 1, peer(3, 1))}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req := &pb.RegionHeartbeatRequest{}
		if err := proto.Unmarshal(data, req); err != nil {
			return // gRPC refuses undecodable messages before the handler
		}
		resp := s.HandleRegionHeartbeat(req)
		if resp != nil && resp.GetHeader().GetError() == nil && resp.GetChangePeer() == nil && resp.GetTransferLeader() == nil {
			t.Fatalf("answer with neither an error nor a command: %v", resp)
		}
		if err := s.Cluster().CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	})
}
