package snapchunk

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

func snapMsg(data []byte) *raftserverpb.RaftMessage {
	return &raftserverpb.RaftMessage{
		RegionId:    1,
		FromPeer:    &metapb.Peer{Id: 1, StoreId: 1},
		ToPeer:      &metapb.Peer{Id: 2, StoreId: 2},
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1},
		Message: &raftpb.Message{
			Type: raftpb.MessageType_MsgSnap, To: 2, From: 1, Term: 3,
			Snapshot: &raftpb.Snapshot{Data: data, Metadata: &raftpb.SnapshotMetadata{Index: 10, Term: 3,
				ConfState: &raftpb.ConfState{Voters: []uint64{1, 2, 3}}}},
		},
	}
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func assemble(t *testing.T, chunks []*raftserverpb.SnapshotChunk, max uint64) (*raftserverpb.RaftMessage, error) {
	t.Helper()
	a := NewAssembler(max)
	for _, c := range chunks {
		if err := a.Add(c); err != nil {
			return nil, err
		}
	}
	return a.Finish()
}

func TestSplitAndAssembleRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 999, 1000, 1001, 10_000} {
		msg := snapMsg(payload(n))
		orig := proto.Clone(msg)
		chunks, err := Split(msg, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if want := max(1, (n+999)/1000); len(chunks) != want {
			t.Fatalf("n=%d: %d chunks, want %d", n, len(chunks), want)
		}
		if !proto.Equal(msg, orig) {
			t.Fatalf("n=%d: Split modified its input", n)
		}
		if len(chunks[0].Message.Message.Snapshot.Data) != 0 {
			t.Fatalf("n=%d: header carries the data inline", n)
		}
		got, err := assemble(t, chunks, 1<<20)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !proto.Equal(got, orig) {
			t.Fatalf("n=%d: reassembled message differs from the original", n)
		}
	}
}

func TestAssemblerRejects(t *testing.T) {
	chunks, err := Split(snapMsg(payload(3000)), 1000)
	if err != nil {
		t.Fatal(err)
	}
	noMsg := &raftserverpb.SnapshotChunk{Data: []byte("x")}
	notSnap := &raftserverpb.SnapshotChunk{Message: &raftserverpb.RaftMessage{RegionId: 1,
		Message: &raftpb.Message{Type: raftpb.MessageType_MsgApp}}}
	inline := &raftserverpb.SnapshotChunk{Message: snapMsg([]byte("inline"))}
	corrupt := proto.Clone(chunks[1]).(*raftserverpb.SnapshotChunk)
	corrupt.Data = bytes.Repeat([]byte{0}, 1000)
	tooLong := &raftserverpb.SnapshotChunk{Data: []byte("extra")}
	repeat := &raftserverpb.SnapshotChunk{Message: chunks[0].Message}

	cases := []struct {
		name   string
		chunks []*raftserverpb.SnapshotChunk
		max    uint64
		want   string
	}{
		{"empty stream", nil, 1 << 20, "empty stream"},
		{"first chunk without message", []*raftserverpb.SnapshotChunk{noMsg}, 1 << 20, "no message"},
		{"not a snapshot", []*raftserverpb.SnapshotChunk{notSnap}, 1 << 20, "want MsgSnap"},
		{"inline data", []*raftserverpb.SnapshotChunk{inline}, 1 << 20, "inline"},
		{"over the limit", chunks, 2999, "exceeds the limit"},
		{"truncated", chunks[:2], 1 << 20, "truncated"},
		{"corrupt", []*raftserverpb.SnapshotChunk{chunks[0], corrupt, chunks[2]}, 1 << 20, "checksum"},
		{"more than declared", append(append([]*raftserverpb.SnapshotChunk{}, chunks...), tooLong), 1 << 20, "more than the declared"},
		{"second header", []*raftserverpb.SnapshotChunk{chunks[0], repeat}, 1 << 20, "repeats the header"},
	}
	for _, tc := range cases {
		_, err := assemble(t, tc.chunks, tc.max)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestSplitRefusesNonSnapshot(t *testing.T) {
	if _, err := Split(&raftserverpb.RaftMessage{Message: &raftpb.Message{Type: raftpb.MessageType_MsgApp}}, 10); err == nil {
		t.Fatal("Split accepted a message without a snapshot")
	}
}

// A declared size never decides memory: a header claiming the maximum, followed by a
// small chunk, holds only the bytes that arrived.
func TestDeclaredSizeDoesNotAllocate(t *testing.T) {
	chunks, _ := Split(snapMsg(payload(10)), 1000)
	chunks[0].TotalSize = 1 << 40
	a := NewAssembler(1 << 40)
	if err := a.Add(chunks[0]); err != nil {
		t.Fatal(err)
	}
	if a.Received() != 10 || cap(a.buf) > 1<<10 {
		t.Fatalf("after a 10-byte chunk: received %d, buffer capacity %d", a.Received(), cap(a.buf))
	}
	if _, err := a.Finish(); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("Finish = %v, want truncated", err)
	}
}
