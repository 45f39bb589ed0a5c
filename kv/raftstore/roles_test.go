package raftstore

import (
	"slices"
	"strings"
	"testing"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func rolesRegion(peers ...*metapb.Peer) *metapb.Region {
	return &metapb.Region{Id: 1, RegionEpoch: &metapb.RegionEpoch{ConfVer: 5, Version: 1}, Peers: peers}
}

func voter(id uint64) *metapb.Peer { return &metapb.Peer{Id: id, StoreId: id} }
func learner(id uint64) *metapb.Peer {
	return &metapb.Peer{Id: id, StoreId: id, Role: metapb.PeerRole_Learner}
}

func chg(t pb.ConfChangeType, id uint64) *raftcmdpb.ChangePeerRequest {
	return &raftcmdpb.ChangePeerRequest{ChangeType: t, Peer: &metapb.Peer{Id: id, StoreId: id}}
}

func idsOf(changes []*raftcmdpb.ChangePeerRequest) []uint64 {
	var ids []uint64
	for _, c := range changes {
		ids = append(ids, c.GetPeer().GetId())
	}
	return ids
}

func rolesOf(r *metapb.Region) map[uint64]metapb.PeerRole {
	out := map[uint64]metapb.PeerRole{}
	for _, p := range r.GetPeers() {
		out[p.GetId()] = p.GetRole()
	}
	return out
}

// The region meta must follow raft's membership rules exactly: what it accepts raft
// accepts, and the roles it records are raft's configuration (joint decided as raft's
// Auto transition decides it).
func TestChangedRegionRoles(t *testing.T) {
	const (
		add     = pb.ConfChangeType_ConfChangeAddNode
		addL    = pb.ConfChangeType_ConfChangeAddLearnerNode
		promote = pb.ConfChangeType_ConfChangePromoteLearner
		remove  = pb.ConfChangeType_ConfChangeRemoveNode
		V       = metapb.PeerRole_Voter
		L       = metapb.PeerRole_Learner
		in      = metapb.PeerRole_IncomingVoter
		out     = metapb.PeerRole_OutgoingVoter
	)
	three := rolesRegion(voter(1), voter(2), voter(3))
	withLearner := rolesRegion(voter(1), voter(2), voter(3), learner(4))
	cases := []struct {
		name    string
		region  *metapb.Region
		changes []*raftcmdpb.ChangePeerRequest
		want    map[uint64]metapb.PeerRole
		wantErr string
	}{
		{"add learner", three, []*raftcmdpb.ChangePeerRequest{chg(addL, 4)}, map[uint64]metapb.PeerRole{1: V, 2: V, 3: V, 4: L}, ""},
		{"promote by AddNode", withLearner, []*raftcmdpb.ChangePeerRequest{chg(add, 4)}, map[uint64]metapb.PeerRole{1: V, 2: V, 3: V, 4: V}, ""},
		{"promote", withLearner, []*raftcmdpb.ChangePeerRequest{chg(promote, 4)}, map[uint64]metapb.PeerRole{1: V, 2: V, 3: V, 4: V}, ""},
		{"remove learner", withLearner, []*raftcmdpb.ChangePeerRequest{chg(remove, 4)}, map[uint64]metapb.PeerRole{1: V, 2: V, 3: V}, ""},
		{"replace voter (joint)", withLearner, []*raftcmdpb.ChangePeerRequest{chg(add, 4), chg(remove, 1)},
			map[uint64]metapb.PeerRole{1: out, 2: V, 3: V, 4: in}, ""},
		{"add two voters (joint)", three, []*raftcmdpb.ChangePeerRequest{chg(add, 4), chg(add, 5)},
			map[uint64]metapb.PeerRole{1: V, 2: V, 3: V, 4: in, 5: in}, ""},
		{"one voter and a learner (simple)", three, []*raftcmdpb.ChangePeerRequest{chg(add, 4), chg(addL, 5)},
			map[uint64]metapb.PeerRole{1: V, 2: V, 3: V, 4: V, 5: L}, ""},
		{"promote a voter", three, []*raftcmdpb.ChangePeerRequest{chg(promote, 2)}, nil, "no learner"},
		{"voter to learner", three, []*raftcmdpb.ChangePeerRequest{chg(addL, 2)}, nil, "cannot become a learner"},
		{"add existing voter", three, []*raftcmdpb.ChangePeerRequest{chg(add, 2)}, nil, "already has voter"},
		{"second peer on a store", three, []*raftcmdpb.ChangePeerRequest{{ChangeType: add, Peer: &metapb.Peer{Id: 9, StoreId: 2}}}, nil, "already has peer"},
		{"remove unknown", three, []*raftcmdpb.ChangePeerRequest{chg(remove, 7)}, nil, "no peer 7"},
		{"remove last voter", rolesRegion(voter(1), learner(2)), []*raftcmdpb.ChangePeerRequest{chg(remove, 1)}, nil, "last voter"},
		{"same peer twice", three, []*raftcmdpb.ChangePeerRequest{chg(addL, 4), chg(promote, 4)}, nil, "twice"},
		{"while joint", rolesRegion(voter(1), &metapb.Peer{Id: 2, StoreId: 2, Role: in}, &metapb.Peer{Id: 3, StoreId: 3, Role: out}),
			[]*raftcmdpb.ChangePeerRequest{chg(addL, 4)}, nil, "joint configuration"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := changedRegion(tc.region, tc.changes, idsOf(tc.changes))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r := rolesOf(got); !mapsEqual(r, tc.want) {
				t.Fatalf("roles = %v, want %v", r, tc.want)
			}
			if got.GetRegionEpoch().GetConfVer() != tc.region.GetRegionEpoch().GetConfVer()+1 {
				t.Fatalf("conf_ver %d, want +1", got.GetRegionEpoch().GetConfVer())
			}
			if len(tc.region.GetPeers()) > 0 && tc.region.GetPeers()[0].GetRole() != V {
				t.Fatal("the input region was modified")
			}
		})
	}
	// Mismatched raft ids are refused (the entry and its command must agree).
	if _, err := changedRegion(three, []*raftcmdpb.ChangePeerRequest{chg(addL, 4)}, []uint64{5}); err == nil {
		t.Fatal("a change whose raft id differs from its peer was accepted")
	}
}

func mapsEqual(a, b map[uint64]metapb.PeerRole) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestLeftJointAndConfState(t *testing.T) {
	r := rolesRegion(voter(1), learner(4), &metapb.Peer{Id: 2, StoreId: 2, Role: metapb.PeerRole_IncomingVoter},
		&metapb.Peer{Id: 3, StoreId: 3, Role: metapb.PeerRole_OutgoingVoter})
	cs := confStateOf(r)
	if !slices.Equal(cs.Voters, []uint64{1, 2}) || !slices.Equal(cs.VotersOutgoing, []uint64{1, 3}) ||
		!slices.Equal(cs.Learners, []uint64{4}) || !cs.AutoLeave {
		t.Fatalf("joint conf state = %v", cs)
	}
	left, err := leftJoint(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := rolesOf(left); !mapsEqual(got, map[uint64]metapb.PeerRole{1: metapb.PeerRole_Voter, 2: metapb.PeerRole_Voter,
		4: metapb.PeerRole_Learner}) || left.GetRegionEpoch().GetConfVer() != 6 {
		t.Fatalf("after leaving: %v", left)
	}
	cs = confStateOf(left)
	if !slices.Equal(cs.Voters, []uint64{1, 2}) || len(cs.VotersOutgoing) != 0 || cs.AutoLeave {
		t.Fatalf("conf state after leaving = %v", cs)
	}
	if _, err := leftJoint(left); err == nil {
		t.Fatal("leaving a configuration that is not joint was accepted")
	}
}
