package raftstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/storage"
)

func regionErrOf(t *testing.T, err error) *storage.RegionError {
	t.Helper()
	var re *storage.RegionError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a region error", err)
	}
	return re
}

func write(s *Store, key, value string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.Storage().Write(ctx, &kvrpcpb.Context{}, []storage.Modify{storage.Put(engine.CFDefault, []byte(key), []byte(value))})
}

func (c *testCluster) isolateAll(on bool) {
	for id := range c.dirs {
		c.net.isolate(id, on)
	}
}

func (c *testCluster) follower(l uint64) uint64 {
	for id := range c.stores {
		if id != l {
			return id
		}
	}
	c.t.Fatal("no follower")
	return 0
}

func TestProposalToFollowerGetsNotLeader(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	l := c.leader()
	if err := c.put("warm", "up"); err != nil {
		t.Fatal(err)
	}
	f := c.follower(l)
	re := regionErrOf(t, write(c.stores[f], "k", "v"))
	nl := re.Err.GetNotLeader()
	if nl == nil || nl.GetLeader().GetId() != l || nl.GetLeaderAddress() != fmt.Sprintf("store-%d", l) {
		t.Fatalf("follower write: %v, want NotLeader naming peer %d", re.Err, l)
	}
}

func TestProposalTimeoutWhenNothingCommits(t *testing.T) {
	c := newTestCluster(t, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.ProposalTimeout = 300 * time.Millisecond
		cfg.ElectionTicks = 50 // the isolated leader keeps leading long enough to take the proposal
		return cfg
	})
	l := c.leader()
	if err := c.put("warm", "up"); err != nil {
		t.Fatal(err)
	}
	c.isolateAll(true)
	err := write(c.stores[l], "k", "v")
	if re := regionErrOf(t, err); re.Err.GetTimeout() == nil {
		t.Fatalf("write with no quorum: %v, want Timeout", re.Err)
	}
}

func TestServerIsBusyWhenTooManyPending(t *testing.T) {
	c := newTestCluster(t, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.MaxPendingProposals = 1
		cfg.ProposalTimeout = 2 * time.Second
		return cfg
	})
	l := c.leader()
	if err := c.put("warm", "up"); err != nil {
		t.Fatal(err)
	}
	c.isolateAll(true)
	first := make(chan error, 1)
	go func() { first <- write(c.stores[l], "a", "1") }()
	deadline := time.Now().Add(5 * time.Second)
	for c.stores[l].pending.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	re := regionErrOf(t, write(c.stores[l], "b", "2"))
	if re.Err.GetServerIsBusy() == nil {
		t.Fatalf("second write: %v, want ServerIsBusy", re.Err)
	}
	c.isolateAll(false)
	if err := <-first; err != nil && regionErrOf(t, err).Err == nil {
		t.Fatalf("first write: %v", err)
	}
}

// A leader cut off from the others takes a proposal; the majority elects a new leader
// whose entries land at that index; after healing, the old leader's proposer is told
// StaleCommand (its command was certainly not applied).
func TestProposalOvertakenByNewTermGetsStaleCommand(t *testing.T) {
	c := newTestCluster(t, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.ProposalTimeout = 20 * time.Second
		return cfg
	})
	if err := c.put("warm", "up"); err != nil {
		t.Fatal(err)
	}
	var old uint64
	res := make(chan error, 1)
	for attempt := 0; ; attempt++ {
		old = c.leader()
		c.net.isolate(old, true)
		go func() { res <- write(c.stores[old], "lost", "x") }()
		select {
		case err := <-res: // refused at once (lost leadership already): try again
			if attempt == 5 {
				t.Fatalf("isolated leader never took the proposal: %v", err)
			}
			c.net.isolate(old, false)
			continue
		case <-time.After(50 * time.Millisecond):
		}
		break
	}
	var newLeader uint64
	deadline := time.Now().Add(10 * time.Second)
	for newLeader == 0 && time.Now().Before(deadline) {
		for id, s := range c.stores {
			if st, _ := s.RegionStatus(1); id != old && st.IsLeader {
				newLeader = id
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if newLeader == 0 {
		t.Fatal("majority elected no leader")
	}
	for i := 0; i < 3; i++ {
		if err := write(c.stores[newLeader], fmt.Sprintf("n%d", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	c.net.isolate(old, false)
	select {
	case err := <-res:
		if re := regionErrOf(t, err); re.Err.GetStaleCommand() == nil {
			t.Fatalf("overtaken proposal: %v, want StaleCommand", re.Err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("overtaken proposal never answered")
	}
	if _, ok, _ := c.get(newLeader, "lost", true); ok {
		t.Fatal("the overtaken command was applied")
	}
}

func gcConfig(id uint64) Config {
	cfg := testConfig(id)
	cfg.RaftLogGCCountLimit = 10
	cfg.RaftLogGCTickInterval = 20 * time.Millisecond
	return cfg
}

func TestLogGCTrimsTheLog(t *testing.T) {
	c := newTestCluster(t, 3, gcConfig)
	for i := 0; i < 60; i++ {
		if err := c.put(fmt.Sprintf("k%02d", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for id, s := range c.stores {
		for {
			st, _ := s.RegionStatus(1)
			if st.TruncatedIndex > 40 && st.Applied-st.TruncatedIndex <= 20 {
				lo, hi := engine.RaftLogRange(1, 0, st.TruncatedIndex+1)
				it, err := c.engs[id].NewIterator(lo, hi)
				if err != nil {
					t.Fatal(err)
				}
				left := it.Valid()
				it.Close()
				if !left {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("store %d: applied %d, truncated %d: log not trimmed", id, st.Applied, st.TruncatedIndex)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// An isolated follower misses writes and a delete while the log is compacted past it; on
// healing it catches up through a snapshot, and keeps the result across a restart.
func TestIsolatedFollowerCatchesUpBySnapshot(t *testing.T) {
	c := newTestCluster(t, 3, gcConfig)
	if err := c.put("gone", "soon"); err != nil {
		t.Fatal(err)
	}
	l := c.leader()
	f := c.follower(l)
	c.waitValue(f, "gone", "soon")
	c.net.isolate(f, true)
	fst, _ := c.stores[f].RegionStatus(1)
	for i := 0; i < 50; i++ {
		if err := c.put(fmt.Sprintf("k%02d", i), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.stores[c.leader()].Storage().Write(ctx, &kvrpcpb.Context{},
		[]storage.Modify{storage.Delete(engine.CFDefault, []byte("gone"))}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := c.stores[c.leader()].RegionStatus(1)
		fst, _ = c.stores[f].RegionStatus(1) // messages sent before the cut may still land
		if st.TruncatedIndex > fst.LastIndex {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("leader log not compacted past the follower (truncated %d, follower last %d)", st.TruncatedIndex, fst.LastIndex)
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.net.isolate(f, false)
	c.waitValue(f, "k49", "49")
	c.waitValue(f, "gone", "")
	// The data is visible as soon as the install batch is written; the status follows.
	st, _ := c.stores[f].RegionStatus(1)
	for end := time.Now().Add(5 * time.Second); st.TruncatedIndex <= fst.LastIndex && time.Now().Before(end); {
		time.Sleep(5 * time.Millisecond)
		st, _ = c.stores[f].RegionStatus(1)
	}
	if st.TruncatedIndex <= fst.LastIndex {
		lst, _ := c.stores[c.leader()].RegionStatus(1)
		t.Fatalf("follower truncated index %d: it did not install a snapshot (follower %+v, leader %+v, fst %+v)", st.TruncatedIndex, st, lst, fst)
	}
	c.stop(f)
	c.start(f)
	for i := 0; i < 50; i++ {
		c.waitValue(f, fmt.Sprintf("k%02d", i), fmt.Sprint(i))
	}
	c.waitValue(f, "gone", "")
}

func TestRestartKeepsAcknowledgedWrites(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	for i := 0; i < 30; i++ {
		if err := c.put(fmt.Sprintf("k%02d", i), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	for id := range c.dirs {
		c.stop(id)
	}
	for id := range c.dirs {
		c.start(id)
	}
	l := c.leader()
	for i := 0; i < 30; i++ {
		var v string
		var ok bool
		var err error
		for try := 0; try < 100; try++ {
			if v, ok, err = c.get(l, fmt.Sprintf("k%02d", i), false); !isRetryable(err) {
				break
			}
			time.Sleep(10 * time.Millisecond)
			l = c.leader()
		}
		if err != nil || !ok || v != fmt.Sprint(i) {
			t.Fatalf("after restart k%02d = %q, %v, %v", i, v, ok, err)
		}
	}
	if err := c.put("after", "restart"); err != nil {
		t.Fatal(err)
	}
}

func TestBadRaftMessagesAreRefusedAndChangeNothing(t *testing.T) {
	c := newTestCluster(t, 3, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.MaxSnapshotSize = 1 << 20
		return cfg
	})
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	s := c.stores[1]
	before, _ := s.RegionStatus(1)
	hb := func() *raftserverpb.RaftMessage {
		return &raftserverpb.RaftMessage{RegionId: 1, FromPeer: &metapb.Peer{Id: 2, StoreId: 2}, ToPeer: &metapb.Peer{Id: 1, StoreId: 1},
			Message: &pb.Message{Type: pb.MessageType_MsgHeartbeat, From: 2, To: 1, Term: before.Term + 100}}
	}
	snapMsg := func(data []byte) *raftserverpb.RaftMessage {
		m := hb()
		m.Message.Type = pb.MessageType_MsgSnap
		m.Message.Snapshot = &pb.Snapshot{Data: data, Metadata: &pb.SnapshotMetadata{Index: 1000, Term: before.Term + 100}}
		return m
	}
	cases := map[string]struct {
		msg  *raftserverpb.RaftMessage
		want string
	}{
		"nil":            {nil, "no raft payload"},
		"unknown region": {func() *raftserverpb.RaftMessage { m := hb(); m.RegionId = 99; return m }(), "region 99"},
		"other store":    {func() *raftserverpb.RaftMessage { m := hb(); m.ToPeer.StoreId = 2; return m }(), "store 2"},
		"wrong peer":     {func() *raftserverpb.RaftMessage { m := hb(); m.ToPeer.Id = 7; m.Message.To = 7; return m }(), "not 7"},
		"envelope":       {func() *raftserverpb.RaftMessage { m := hb(); m.Message.From = 3; return m }(), "do not match"},
		"local type":     {func() *raftserverpb.RaftMessage { m := hb(); m.Message.Type = pb.MessageType_MsgHup; return m }(), "local"},
		"corrupt snap":   {snapMsg([]byte("TKVSNAP\x01garbage-garbage")), "checksum"},
		"truncated snap": {snapMsg([]byte("TKV")), "truncated"},
		"oversized snap": {snapMsg(make([]byte, 2<<20)), "size limit"},
	}
	for name, tc := range cases {
		err := s.OnRaftMessage(tc.msg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: err = %v, want it to mention %q", name, err, tc.want)
		}
	}
	time.Sleep(50 * time.Millisecond)
	after, _ := s.RegionStatus(1)
	if after.Term > before.Term+50 || len(s.Regions()) != 1 {
		t.Fatalf("a refused message changed the store: term %d -> %d, regions %v", before.Term, after.Term, s.Regions())
	}
	if _, ok := s.RegionStatus(99); ok {
		t.Fatal("a message created region 99")
	}
}

func TestStopTwiceAndWorkAfterStop(t *testing.T) {
	c := newTestCluster(t, 1, nil)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	s := c.stores[1]
	s.Stop()
	s.Stop()
	if err := write(s, "k", "v2"); !errors.Is(err, ErrStopped) && regionErrOf(t, err).Err.GetTimeout() == nil {
		t.Fatalf("write after Stop: %v", err)
	}
	if err := s.OnRaftMessage(&raftserverpb.RaftMessage{}); err == nil {
		t.Fatal("OnRaftMessage after Stop accepted a message")
	}
}

func TestOversizedWriteIsRefusedAndChangesNothing(t *testing.T) {
	c := newTestCluster(t, 1, func(id uint64) Config {
		cfg := testConfig(id)
		cfg.MaxEntrySize = 1 << 10
		return cfg
	})
	if err := c.put("small", "ok"); err != nil {
		t.Fatal(err)
	}
	before, _ := c.stores[1].RegionStatus(1)
	err := write(c.stores[1], "big", strings.Repeat("x", 2<<10))
	if !errors.Is(err, ErrEntryTooLarge) {
		t.Fatalf("oversized write: err = %v, want ErrEntryTooLarge", err)
	}
	after, _ := c.stores[1].RegionStatus(1)
	if after.LastIndex != before.LastIndex {
		t.Fatalf("the refused write reached the log: last index %d -> %d", before.LastIndex, after.LastIndex)
	}
	if _, ok, _ := c.get(1, "big", false); ok {
		t.Fatal("the refused write was applied")
	}
}
