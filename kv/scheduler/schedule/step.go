package schedule

import (
	"fmt"

	"github.com/gee-project/gee/kv/scheduler/core"
)

// Step is one change an operator asks a region's leader to make. The implementations are AddPeer, RemovePeer and
// TransferLeader; the set is closed so that the server can turn each into a heartbeat response by a type switch.
type Step interface {
	// IsFinished reports whether region shows the step applied (and, for AddPeer, caught up).
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
	case AddPeer, RemovePeer:
		return true
	}
	return false
}
