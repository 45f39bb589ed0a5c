package raftstore

import (
	"fmt"
	"slices"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// Region meta mirrors raft's membership exactly: Voter and IncomingVoter peers are the
// incoming voters, Voter and OutgoingVoter the outgoing ones (only while joint), Learner
// the learners. Every replica derives the new meta from the same entry with the functions
// below, and a change the meta refuses is not handed to raft either, so the two never
// differ — which is also what makes confStateOf a faithful ConfState for snapshots and
// restarts.

// maxPeerChanges mirrors kv/raft's bound on the changes in one ConfChangeV2.
const maxPeerChanges = 256

func isVoter(p *metapb.Peer) bool {
	return p.GetRole() == metapb.PeerRole_Voter || p.GetRole() == metapb.PeerRole_IncomingVoter
}

func isLearner(p *metapb.Peer) bool { return p.GetRole() == metapb.PeerRole_Learner }

// isJoint reports whether r is in a joint configuration (some voter is in one half only).
func isJoint(r *metapb.Region) bool {
	for _, p := range r.GetPeers() {
		if p.GetRole() == metapb.PeerRole_IncomingVoter || p.GetRole() == metapb.PeerRole_OutgoingVoter {
			return true
		}
	}
	return false
}

// voterCount counts the incoming voters of r (those a single-step change counts).
func voterCount(r *metapb.Region) int {
	n := 0
	for _, p := range r.GetPeers() {
		if isVoter(p) {
			n++
		}
	}
	return n
}

// confStateOf is the raft membership r's peers and roles describe. A joint region always
// leaves automatically (raftstore proposes only auto-leave changes), so AutoLeave is
// implied and survives restarts and snapshots.
func confStateOf(r *metapb.Region) *pb.ConfState {
	cs := &pb.ConfState{}
	joint := isJoint(r)
	for _, p := range r.GetPeers() {
		switch p.GetRole() {
		case metapb.PeerRole_Learner:
			cs.Learners = append(cs.Learners, p.GetId())
		case metapb.PeerRole_IncomingVoter:
			cs.Voters = append(cs.Voters, p.GetId())
		case metapb.PeerRole_OutgoingVoter:
			cs.VotersOutgoing = append(cs.VotersOutgoing, p.GetId())
		default:
			cs.Voters = append(cs.Voters, p.GetId())
			if joint {
				cs.VotersOutgoing = append(cs.VotersOutgoing, p.GetId())
			}
		}
	}
	cs.AutoLeave = joint
	return cs
}

// changedRegion returns a copy of r with changes applied in order, as kv/raft applies
// the matching ConfChange(V2) with the Auto transition: when more than one voter changes
// the region enters a joint configuration (new voters IncomingVoter, removed ones
// OutgoingVoter until it is left). conf_ver grows by one. ids are the node ids of the raft
// change, which must name the same peers in the same order.
func changedRegion(r *metapb.Region, changes []*raftcmdpb.ChangePeerRequest, ids []uint64) (*metapb.Region, error) {
	switch {
	case len(changes) == 0:
		return nil, fmt.Errorf("raftstore: change peer of region %d: no changes", r.GetId())
	case len(changes) > maxPeerChanges:
		return nil, fmt.Errorf("raftstore: change peer of region %d: %d changes (limit %d)", r.GetId(), len(changes), maxPeerChanges)
	case len(changes) != len(ids):
		return nil, fmt.Errorf("raftstore: change peer of region %d: %d changes but %d raft changes", r.GetId(), len(changes), len(ids))
	case isJoint(r):
		return nil, fmt.Errorf("raftstore: region %d is in a joint configuration; it must be left first", r.GetId())
	}
	out := cloneRegion(r)
	seen := map[uint64]bool{}
	for i, chg := range changes {
		p := chg.GetPeer()
		if p.GetId() == 0 || p.GetStoreId() == 0 || p.GetId() != ids[i] {
			return nil, fmt.Errorf("raftstore: change peer %v of region %d: peer id and store id must be set and match the conf change (%d)",
				p, r.GetId(), ids[i])
		}
		if seen[p.GetId()] {
			return nil, fmt.Errorf("raftstore: change peer of region %d names peer %d twice", r.GetId(), p.GetId())
		}
		seen[p.GetId()] = true
		if err := applyPeerChange(out, chg.GetChangeType(), p); err != nil {
			return nil, err
		}
	}
	if voterCount(out) == 0 {
		return nil, fmt.Errorf("raftstore: region %d: cannot remove its last voter", r.GetId())
	}
	markJoint(r, out)
	out.RegionEpoch.ConfVer++
	return out, nil
}

// applyPeerChange changes out's peers in place by one change (out is not joint).
func applyPeerChange(out *metapb.Region, t pb.ConfChangeType, p *metapb.Peer) error {
	q := peerByID(out, p.GetId())
	if q != nil && q.GetStoreId() != p.GetStoreId() {
		return fmt.Errorf("raftstore: region %d: peer %d is on store %d, not %d", out.GetId(), q.GetId(), q.GetStoreId(), p.GetStoreId())
	}
	addNew := func(role metapb.PeerRole) error {
		if other := peerOnStore(out, p.GetStoreId()); other != nil {
			return fmt.Errorf("raftstore: region %d already has peer %d on store %d", out.GetId(), other.GetId(), other.GetStoreId())
		}
		out.Peers = append(out.Peers, &metapb.Peer{Id: p.GetId(), StoreId: p.GetStoreId(), Role: role})
		return nil
	}
	switch t {
	case pb.ConfChangeType_ConfChangeAddNode, pb.ConfChangeType_ConfChangePromoteLearner:
		switch {
		case q != nil && isLearner(q):
			q.Role = metapb.PeerRole_Voter // promotion
			return nil
		case t == pb.ConfChangeType_ConfChangePromoteLearner:
			return fmt.Errorf("raftstore: region %d has no learner %d to promote", out.GetId(), p.GetId())
		case q != nil:
			return fmt.Errorf("raftstore: region %d already has voter %d", out.GetId(), q.GetId())
		}
		return addNew(metapb.PeerRole_Voter)
	case pb.ConfChangeType_ConfChangeAddLearnerNode:
		if q != nil {
			return fmt.Errorf("raftstore: region %d already has peer %d (a voter cannot become a learner)", out.GetId(), q.GetId())
		}
		return addNew(metapb.PeerRole_Learner)
	case pb.ConfChangeType_ConfChangeRemoveNode:
		if q == nil {
			return fmt.Errorf("raftstore: region %d has no peer %d on store %d", out.GetId(), p.GetId(), p.GetStoreId())
		}
		out.Peers = slices.DeleteFunc(out.Peers, func(x *metapb.Peer) bool { return x.GetId() == p.GetId() })
		return nil
	}
	return fmt.Errorf("raftstore: unknown change type %v", t)
}

// markJoint gives out (the incoming configuration derived from old) the roles of a joint
// configuration when more than one voter changed, as kv/raft decides for an Auto change.
func markJoint(old, out *metapb.Region) {
	changed := 0
	for _, p := range old.GetPeers() {
		if q := peerByID(out, p.GetId()); isVoter(p) && (q == nil || !isVoter(q)) {
			changed++
		}
	}
	for _, q := range out.GetPeers() {
		if p := peerByID(old, q.GetId()); isVoter(q) && (p == nil || !isVoter(p)) {
			changed++
		}
	}
	if changed <= 1 {
		return
	}
	for _, q := range out.Peers {
		if p := peerByID(old, q.GetId()); isVoter(q) && (p == nil || !isVoter(p)) {
			q.Role = metapb.PeerRole_IncomingVoter
		}
	}
	for _, p := range old.GetPeers() {
		if isVoter(p) && peerByID(out, p.GetId()) == nil {
			out.Peers = append(out.Peers, &metapb.Peer{Id: p.GetId(), StoreId: p.GetStoreId(), Role: metapb.PeerRole_OutgoingVoter})
		}
	}
}

// leftJoint returns a copy of r after leaving its joint configuration: incoming voters
// become voters, outgoing ones leave the region; conf_ver grows by one.
func leftJoint(r *metapb.Region) (*metapb.Region, error) {
	if !isJoint(r) {
		return nil, fmt.Errorf("raftstore: region %d is not in a joint configuration", r.GetId())
	}
	out := cloneRegion(r)
	out.Peers = slices.DeleteFunc(out.Peers, func(p *metapb.Peer) bool { return p.GetRole() == metapb.PeerRole_OutgoingVoter })
	for _, p := range out.Peers {
		if p.GetRole() == metapb.PeerRole_IncomingVoter {
			p.Role = metapb.PeerRole_Voter
		}
	}
	out.RegionEpoch.ConfVer++
	return out, nil
}

// confChangeV2Of builds the raft change for a ChangePeerV2 request (Auto transition:
// joint when more than one voter changes, left automatically).
func confChangeV2Of(changes []*raftcmdpb.ChangePeerRequest, context []byte) *pb.ConfChangeV2 {
	cc := &pb.ConfChangeV2{Context: context}
	for _, c := range changes {
		cc.Changes = append(cc.Changes, &pb.ConfChangeSingle{Type: c.GetChangeType(), NodeId: c.GetPeer().GetId()})
	}
	return cc
}

// singleAsV2 is a single-step raft change as the V2 raft applies it.
func singleAsV2(cc *pb.ConfChange) *pb.ConfChangeV2 {
	return &pb.ConfChangeV2{Changes: []*pb.ConfChangeSingle{{Type: cc.GetType(), NodeId: cc.GetNodeId()}}}
}
