package transport

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/server"
	"google.golang.org/grpc"
)

// inbox is a store's receiving side: a RaftHandler that keeps what arrives.
type inbox struct {
	mu   sync.Mutex
	msgs []*raftserverpb.RaftMessage
}

func (in *inbox) OnRaftMessage(m *raftserverpb.RaftMessage) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.msgs = append(in.msgs, m)
	return nil
}

func (in *inbox) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.msgs)
}

func (in *inbox) all() []*raftserverpb.RaftMessage {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]*raftserverpb.RaftMessage(nil), in.msgs...)
}

// reports records what a transport reported.
type reports struct {
	mu          sync.Mutex
	unreachable map[[2]uint64]int
	snaps       []string
}

func newReports() *reports { return &reports{unreachable: map[[2]uint64]int{}} }

func (r *reports) ReportUnreachable(region, peer uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unreachable[[2]uint64{region, peer}]++
}

func (r *reports) ReportSnapshotStatus(region, peer uint64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.snaps = append(r.snaps, fmt.Sprintf("%d/%d:%v", region, peer, ok))
}

func (r *reports) unreachableCount(region, peer uint64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unreachable[[2]uint64{region, peer}]
}

func (r *reports) snapshots() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprint(r.snaps)
}

// peerServer serves a raft inbox on lis (127.0.0.1).
type peerServer struct {
	in   *inbox
	g    *grpc.Server
	done chan struct{}
}

func startPeer(t *testing.T, lis net.Listener) *peerServer { return startPeerTB(t, lis) }

func startPeerTB(t testing.TB, lis net.Listener) *peerServer {
	t.Helper()
	in := &inbox{}
	g := server.NewGRPCServer(server.New(nil, in, server.Limits{}, t.Logf), server.GRPCConfig{})
	p := &peerServer{in: in, g: g, done: make(chan struct{})}
	go func() { defer close(p.done); _ = g.Serve(lis) }()
	t.Cleanup(p.stop)
	return p
}

func (p *peerServer) stop() {
	p.g.Stop()
	<-p.done
}

func listen(t testing.TB) net.Listener {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return lis
}

func deadAddr(t *testing.T) string {
	lis := listen(t)
	a := lis.Addr().String()
	lis.Close()
	return a
}

func newTransport(t *testing.T, addrs map[uint64]string, cfg Config) (*Transport, *reports) {
	t.Helper()
	cfg.Resolver = StaticResolver(addrs)
	cfg.BackoffBase, cfg.BackoffMax = 10*time.Millisecond, 50*time.Millisecond
	cfg.DialTimeout = time.Second
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := newReports()
	tr.SetReporter(rep)
	t.Cleanup(func() { tr.Close() })
	return tr, rep
}

func msg(region, fromStore, toStore, index uint64) *raftserverpb.RaftMessage {
	return &raftserverpb.RaftMessage{
		RegionId: region,
		FromPeer: &metapb.Peer{Id: fromStore, StoreId: fromStore},
		ToPeer:   &metapb.Peer{Id: toStore, StoreId: toStore},
		Message: &raftpb.Message{Type: raftpb.MessageType_MsgApp, From: fromStore, To: toStore, Term: 1, Index: index,
			Entries: []*raftpb.Entry{{Term: 1, Index: index + 1, Data: []byte("payload")}}},
	}
}

func snapMsg(region, fromStore, toStore uint64, data []byte) *raftserverpb.RaftMessage {
	m := msg(region, fromStore, toStore, 0)
	m.Message.Type, m.Message.Entries = raftpb.MessageType_MsgSnap, nil
	m.Message.Snapshot = &raftpb.Snapshot{Data: data, Metadata: &raftpb.SnapshotMetadata{Index: 100, Term: 1}}
	return m
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestTwoStoresExchangeMessagesAndSnapshot(t *testing.T) {
	l1, l2 := listen(t), listen(t)
	addrs := map[uint64]string{1: l1.Addr().String(), 2: l2.Addr().String()}
	p1, p2 := startPeer(t, l1), startPeer(t, l2)
	t1, rep1 := newTransport(t, addrs, Config{SnapshotChunkSize: 1 << 20})
	t2, _ := newTransport(t, addrs, Config{})

	for i := range uint64(200) {
		if err := t1.Send(msg(1, 1, 2, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := t2.Send(msg(1, 2, 1, 7)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "200 messages at store 2", func() bool { return p2.in.count() == 200 })
	waitFor(t, "1 message at store 1", func() bool { return p1.in.count() == 1 })
	for i, m := range p2.in.all() {
		if m.Message.Index != uint64(i) {
			t.Fatalf("message %d arrived with index %d: order lost", i, m.Message.Index)
		}
	}

	// A 3.5 MiB snapshot travels as four chunks and arrives whole.
	data := bytes.Repeat([]byte("0123456789abcdef"), 3.5*(1<<20)/16)
	if err := t1.Send(snapMsg(1, 1, 2, data)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the snapshot report", func() bool { return rep1.snapshots() != "[]" })
	if got := rep1.snapshots(); got != "[1/2:true]" {
		t.Fatalf("snapshot reports = %s, want [1/2:true]", got)
	}
	all := p2.in.all()
	last := all[len(all)-1]
	if last.Message.Type != raftpb.MessageType_MsgSnap || !bytes.Equal(last.Message.Snapshot.Data, data) ||
		last.Message.Snapshot.Metadata.Index != 100 {
		t.Fatal("the snapshot did not arrive intact")
	}
	if n := rep1.unreachableCount(1, 2); n != 0 {
		t.Fatalf("%d unreachable reports between live stores", n)
	}
}

func TestUnknownStore(t *testing.T) {
	tr, _ := newTransport(t, map[uint64]string{}, Config{})
	if err := tr.Send(msg(1, 1, 9, 0)); err == nil || !strings.Contains(err.Error(), "no address for store 9") {
		t.Fatalf("Send to an unknown store: %v", err)
	}
}

func TestDeadPeer(t *testing.T) {
	base := runtime.NumGoroutine()
	tr, rep := newTransport(t, map[uint64]string{3: deadAddr(t)}, Config{QueueSize: 64})

	// Messages to a dead store come back as unreachable reports.
	for i := range uint64(10) {
		_ = tr.Send(msg(5, 1, 3, i))
	}
	waitFor(t, "an unreachable report", func() bool { return rep.unreachableCount(5, 3) > 0 })

	// A snapshot to it fails and says so.
	if err := tr.Send(snapMsg(5, 1, 3, []byte("snap"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the failed snapshot report", func() bool { return rep.snapshots() == "[5/3:false]" })

	// A flood is refused at the queue bound instead of growing memory.
	refused := 0
	for i := range uint64(10_000) {
		if err := tr.Send(msg(5, 1, 3, i)); err != nil {
			if !strings.Contains(err.Error(), "queue to store 3 is full") {
				t.Fatalf("unexpected error: %v", err)
			}
			refused++
		}
		if n := len(tr.stores[3].queue); n > 64 {
			t.Fatalf("queue holds %d messages, bound 64", n)
		}
	}
	if refused == 0 {
		t.Fatal("10,000 sends to a dead store were all queued")
	}

	// Closing leaves no goroutine behind.
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tr.Send(msg(5, 1, 3, 0)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close = %v, want ErrClosed", err)
	}
	waitFor(t, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= base+2 })
}

func TestQueueByteBound(t *testing.T) {
	tr, _ := newTransport(t, map[uint64]string{3: deadAddr(t)}, Config{QueueBytes: 4096})
	big := msg(1, 1, 3, 0)
	big.Message.Entries[0].Data = make([]byte, 3000)
	if err := tr.Send(big); err != nil {
		t.Fatal(err)
	}
	// The queue may have drained meanwhile; a burst must still hit the byte bound.
	var err error
	for range 100 {
		if err = tr.Send(big); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "bytes") {
		t.Fatalf("a burst of 3 KB messages against a 4 KB queue: %v", err)
	}
	if n := tr.stores[3].bytes.Load(); n > 4096 {
		t.Fatalf("queue accounts %d bytes, bound 4096", n)
	}
}

func TestReconnectsAfterPeerRestart(t *testing.T) {
	lis := listen(t)
	addr := lis.Addr().String()
	p := startPeer(t, lis)
	tr, rep := newTransport(t, map[uint64]string{2: addr}, Config{})
	if err := tr.Send(msg(1, 1, 2, 0)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first message", func() bool { return p.in.count() == 1 })
	p.stop()

	// While the peer is down, sends are reported unreachable.
	waitFor(t, "an unreachable report while down", func() bool {
		_ = tr.Send(msg(1, 1, 2, 1))
		time.Sleep(5 * time.Millisecond)
		return rep.unreachableCount(1, 2) > 0
	})

	lis2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot rebind %s: %v", addr, err)
	}
	p2 := startPeer(t, lis2)
	waitFor(t, "delivery after the restart", func() bool {
		_ = tr.Send(msg(1, 1, 2, 2))
		time.Sleep(5 * time.Millisecond)
		return p2.in.count() > 0
	})
}
