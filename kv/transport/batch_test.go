package transport

import (
	"sync"
	"testing"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/server"
	"google.golang.org/grpc"
)

// batchSizes records the number of raft messages in every BatchRaft stream message a
// server receives.
type batchSizes struct {
	mu    sync.Mutex
	sizes []int
}

func (b *batchSizes) get() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]int(nil), b.sizes...)
}

type countingStream struct {
	grpc.ServerStream
	b *batchSizes
}

func (s countingStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if bm, ok := m.(*raftserverpb.BatchRaftMessage); ok && err == nil {
		s.b.mu.Lock()
		s.b.sizes = append(s.b.sizes, len(bm.Msgs))
		s.b.mu.Unlock()
	}
	return err
}

// countingPeer serves store 2 on 127.0.0.1, recording batch sizes.
func countingPeer(t *testing.T) (map[uint64]string, *inbox, *batchSizes) {
	lis := listen(t)
	in, sizes := &inbox{}, &batchSizes{}
	g := server.NewGRPCServer(server.New(nil, in, server.Limits{}, t.Logf), server.GRPCConfig{},
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return h(srv, countingStream{ss, sizes})
		}))
	done := make(chan struct{})
	go func() { defer close(done); _ = g.Serve(lis) }()
	t.Cleanup(func() { g.Stop(); <-done })
	return map[uint64]string{2: lis.Addr().String()}, in, sizes
}

func TestBatchesCoalesceWithinBounds(t *testing.T) {
	addrs, in, sizes := countingPeer(t)

	// approxSize of a message with a 512-byte entry is 128+512+24 = 664 bytes: three fit
	// in 2000 bytes. Message 50 is larger than the byte bound and must go alone.
	tr, rep := newTransport(t, addrs, Config{BatchMessages: 8, BatchBytes: 2000})
	const n = 200
	for i := range uint64(n) {
		m := msg(1, 1, 2, i)
		m.Message.Entries[0].Data = make([]byte, 512)
		if i == 50 {
			m.Message.Entries[0].Data = make([]byte, 5000)
		}
		if err := tr.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "every message at store 2", func() bool { return in.count() == n })
	for i, m := range in.all() {
		if m.Message.Index != uint64(i) {
			t.Fatalf("message %d arrived with index %d: order lost", i, m.Message.Index)
		}
	}
	got, total, most := sizes.get(), 0, 0
	for _, s := range got {
		if s < 1 || s > 3 {
			t.Fatalf("a batch of %d messages: want 1..3 (bounds: 8 messages, 2000 bytes)", s)
		}
		total, most = total+s, max(most, s)
	}
	if total != n {
		t.Fatalf("batches carried %d messages, want %d", total, n)
	}
	// The 200 messages were queued before the stream was up, so the sender must have
	// found several waiting.
	if most < 2 {
		t.Fatalf("%d batches, none with more than one message: nothing was coalesced", len(got))
	}
	if u := rep.unreachableCount(1, 2); u != 0 {
		t.Fatalf("%d unreachable reports to a live store", u)
	}
}

func TestBatchCountBound(t *testing.T) {
	addrs, in, sizes := countingPeer(t)

	tr, _ := newTransport(t, addrs, Config{BatchMessages: 4})
	for i := range uint64(100) {
		if err := tr.Send(msg(1, 1, 2, i)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "every message at store 2", func() bool { return in.count() == 100 })
	most := 0
	for _, s := range sizes.get() {
		most = max(most, s)
	}
	if most > 4 || most < 2 {
		t.Fatalf("largest batch %d messages, want 2..4 (bound 4, 100 queued before the stream opened)", most)
	}
}

func TestBatchBoundsDefaultsAndCaps(t *testing.T) {
	c, err := Config{Resolver: StaticResolver(nil), BatchMessages: 1 << 20, BatchBytes: 1 << 40}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.BatchMessages != server.MaxBatchRaftMessages || c.BatchBytes != int64(c.MaxMsgSize)/4 {
		t.Fatalf("caps: %d messages, %d bytes; want %d and %d", c.BatchMessages, c.BatchBytes, server.MaxBatchRaftMessages, c.MaxMsgSize/4)
	}
	c, _ = Config{Resolver: StaticResolver(nil)}.withDefaults()
	if c.BatchMessages != 256 || c.BatchBytes != 4<<20 || c.WindowSize != 1<<20 || c.ConnWindowSize != 8<<20 {
		t.Fatalf("defaults: %+v", c)
	}
}
