package schedule

import (
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
)

func TestCommandForEachStep(t *testing.T) {
	if Command(nil) != nil {
		t.Fatal("nil step gave a command")
	}
	add := Command(AddPeer{ToStore: 4, PeerID: 9})
	if cp := add.GetChangePeer(); cp.GetChangeType() != raftpb.ConfChangeType_ConfChangeAddNode ||
		cp.GetPeer().GetId() != 9 || cp.GetPeer().GetStoreId() != 4 || add.GetTransferLeader() != nil {
		t.Fatalf("AddPeer became %v", add)
	}
	// A learner is asked for by change type (the raftstore reads only that); the role in the peer says the same.
	al := Command(AddLearner{ToStore: 5, PeerID: 11})
	if cp := al.GetChangePeer(); cp.GetChangeType() != raftpb.ConfChangeType_ConfChangeAddLearnerNode ||
		cp.GetPeer().GetId() != 11 || cp.GetPeer().GetStoreId() != 5 || cp.GetPeer().GetRole() != metapb.PeerRole_Learner {
		t.Fatalf("AddLearner became %v", al)
	}
	// AddNode on a learner promotes it in the raftstore.
	pl := Command(PromoteLearner{ToStore: 5, PeerID: 11})
	if cp := pl.GetChangePeer(); cp.GetChangeType() != raftpb.ConfChangeType_ConfChangeAddNode ||
		cp.GetPeer().GetId() != 11 || cp.GetPeer().GetStoreId() != 5 || cp.GetPeer().GetRole() != metapb.PeerRole_Voter {
		t.Fatalf("PromoteLearner became %v", pl)
	}
	rm := Command(RemovePeer{FromStore: 2, PeerID: 7})
	if cp := rm.GetChangePeer(); cp.GetChangeType() != raftpb.ConfChangeType_ConfChangeRemoveNode ||
		cp.GetPeer().GetId() != 7 || cp.GetPeer().GetStoreId() != 2 {
		t.Fatalf("RemovePeer became %v", rm)
	}
	tl := Command(TransferLeader{FromStore: 1, ToStore: 3, ToPeerID: 8})
	if p := tl.GetTransferLeader().GetPeer(); p.GetId() != 8 || p.GetStoreId() != 3 || tl.GetChangePeer() != nil {
		t.Fatalf("TransferLeader became %v", tl)
	}
}

// TestClusterConfigOverridesEachRound: max-replicas from the server's cluster config applies from the next round.
func TestClusterConfigOverridesEachRound(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4, 5)
	f.put(regionSpec{id: 1, size: mb, leader: 1, stores: []uint64{1, 2, 3}})
	cc := &schedulerpb.ClusterConfig{MaxReplicas: 3}
	co, err := NewCoordinator(f.c, &testIDs{}, Config{DisableBalance: true, Now: func() time.Time { return f.now },
		ClusterConfig: func() *schedulerpb.ClusterConfig { return cc }})
	if err != nil {
		t.Fatal(err)
	}
	seam := ServerScheduling{Coord: co}
	seam.Schedule(f.now)
	if n := co.Operators().Count(KindReplica); n != 0 {
		t.Fatalf("3 replicas with max 3: %d operators", n)
	}
	cc = &schedulerpb.ClusterConfig{MaxReplicas: 5}
	seam.Schedule(f.now)
	resp := seam.Dispatch(f.c.GetRegion(1))
	if resp.GetChangePeer().GetChangeType() != raftpb.ConfChangeType_ConfChangeAddLearnerNode {
		t.Fatalf("after max-replicas 5: heartbeat response %v, want a learner added", resp)
	}
	cc = &schedulerpb.ClusterConfig{MaxReplicas: 1000} // out of range: ignored
	if got := co.base.refreshed().MaxReplicas; got != 3 {
		t.Fatalf("max-replicas 1000 applied as %d", got)
	}
}
