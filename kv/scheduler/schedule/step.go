package schedule

import (
	"fmt"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// Step is one change an operator asks a region's leader to make. The implementations are AddPeer, AddLearner,
// PromoteLearner, RemovePeer and TransferLeader; the set is closed so that the server can turn each into a
// heartbeat response by a type switch.
type Step interface {
	// IsFinished reports whether region shows the step applied (and, for AddPeer and AddLearner, caught up).
	IsFinished(region *core.RegionInfo) bool
	// String describes the step for logs and operator listings.
	String() string
	sealed()
}

// AddPeer adds a new replica, with id PeerID, of the region on store ToStore.
type AddPeer struct {
	ToStore, PeerID uint64
}

// IsFinished is true once the peer is a member and no longer pending (it has caught up with the leader).
func (s AddPeer) IsFinished(region *core.RegionInfo) bool {
	p := region.StorePeer(s.ToStore)
	return p != nil && p.GetId() == s.PeerID && !isPending(region, s.PeerID)
}

// String describes the step for logs.
func (s AddPeer) String() string { return fmt.Sprintf("add peer %d on store %d", s.PeerID, s.ToStore) }
func (AddPeer) sealed()          {}

// applied reports whether the membership change itself is visible, even if the new peer still catches up.
func (s AddPeer) applied(region *core.RegionInfo) bool {
	p := region.StorePeer(s.ToStore)
	return p != nil && p.GetId() == s.PeerID
}

// AddLearner adds a new learner, with id PeerID, of the region on store ToStore: it receives the log (a snapshot
// first) but never counts toward a quorum, so a slow one cannot stall the region. PromoteLearner makes it a voter.
type AddLearner struct {
	ToStore, PeerID uint64
}

// IsFinished is true once the peer is a member (in any role) and no longer pending.
func (s AddLearner) IsFinished(region *core.RegionInfo) bool {
	return s.applied(region) && !isPending(region, s.PeerID)
}

// String describes the step for logs.
func (s AddLearner) String() string {
	return fmt.Sprintf("add learner %d on store %d", s.PeerID, s.ToStore)
}
func (AddLearner) sealed() {}

// applied reports whether the learner is a member, even if it still catches up.
func (s AddLearner) applied(region *core.RegionInfo) bool {
	p := region.StorePeer(s.ToStore)
	return p != nil && p.GetId() == s.PeerID
}

// PromoteLearner makes the learner PeerID on store ToStore a voter.
type PromoteLearner struct {
	ToStore, PeerID uint64
}

// IsFinished is true once the peer is a voter.
func (s PromoteLearner) IsFinished(region *core.RegionInfo) bool {
	p := region.StorePeer(s.ToStore)
	return p != nil && p.GetId() == s.PeerID && p.GetRole() == metapb.PeerRole_Voter
}

// String describes the step for logs.
func (s PromoteLearner) String() string {
	return fmt.Sprintf("promote learner %d on store %d", s.PeerID, s.ToStore)
}
func (PromoteLearner) sealed() {}

// RemovePeer removes the region's replica PeerID on store FromStore.
type RemovePeer struct {
	FromStore, PeerID uint64
}

// IsFinished is true once the store holds no replica of the region.
func (s RemovePeer) IsFinished(region *core.RegionInfo) bool {
	return region.StorePeer(s.FromStore) == nil
}

// String describes the step for logs.
func (s RemovePeer) String() string {
	return fmt.Sprintf("remove peer %d from store %d", s.PeerID, s.FromStore)
}
func (RemovePeer) sealed() {}

// TransferLeader moves the region's leadership from store FromStore to the peer ToPeerID on store ToStore.
type TransferLeader struct {
	FromStore, ToStore, ToPeerID uint64
}

// IsFinished is true once the leader is on ToStore.
func (s TransferLeader) IsFinished(region *core.RegionInfo) bool {
	l := region.Leader()
	return l != nil && l.GetStoreId() == s.ToStore
}

// String describes the step for logs.
func (s TransferLeader) String() string {
	return fmt.Sprintf("transfer leader from store %d to store %d", s.FromStore, s.ToStore)
}
func (TransferLeader) sealed() {}

func isPending(region *core.RegionInfo, peerID uint64) bool {
	for _, p := range region.PendingPeers() {
		if p.GetId() == peerID {
			return true
		}
	}
	return false
}

// isConfChange reports whether applying s bumps the region's conf_ver.
func isConfChange(s Step) bool {
	switch s.(type) {
	case AddPeer, AddLearner, PromoteLearner, RemovePeer:
		return true
	}
	return false
}

// catchingUp reports a step that adds a peer which region shows joined but still pending: the change applied, and
// sending it again cannot speed up the new peer's snapshot.
func catchingUp(s Step, region *core.RegionInfo) bool {
	switch s := s.(type) {
	case AddPeer:
		return s.applied(region)
	case AddLearner:
		return s.applied(region)
	}
	return false
}

// isVoter reports a peer that counts toward a quorum (a voter, or an incoming one in a joint configuration).
func isVoter(p *metapb.Peer) bool {
	return p.GetRole() == metapb.PeerRole_Voter || p.GetRole() == metapb.PeerRole_IncomingVoter
}

// inJoint reports a region in a joint configuration; its leader leaves it on its own, so nothing is scheduled
// for it meanwhile.
func inJoint(r *core.RegionInfo) bool {
	for _, p := range r.Peers() {
		if p.GetRole() == metapb.PeerRole_IncomingVoter || p.GetRole() == metapb.PeerRole_OutgoingVoter {
			return true
		}
	}
	return false
}

// splitRoles splits r's peers by role (outgoing voters, only seen while joint, in neither).
func splitRoles(r *core.RegionInfo) (voters, learners []*metapb.Peer) {
	for _, p := range r.Peers() {
		switch {
		case isVoter(p):
			voters = append(voters, p)
		case p.GetRole() == metapb.PeerRole_Learner:
			learners = append(learners, p)
		}
	}
	return voters, learners
}
