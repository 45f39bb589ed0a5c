package server

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/server/snapchunk"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// recorder is a RaftHandler that keeps what it accepts and refuses region 99.
type recorder struct {
	mu   sync.Mutex
	msgs []*raftserverpb.RaftMessage
}

func (r *recorder) OnRaftMessage(m *raftserverpb.RaftMessage) error {
	if m.RegionId == 99 {
		return errors.New("region 99 not found")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) got() []*raftserverpb.RaftMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*raftserverpb.RaftMessage(nil), r.msgs...)
}

func raftMsg(region uint64, typ raftpb.MessageType, index uint64) *raftserverpb.RaftMessage {
	return &raftserverpb.RaftMessage{
		RegionId: region,
		FromPeer: &metapb.Peer{Id: 1, StoreId: 1},
		ToPeer:   &metapb.Peer{Id: 2, StoreId: 2},
		Message:  &raftpb.Message{Type: typ, From: 1, To: 2, Term: 1, Index: index},
	}
}

func snapshotMsg(n int) *raftserverpb.RaftMessage {
	m := raftMsg(1, raftpb.MessageType_MsgSnap, 0)
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(i)
	}
	m.Message.Snapshot = &raftpb.Snapshot{Data: data, Metadata: &raftpb.SnapshotMetadata{Index: 50, Term: 1}}
	return m
}

func TestValidateRaftMessage(t *testing.T) {
	ok := raftMsg(1, raftpb.MessageType_MsgApp, 1)
	if err := ValidateRaftMessage(ok, 100); err != nil {
		t.Fatalf("valid message refused: %v", err)
	}
	tomb := &raftserverpb.RaftMessage{RegionId: 1, FromPeer: ok.FromPeer, ToPeer: ok.ToPeer, IsTombstone: true}
	if err := ValidateRaftMessage(tomb, 100); err != nil {
		t.Fatalf("tombstone refused: %v", err)
	}
	bad := map[string]*raftserverpb.RaftMessage{
		"region_id is 0":      raftMsg(0, raftpb.MessageType_MsgApp, 1),
		"local to a node":     raftMsg(1, raftpb.MessageType_MsgHup, 0),
		"unknown message typ": raftMsg(1, raftpb.MessageType(77), 0),
		"does not match":      {RegionId: 1, FromPeer: ok.FromPeer, ToPeer: ok.ToPeer, Message: &raftpb.Message{Type: raftpb.MessageType_MsgApp, From: 1, To: 3}},
		"missing":             {RegionId: 1, Message: ok.Message},
		"store_id 0":          {RegionId: 1, FromPeer: &metapb.Peer{Id: 1}, ToPeer: ok.ToPeer, Message: ok.Message},
		"no message":          {RegionId: 1, FromPeer: ok.FromPeer, ToPeer: ok.ToPeer},
		"exceeds the limit of 100": {RegionId: 1, FromPeer: ok.FromPeer, ToPeer: ok.ToPeer, Message: &raftpb.Message{
			Type: raftpb.MessageType_MsgApp, From: 1, To: 2, Entries: []*raftpb.Entry{{Index: 3, Data: make([]byte, 101)}}}},
	}
	for want, m := range bad {
		if err := ValidateRaftMessage(m, 100); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateRaftMessage = %v, want an error containing %q", err, want)
		}
	}
}

func TestRaftStreamDeliversAndDropsBadMessages(t *testing.T) {
	rec := &recorder{}
	c, s := standaloneServer(t, Limits{}, rec)
	stream, err := c.Raft(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	send := []*raftserverpb.RaftMessage{
		raftMsg(1, raftpb.MessageType_MsgApp, 1),
		raftMsg(99, raftpb.MessageType_MsgApp, 2), // refused by the handler
		raftMsg(1, raftpb.MessageType_MsgBeat, 3), // local type: invalid
		raftMsg(1, raftpb.MessageType_MsgHeartbeat, 4),
	}
	for _, m := range send {
		if err := stream.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stream.CloseAndRecv(); err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	if len(got) != 2 || got[0].Message.Index != 1 || got[1].Message.Index != 4 {
		t.Fatalf("delivered %v, want the messages with index 1 and 4", got)
	}
	if st := s.Stats(); st.RaftDelivered != 2 || st.RaftRejected != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestSnapshotStream(t *testing.T) {
	rec := &recorder{}
	c, s := standaloneServer(t, Limits{MaxSnapshotSize: 1 << 20}, rec)

	// A complete three-chunk snapshot arrives whole.
	msg := snapshotMsg(250_000)
	chunks, err := snapchunk.Split(msg, 100_000)
	if err != nil || len(chunks) != 3 {
		t.Fatalf("Split: %d chunks, %v", len(chunks), err)
	}
	stream, err := c.Snapshot(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chunks {
		if err := stream.Send(ch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stream.CloseAndRecv(); err != nil {
		t.Fatalf("complete snapshot: %v", err)
	}
	got := rec.got()
	if len(got) != 1 || len(got[0].Message.Snapshot.Data) != 250_000 || got[0].Message.Snapshot.Data[249_999] != byte(249_999%256) {
		t.Fatalf("snapshot not delivered whole: %d messages", len(got))
	}

	// Invalid streams deliver nothing and say why.
	cases := []struct {
		name   string
		chunks []*raftserverpb.SnapshotChunk
		code   codes.Code
		want   string
	}{
		{"no message", []*raftserverpb.SnapshotChunk{{Data: []byte("x")}}, codes.InvalidArgument, "first chunk carries no message"},
		{"ended short", chunks[:2], codes.InvalidArgument, "truncated snapshot"},
		{"too large", mustSplit(t, snapshotMsg(1<<20+1)), codes.InvalidArgument, "exceeds the limit"},
	}
	for _, tc := range cases {
		stream, err := c.Snapshot(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range tc.chunks {
			if err := stream.Send(ch); err != nil {
				break // the server may already have refused the stream
			}
		}
		_, err = stream.CloseAndRecv()
		if status.Code(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %v containing %q", tc.name, err, tc.code, tc.want)
		}
	}

	// A client that goes away mid-stream delivers nothing.
	ctx, cancel := context.WithCancel(context.Background())
	stream, err = c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(chunks[0]); err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for s.Stats().SnapshotRejected < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if st := s.Stats(); st.SnapshotDelivered != 1 || st.SnapshotRejected != 4 {
		t.Fatalf("stats = %+v, want 1 delivered and 4 rejected", st)
	}
	if n := len(rec.got()); n != 1 {
		t.Fatalf("handler got %d messages, want only the complete snapshot", n)
	}
}

func mustSplit(t *testing.T, m *raftserverpb.RaftMessage) []*raftserverpb.SnapshotChunk {
	t.Helper()
	c, err := snapchunk.Split(m, 256<<10)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestStandaloneRefusesPeerStreams(t *testing.T) {
	c, _ := standaloneServer(t, Limits{}, nil)
	stream, err := c.Raft(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.Send(raftMsg(1, raftpb.MessageType_MsgApp, 1))
	if _, err := stream.CloseAndRecv(); status.Code(err) != codes.Unimplemented {
		t.Fatalf("Raft stream on a standalone server: %v, want Unimplemented", err)
	}
}

func TestStopPeerStreamsEndsRaftStreams(t *testing.T) {
	rec := &recorder{}
	c, s := standaloneServer(t, Limits{}, rec)
	stream, err := c.Raft(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(raftMsg(1, raftpb.MessageType_MsgApp, 1)); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(10 * time.Second); len(rec.got()) == 0 && time.Now().Before(end); {
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.DrainUnary(ctxT(t)); err != nil {
		t.Fatalf("DrainUnary with no calls in flight: %v", err)
	}
	s.StopPeerStreams()
	if _, err := stream.CloseAndRecv(); status.Code(err) != codes.Unavailable {
		t.Fatalf("stream after StopPeerStreams: %v, want Unavailable", err)
	}
}
