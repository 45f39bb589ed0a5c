package raftstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/storage"
	"google.golang.org/protobuf/proto"
)

// testNet delivers raft messages between in-process stores, copying them as a network
// would, and can cut stores off.
type testNet struct {
	mu       sync.Mutex
	stores   map[uint64]*Store
	isolated map[uint64]bool
	// stalled blocks a store's sends (and so its raft loop) until the channel is closed.
	stalled map[uint64]chan struct{}
}

func (n *testNet) send(from uint64, msg *raftserverpb.RaftMessage) error {
	to := msg.GetToPeer().GetStoreId()
	n.mu.Lock()
	stall := n.stalled[from]
	n.mu.Unlock()
	if stall != nil {
		<-stall
	}
	n.mu.Lock()
	dst := n.stores[to]
	cut := n.isolated[from] || n.isolated[to]
	src := n.stores[from]
	n.mu.Unlock()
	if dst == nil {
		return fmt.Errorf("store %d unknown", to)
	}
	if cut {
		return nil // silently lost, like a partition
	}
	m := proto.Clone(msg).(*raftserverpb.RaftMessage)
	err := dst.OnRaftMessage(m)
	if msg.GetMessage().GetSnapshot() != nil && src != nil {
		src.ReportSnapshotStatus(msg.GetRegionId(), msg.GetToPeer().GetId(), err == nil)
	}
	return nil
}

func (n *testNet) isolate(id uint64, on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.isolated[id] = on
}

type netTransport struct {
	n    *testNet
	from uint64
}

func (t netTransport) Send(msg *raftserverpb.RaftMessage) error { return t.n.send(t.from, msg) }

type testCluster struct {
	t      testing.TB
	net    *testNet
	dirs   map[uint64]string
	engs   map[uint64]*engine.Engine
	stores map[uint64]*Store
	cfg    func(id uint64) Config
	region *metapb.Region
}

func testConfig(id uint64) Config {
	return Config{StoreID: id, TickInterval: 10 * time.Millisecond, ElectionTicks: 10, HeartbeatTicks: 2,
		RaftLogGCTickInterval: 50 * time.Millisecond, ProposalTimeout: 3 * time.Second,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Resolver: func(s uint64) (string, bool) { return fmt.Sprintf("store-%d", s), true }}
}

func newTestCluster(t testing.TB, n int, cfg func(id uint64) Config) *testCluster {
	if cfg == nil {
		cfg = testConfig
	}
	c := &testCluster{t: t, net: &testNet{stores: map[uint64]*Store{}, isolated: map[uint64]bool{}},
		dirs: map[uint64]string{}, engs: map[uint64]*engine.Engine{}, stores: map[uint64]*Store{}, cfg: cfg,
		region: &metapb.Region{Id: 1, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}}}
	for id := uint64(1); id <= uint64(n); id++ {
		c.region.Peers = append(c.region.Peers, &metapb.Peer{Id: id, StoreId: id})
		c.dirs[id] = t.TempDir()
	}
	for id := range c.dirs {
		c.start(id)
	}
	t.Cleanup(c.shutdown)
	return c
}

func (c *testCluster) start(id uint64) {
	c.t.Helper()
	eng, err := engine.Open(c.dirs[id], engine.Options{CacheSize: 1 << 20, MemTableSize: 4 << 20})
	if err != nil {
		c.t.Fatal(err)
	}
	s, err := NewStore(c.cfg(id), eng, netTransport{c.net, id})
	if err != nil {
		c.t.Fatal(err)
	}
	if err := s.Bootstrap(c.region); err != nil {
		c.t.Fatal(err)
	}
	c.engs[id], c.stores[id] = eng, s
	c.net.mu.Lock()
	c.net.stores[id] = s
	c.net.mu.Unlock()
	if err := s.Start(); err != nil {
		c.t.Fatal(err)
	}
}

func (c *testCluster) stop(id uint64) {
	c.net.mu.Lock()
	delete(c.net.stores, id)
	c.net.mu.Unlock()
	c.stores[id].Stop()
	if err := c.engs[id].Close(); err != nil {
		c.t.Fatal(err)
	}
	delete(c.stores, id)
	delete(c.engs, id)
}

func (c *testCluster) shutdown() {
	for id := range c.stores {
		c.stop(id)
	}
}

// leader waits for a store whose peer leads region 1 and that every other live store agrees on.
func (c *testCluster) leader() uint64 {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for id, s := range c.stores {
			if st, ok := s.RegionStatus(1); ok && st.IsLeader && !c.net.isolated[id] {
				return id
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.t.Fatal("no leader elected within 10s")
	return 0
}

func (c *testCluster) put(key, value string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var err error
	target := c.leader()
	for try := 0; try < 50; try++ {
		s := c.stores[target]
		if s == nil {
			target = c.leader()
			continue
		}
		err = s.Storage().Write(ctx, &kvrpcpb.Context{}, []storage.Modify{storage.Put(engine.CFDefault, []byte(key), []byte(value))})
		if !isRetryable(err) {
			return err
		}
		// Another region (after a split) may be led elsewhere: follow the hint.
		var re *storage.RegionError
		if errors.As(err, &re) && re.Err.GetNotLeader().GetLeader().GetStoreId() != 0 {
			target = re.Err.GetNotLeader().GetLeader().GetStoreId()
		} else {
			target = c.leader()
		}
		time.Sleep(10 * time.Millisecond)
	}
	return err
}

func isRetryable(err error) bool {
	var re *storage.RegionError
	return errors.As(err, &re) && (re.Err.GetNotLeader() != nil || re.Err.GetStaleCommand() != nil ||
		re.Err.GetEpochNotMatch() != nil || re.Err.GetKeyNotInRegion() != nil)
}

func (c *testCluster) get(id uint64, key string, stale bool) (string, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := c.stores[id].Storage().Reader(ctx, &kvrpcpb.Context{StaleRead: stale})
	if err != nil {
		return "", false, err
	}
	defer r.Close()
	v, err := r.GetCF(engine.CFDefault, []byte(key))
	return string(v), v != nil, err
}

// waitApplied waits until store id has key = value in a stale read.
func (c *testCluster) waitValue(id uint64, key, value string) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		v, ok, err := c.get(id, key, true)
		if err == nil && ok == (value != "") && v == value {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	v, ok, err := c.get(id, key, true)
	c.t.Fatalf("store %d: %s = %q (present %v, err %v); want %q", id, key, v, ok, err, value)
}

func TestClusterReplicatesAndReadsLinearizably(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	for i := 0; i < 20; i++ {
		if err := c.put(fmt.Sprintf("k%02d", i), fmt.Sprintf("v%d", i)); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	l := c.leader()
	v, ok, err := c.get(l, "k07", false)
	if err != nil || !ok || v != "v7" {
		t.Fatalf("leader read k07 = %q, %v, %v", v, ok, err)
	}
	for id := range c.stores {
		c.waitValue(id, "k19", "v19")
	}
	// A linearizable read on a follower is refused with a hint naming the leader.
	for id := range c.stores {
		if id == l {
			continue
		}
		_, _, err := c.get(id, "k00", false)
		var re *storage.RegionError
		if !errors.As(err, &re) || re.Err.GetNotLeader() == nil {
			t.Fatalf("follower read: err = %v, want NotLeader", err)
		}
		if nl := re.Err.GetNotLeader(); nl.GetLeader().GetStoreId() != l || nl.GetLeaderAddress() != fmt.Sprintf("store-%d", l) {
			t.Fatalf("NotLeader hint = %v, want store %d", nl, l)
		}
	}
}
