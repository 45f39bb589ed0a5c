package raftstore

import (
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// captureTransport records what a lone store sends.
type captureTransport struct {
	mu   sync.Mutex
	sent []*raftserverpb.RaftMessage
}

func (c *captureTransport) Send(m *raftserverpb.RaftMessage) error {
	c.mu.Lock()
	c.sent = append(c.sent, m)
	c.mu.Unlock()
	return nil
}

// voteAnswer returns the answer to a vote request from peer `to` in term, if one was sent.
func (c *captureTransport) voteAnswer(to, term uint64) *pb.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.sent {
		if r := m.GetMessage(); r.GetType() == pb.MessageType_MsgVoteResp && r.GetTo() == to && r.GetTerm() == term {
			return r
		}
	}
	return nil
}

// askVote sends peer `from`'s vote request in term to peer 10 on store 3 until it is
// answered (a message that replaces a stale local peer is consumed by that), bounded in time.
func askVote(t *testing.T, s *Store, tr *captureTransport, from, term uint64) *pb.Message {
	t.Helper()
	for try := 0; try < 100; try++ {
		msg := &raftserverpb.RaftMessage{RegionId: 1, FromPeer: &metapb.Peer{Id: from, StoreId: from},
			ToPeer: &metapb.Peer{Id: 10, StoreId: 3}, RegionEpoch: &metapb.RegionEpoch{ConfVer: 5, Version: 1},
			Message: &pb.Message{Type: pb.MessageType_MsgVote, From: from, To: 10, Term: term, Index: 50, LogTerm: term - 1}}
		if err := s.OnRaftMessage(msg); err != nil {
			t.Fatalf("vote request from %d: %v", from, err)
		}
		time.Sleep(20 * time.Millisecond)
		if r := tr.voteAnswer(from, term); r != nil {
			return r
		}
	}
	t.Fatalf("peer 10 never answered the vote request of peer %d in term %d", from, term)
	return nil
}

// TestEmptyPeerVoteSurvivesRestartAndBootstrap: a peer added on store 3 but still empty
// (created by a vote request) votes in term 20; the store restarts and, like every store of
// a harness or a static cluster, is asked to bootstrap the first region, in which it had
// peer 3. Bootstrapping over that state made peer 10 forget its vote: recreated by the next
// candidate's request it voted again in term 20, so two leaders could share a term and
// write different entries at the same index (the churn + partitions + restarts divergence).
func TestEmptyPeerVoteSurvivesRestartAndBootstrap(t *testing.T) {
	dir := t.TempDir()
	first := &metapb.Region{Id: 1, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1},
		Peers: []*metapb.Peer{{Id: 1, StoreId: 1}, {Id: 2, StoreId: 2}, {Id: 3, StoreId: 3}}}
	open := func(bootstrap bool) (*Store, *engine.Engine, *captureTransport) {
		eng, err := engine.Open(dir, engine.Options{CacheSize: 1 << 20, MemTableSize: 4 << 20})
		if err != nil {
			t.Fatal(err)
		}
		tr := &captureTransport{}
		s, err := NewStore(testConfig(3), eng, tr)
		if err != nil {
			t.Fatal(err)
		}
		if bootstrap {
			if err := s.Bootstrap(first); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		return s, eng, tr
	}
	s, eng, tr := open(false)
	if r := askVote(t, s, tr, 1, 20); r.GetReject() {
		t.Fatalf("empty peer refused the first vote of term 20: %v", r)
	}
	s.Stop()
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}

	s, eng, tr = open(true)
	defer func() { s.Stop(); _ = eng.Close() }()
	if _, ok := s.RegionStatus(1); ok {
		t.Error("Bootstrap created a peer on an engine that already held raft state")
	}
	var rs raftserverpb.RaftLocalState
	if err := getProto(eng, engine.RaftStateKey(1), &rs); err != nil || rs.GetHardState().GetTerm() != 20 ||
		rs.GetHardState().GetVote() != 1 {
		t.Errorf("raft state after restart = %v (%v), want term 20 vote 1", &rs, err)
	}
	if r := askVote(t, s, tr, 2, 20); !r.GetReject() {
		t.Fatalf("peer 10 voted twice in term 20 (for 1, then for 2): %v", r)
	}
}

// TestRestartAfterRemovalKeepsTombstone: a store whose only peer was removed is restarted
// and asked to bootstrap again; it must keep its tombstone and host nothing, not come
// back as the first region's peer with an empty log.
func TestRestartAfterRemovalKeepsTombstone(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	victim := uint64(3)
	if c.leaderOf(1) == victim {
		victim = 2
	}
	c.changePeer(t, pb.ConfChangeType_ConfChangeRemoveNode, &metapb.Peer{Id: victim, StoreId: victim})
	waitFor(t, "the removed peer to be destroyed", func() bool { _, ok := c.stores[victim].RegionStatus(1); return !ok })
	var before raftserverpb.RaftLocalState
	if err := getProto(c.engs[victim], engine.RaftStateKey(1), &before); err != nil {
		t.Fatal(err)
	}
	c.stop(victim)
	c.start(victim) // calls Bootstrap with the first region, which names this store
	if _, ok := c.stores[victim].RegionStatus(1); ok {
		t.Fatal("the removed peer came back after a restart")
	}
	if st := regionState(t, c.engs[victim], 1); st.GetState() != raftserverpb.PeerState_Tombstone {
		t.Fatalf("region state after restart = %v, want the tombstone", st)
	}
	var after raftserverpb.RaftLocalState
	if err := getProto(c.engs[victim], engine.RaftStateKey(1), &after); err != nil ||
		after.GetHardState().GetTerm() != before.GetHardState().GetTerm() ||
		after.GetHardState().GetVote() != before.GetHardState().GetVote() {
		t.Fatalf("raft state after restart = %v (%v), want term and vote of %v", &after, err, &before)
	}
	if err := c.put("k2", "v2"); err != nil {
		t.Fatal(err)
	}
}

// TestRemovedPeerToldByTombstonedStore: peer 4 is removed while cut off, then peer 3 is
// removed too (store 3 applies its own removal). When peer 4 can reach only store 3, its
// campaign reaches a tombstone whose region no longer lists it: store 3 answers with a
// tombstone message and peer 4 destroys itself instead of campaigning forever.
func TestRemovedPeerToldByTombstonedStore(t *testing.T) {
	c := newTestCluster(t, 4, nil)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	c.waitValue(4, "k", "v")
	c.net.isolate(4, true)
	c.changePeer(t, pb.ConfChangeType_ConfChangeRemoveNode, &metapb.Peer{Id: 4, StoreId: 4})
	c.changePeer(t, pb.ConfChangeType_ConfChangeRemoveNode, &metapb.Peer{Id: 3, StoreId: 3})
	waitFor(t, "store 3 to apply its removal", func() bool { _, ok := c.stores[3].RegionStatus(1); return !ok })
	if tomb := regionState(t, c.engs[3], 1).GetRegion(); peerOnStore(tomb, 3) != nil || len(tomb.GetPeers()) != 2 {
		t.Fatalf("store 3's tombstone = %v, want the region after its own removal", tomb)
	}
	if st, _ := c.stores[4].RegionStatus(1); st.Region.GetRegionEpoch().GetConfVer() != 1 {
		t.Fatalf("the cut-off store heard of its removal already: %v", st.Region)
	}
	// Store 4 can now reach only store 3 (1 and 2 are cut off from everyone).
	c.net.isolate(1, true)
	c.net.isolate(2, true)
	c.net.isolate(4, false)
	waitFor(t, "the removed peer to destroy itself", func() bool { _, ok := c.stores[4].RegionStatus(1); return !ok })
	if st := regionState(t, c.engs[4], 1); st.GetState() != raftserverpb.PeerState_Tombstone {
		t.Fatalf("store 4 region state = %v, want a tombstone", st)
	}
}

// TestRemovedPeerToldByReplacedPeer: peer 4 is removed while cut off, peer 3 is removed
// and store 3 re-added as peer 13. Peer 4, reaching only store 3, addresses peer 3; the
// message is refused (peer 3 was replaced), but store 3's peer 13, whose region no longer
// lists peer 4, tells it it was removed and peer 4 destroys itself.
func TestRemovedPeerToldByReplacedPeer(t *testing.T) {
	c := newTestCluster(t, 4, nil)
	if err := c.put("k", "v"); err != nil {
		t.Fatal(err)
	}
	c.waitValue(4, "k", "v")
	c.net.isolate(4, true)
	c.changePeer(t, pb.ConfChangeType_ConfChangeRemoveNode, &metapb.Peer{Id: 4, StoreId: 4})
	c.changePeer(t, pb.ConfChangeType_ConfChangeRemoveNode, &metapb.Peer{Id: 3, StoreId: 3})
	waitFor(t, "store 3 to drop peer 3", func() bool { _, ok := c.stores[3].RegionStatus(1); return !ok })
	c.changePeer(t, pb.ConfChangeType_ConfChangeAddNode, &metapb.Peer{Id: 13, StoreId: 3})
	waitFor(t, "peer 13 to be filled", func() bool {
		st, ok := c.stores[3].RegionStatus(1)
		return ok && st.PeerID == 13 && len(st.Region.GetPeers()) == 3
	})
	c.net.isolate(1, true)
	c.net.isolate(2, true)
	c.net.isolate(4, false)
	waitFor(t, "the removed peer to destroy itself", func() bool { _, ok := c.stores[4].RegionStatus(1); return !ok })
	if st, _ := c.stores[3].RegionStatus(1); st.PeerID != 13 {
		t.Fatalf("store 3's peer changed: %+v", st)
	}
}
