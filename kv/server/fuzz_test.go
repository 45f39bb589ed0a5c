package server

import (
	"testing"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// FuzzRaftMessage runs arbitrary bytes down the Raft stream's receive path: protobuf
// decoding (what gRPC does with each stream message) then validation and delivery. It
// must never panic, and whatever reaches the handler must satisfy the envelope checks.
func FuzzRaftMessage(f *testing.F) {
	for _, m := range []*raftserverpb.RaftMessage{
		raftMsg(1, raftpb.MessageType_MsgApp, 7),
		raftMsg(1, raftpb.MessageType_MsgHup, 0),
		snapshotMsg(16),
		{RegionId: 1, IsTombstone: true},
	} {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x08, 0x01, 0x22, 0x02, 0x08, 0x03})
	f.Fuzz(func(t *testing.T, in []byte) {
		msg := &raftserverpb.RaftMessage{}
		if err := proto.Unmarshal(in, msg); err != nil {
			return
		}
		rec := &recorder{}
		s := New(nil, rec, Limits{}, nil)
		err := s.deliver(msg)
		got := rec.got()
		if err != nil {
			if len(got) != 0 {
				t.Fatalf("a refused message reached the handler: %v", err)
			}
			return
		}
		if msg.RegionId != 99 && len(got) != 1 {
			t.Fatalf("an accepted message was not delivered")
		}
		if msg.RegionId == 0 || msg.FromPeer.GetStoreId() == 0 || msg.ToPeer.GetStoreId() == 0 {
			t.Fatalf("accepted a message with a zero id: %v", msg)
		}
		if m := msg.Message; m != nil && (m.Type == raftpb.MessageType_MsgHup || m.Type == raftpb.MessageType_MsgBeat) {
			t.Fatalf("accepted a local message type %v", m.Type)
		}
	})
}
