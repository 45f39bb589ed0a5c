package server

import (
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func TestBatchRaftStreamDeliversInOrderAndDropsBadMessages(t *testing.T) {
	rec := &recorder{}
	c, s := standaloneServer(t, Limits{}, rec)
	stream, err := c.BatchRaft(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	batches := []*raftserverpb.BatchRaftMessage{
		{Msgs: []*raftserverpb.RaftMessage{
			raftMsg(1, raftpb.MessageType_MsgApp, 1),
			raftMsg(99, raftpb.MessageType_MsgApp, 2), // refused by the handler
			raftMsg(1, raftpb.MessageType_MsgBeat, 3), // local type: invalid
			raftMsg(1, raftpb.MessageType_MsgHeartbeat, 4),
		}},
		{}, // empty: nothing to do, not an error
		{Msgs: []*raftserverpb.RaftMessage{raftMsg(1, raftpb.MessageType_MsgApp, 5)}},
	}
	for _, b := range batches {
		if err := stream.Send(b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stream.CloseAndRecv(); err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	if len(got) != 3 || got[0].Message.Index != 1 || got[1].Message.Index != 4 || got[2].Message.Index != 5 {
		t.Fatalf("delivered %v, want the messages with index 1, 4 and 5 in that order", got)
	}
	if st := s.Stats(); st.RaftDelivered != 3 || st.RaftRejected != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestBatchRaftOverCountDroppedWhole(t *testing.T) {
	rec := &recorder{}
	s := New(nil, rec, Limits{}, t.Logf)
	b := &raftserverpb.BatchRaftMessage{}
	for i := 0; i <= MaxBatchRaftMessages; i++ {
		b.Msgs = append(b.Msgs, raftMsg(1, raftpb.MessageType_MsgApp, uint64(i)))
	}
	if n := s.deliverBatch(b); n != 0 || len(rec.got()) != 0 {
		t.Fatalf("over-count batch: %d delivered, handler got %d; want none", n, len(rec.got()))
	}
	if st := s.Stats(); st.RaftRejected != MaxBatchRaftMessages+1 {
		t.Fatalf("stats = %+v, want every message counted rejected", st)
	}
	b.Msgs = b.Msgs[:MaxBatchRaftMessages]
	if n := s.deliverBatch(b); n != MaxBatchRaftMessages {
		t.Fatalf("batch at the limit: %d delivered, want %d", n, MaxBatchRaftMessages)
	}
}

func TestBatchRaftStandaloneAndStop(t *testing.T) {
	c, _ := standaloneServer(t, Limits{}, nil)
	stream, err := c.BatchRaft(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.Send(&raftserverpb.BatchRaftMessage{})
	if _, err := stream.CloseAndRecv(); status.Code(err) != codes.Unimplemented {
		t.Fatalf("BatchRaft on a standalone server: %v, want Unimplemented", err)
	}

	rec := &recorder{}
	c, s := standaloneServer(t, Limits{}, rec)
	stream, err = c.BatchRaft(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&raftserverpb.BatchRaftMessage{Msgs: []*raftserverpb.RaftMessage{raftMsg(1, raftpb.MessageType_MsgApp, 1)}}); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(10 * time.Second); len(rec.got()) == 0 && time.Now().Before(end); {
		time.Sleep(5 * time.Millisecond)
	}
	s.StopPeerStreams()
	if _, err := stream.CloseAndRecv(); status.Code(err) != codes.Unavailable {
		t.Fatalf("stream after StopPeerStreams: %v, want Unavailable", err)
	}
}

// FuzzBatchRaftMessage runs arbitrary bytes down the BatchRaft receive path: protobuf
// decoding of the envelope (what gRPC does with each stream message), then validation and
// delivery of every message in it. It must never panic; exactly the accepted messages
// reach the handler, in order, and each satisfies the envelope checks.
func FuzzBatchRaftMessage(f *testing.F) {
	seeds := []*raftserverpb.BatchRaftMessage{
		{},
		{Msgs: []*raftserverpb.RaftMessage{raftMsg(1, raftpb.MessageType_MsgApp, 7)}},
		{Msgs: []*raftserverpb.RaftMessage{raftMsg(1, raftpb.MessageType_MsgApp, 7), raftMsg(1, raftpb.MessageType_MsgHeartbeat, 0),
			raftMsg(99, raftpb.MessageType_MsgApp, 8)}},
		{Msgs: []*raftserverpb.RaftMessage{raftMsg(1, raftpb.MessageType_MsgHup, 0), {RegionId: 1, IsTombstone: true}, {}}},
		{Msgs: []*raftserverpb.RaftMessage{snapshotMsg(16)}},
	}
	for _, b := range seeds {
		enc, err := proto.Marshal(b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc)
	}
	f.Add([]byte{0x0a, 0x06, 0x08, 0x01, 0x22, 0x02, 0x08, 0x03})
	f.Fuzz(func(t *testing.T, in []byte) {
		b := &raftserverpb.BatchRaftMessage{}
		if err := proto.Unmarshal(in, b); err != nil {
			return
		}
		rec := &recorder{}
		s := New(nil, rec, Limits{}, nil)
		n := s.deliverBatch(b)
		got := rec.got()
		if n != len(got) {
			t.Fatalf("deliverBatch reported %d accepted, handler got %d", n, len(got))
		}
		st := s.Stats()
		if int(st.RaftDelivered+st.RaftRejected) != len(b.Msgs) {
			t.Fatalf("stats %+v do not account for %d messages", st, len(b.Msgs))
		}
		if len(b.Msgs) > MaxBatchRaftMessages {
			if n != 0 {
				t.Fatalf("over-count batch of %d: %d delivered", len(b.Msgs), n)
			}
			return
		}
		j := 0
		for _, m := range b.Msgs {
			if ValidateRaftMessage(m, s.lim.MaxRaftEntrySize) != nil || m.RegionId == 99 {
				continue
			}
			if j >= len(got) || got[j] != m {
				t.Fatalf("accepted message %d not delivered in order", j)
			}
			j++
		}
		for _, m := range got {
			if m.RegionId == 0 || m.FromPeer.GetStoreId() == 0 || m.ToPeer.GetStoreId() == 0 {
				t.Fatalf("accepted a message with a zero id: %v", m)
			}
			if mm := m.Message; mm != nil && (mm.Type == raftpb.MessageType_MsgHup || mm.Type == raftpb.MessageType_MsgBeat) {
				t.Fatalf("accepted a local message type %v", mm.Type)
			}
		}
	})
}
