package cluster

import (
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
)

// recEndpoint records what reaches it.
type recEndpoint struct {
	mu       sync.Mutex
	got      []uint64 // Message.Index of each delivered message
	snapStat []bool
}

func (r *recEndpoint) OnRaftMessage(m *raftserverpb.RaftMessage) error {
	r.mu.Lock()
	r.got = append(r.got, m.GetMessage().GetIndex())
	r.mu.Unlock()
	return nil
}
func (r *recEndpoint) ReportUnreachable(uint64, uint64) {}
func (r *recEndpoint) ReportSnapshotStatus(_, _ uint64, ok bool) {
	r.mu.Lock()
	r.snapStat = append(r.snapStat, ok)
	r.mu.Unlock()
}

func (r *recEndpoint) snapshot() ([]uint64, []bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]uint64(nil), r.got...), append([]bool(nil), r.snapStat...)
}

func msg(from, to, index uint64, snap bool) *raftserverpb.RaftMessage {
	m := &raftserverpb.RaftMessage{RegionId: 1, FromPeer: &metapb.Peer{Id: from, StoreId: from},
		ToPeer: &metapb.Peer{Id: to, StoreId: to}, Message: &raftpb.Message{Index: index}}
	if snap {
		m.Message.Snapshot = &raftpb.Snapshot{Data: []byte("snap")}
	}
	return m
}

func newTestNet(t *testing.T, seed int64) (*Network, map[uint64]*recEndpoint) {
	n := NewNetwork(seed)
	eps := map[uint64]*recEndpoint{}
	for id := uint64(1); id <= 3; id++ {
		eps[id] = &recEndpoint{}
		n.Attach(id, eps[id])
	}
	t.Cleanup(n.Close)
	return n, eps
}

// settle waits until f holds or fails the test after a second.
func settle(t *testing.T, what string, f func() bool) {
	t.Helper()
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(2 * time.Millisecond) {
		if f() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestNetworkInOrderAndPartition(t *testing.T) {
	n, eps := newTestNet(t, 1)
	tr := n.Transport(1)
	for i := uint64(1); i <= 100; i++ {
		if err := tr.Send(msg(1, 2, i, false)); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, "100 deliveries", func() bool { g, _ := eps[2].snapshot(); return len(g) == 100 })
	g, _ := eps[2].snapshot()
	for i, idx := range g {
		if idx != uint64(i+1) {
			t.Fatalf("delivery %d carried index %d: reordered without a delay filter", i, idx)
		}
	}
	heal := n.AddFilter(Partition([]uint64{1}, []uint64{2, 3}))
	_ = tr.Send(msg(1, 2, 500, false))
	_ = n.Transport(3).Send(msg(3, 2, 501, false))
	settle(t, "same-side delivery", func() bool { g, _ := eps[2].snapshot(); return len(g) == 101 })
	if g, _ := eps[2].snapshot(); g[100] != 501 {
		t.Fatalf("partition let %d through", g[100])
	}
	heal()
	_ = tr.Send(msg(1, 2, 502, false))
	settle(t, "delivery after heal", func() bool { g, _ := eps[2].snapshot(); return len(g) == 102 })
	if err := tr.Send(msg(1, 9, 1, false)); err == nil {
		t.Fatal("send to an unknown store succeeded")
	}
}

func TestNetworkDropDuplicateDelay(t *testing.T) {
	n, eps := newTestNet(t, 7)
	tr := n.Transport(1)
	remove := n.AddFilter(Drop(0.3))
	for i := uint64(1); i <= 1000; i++ {
		_ = tr.Send(msg(1, 2, i, false))
	}
	settle(t, "drops accounted", func() bool {
		g, _ := eps[2].snapshot()
		return int64(len(g))+n.Dropped.Load() == 1000
	})
	if g, _ := eps[2].snapshot(); len(g) < 600 || len(g) > 800 {
		t.Fatalf("30%% drop delivered %d of 1000", len(g))
	}
	remove()

	n.AddFilter(Duplicate(1))
	_ = tr.Send(msg(1, 3, 7, false))
	settle(t, "duplicate", func() bool { g, _ := eps[3].snapshot(); return len(g) == 2 })
	n.ClearFilters()

	n.AddFilter(Delay(1, 0, 20*time.Millisecond))
	for i := uint64(1); i <= 50; i++ {
		_ = n.Transport(2).Send(msg(2, 1, i, false))
	}
	settle(t, "delayed deliveries", func() bool { g, _ := eps[1].snapshot(); return len(g) == 50 })
	g, _ := eps[1].snapshot()
	inOrder := true
	for i := 1; i < len(g); i++ {
		inOrder = inOrder && g[i] > g[i-1]
	}
	if inOrder {
		t.Fatal("random delays of up to 20ms did not reorder 50 messages")
	}
}

func TestNetworkSnapshotsAndRestart(t *testing.T) {
	n, eps := newTestNet(t, 3)
	snaps := &SnapshotInterceptor{}
	n.AddFilter(snaps)
	tr := n.Transport(1)
	_ = tr.Send(msg(1, 2, 1, true))
	settle(t, "snapshot delivered and reported", func() bool { _, s := eps[1].snapshot(); return len(s) == 1 })
	snaps.SetDrop(true)
	_ = tr.Send(msg(1, 2, 2, true))
	_ = tr.Send(msg(1, 2, 3, false))
	settle(t, "dropped snapshot reported", func() bool { _, s := eps[1].snapshot(); return len(s) == 2 })
	if _, s := eps[1].snapshot(); !s[0] || s[1] {
		t.Fatalf("snapshot statuses %v, want [true false]", s)
	}
	if snaps.Seen.Load() != 2 || snaps.Dropped.Load() != 1 {
		t.Fatalf("interceptor saw %d, dropped %d", snaps.Seen.Load(), snaps.Dropped.Load())
	}
	settle(t, "plain message", func() bool { g, _ := eps[2].snapshot(); return len(g) == 2 })

	// A message delayed past a restart of its destination is lost, not delivered to the
	// new incarnation.
	n.AddFilter(Delay(1, 50*time.Millisecond, 50*time.Millisecond))
	_ = tr.Send(msg(1, 3, 9, false))
	n.Detach(3)
	fresh := &recEndpoint{}
	n.Attach(3, fresh)
	time.Sleep(100 * time.Millisecond)
	if g, _ := fresh.snapshot(); len(g) != 0 {
		t.Fatalf("restarted store got %v sent to its previous incarnation", g)
	}
}
