package raftstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// errConfRefused is returned for a membership change raft will not take now (another one
// is still being applied, or it would remove the last voter).
var errConfRefused = errors.New("raftstore: membership change refused")

// ChangePeer adds or removes one peer of regionID (single-step, through raft) and returns
// the region as it is after the change applied. change is AddNode (a voter; on a peer
// that is a learner it promotes it), AddLearnerNode (a learner: it catches up, by
// snapshot, without ever counting toward a quorum), PromoteLearner or RemoveNode.
// epoch, when non-nil, must match the region's current conf_ver and version. Adding a
// peer creates it on its store when the leader's first message arrives, empty, and a
// snapshot fills it. Removing this store's own peer is allowed, also on the leader; a
// leader of a two-voter region that is asked to remove itself first hands leadership to
// the other voter and answers NotLeader naming it (with one voter left, that voter could
// otherwise wait forever for the removed one's vote).
func (s *Store) ChangePeer(ctx context.Context, regionID uint64, epoch *metapb.RegionEpoch,
	change pb.ConfChangeType, peer *metapb.Peer) (*metapb.Region, error) {
	if peer.GetId() == 0 || peer.GetStoreId() == 0 {
		return nil, errors.New("raftstore: ChangePeer needs a peer with an id and a store id")
	}
	p := s.peer(regionID)
	if p == nil {
		return nil, errRegionNotFound(regionID)
	}
	req := &raftcmdpb.RaftCmdRequest{Header: &raftcmdpb.RaftRequestHeader{RegionId: regionID, Peer: p.meta, RegionEpoch: epoch},
		AdminRequest: &raftcmdpb.AdminRequest{CmdType: raftcmdpb.AdminCmdType_ChangePeer,
			ChangePeer: &raftcmdpb.ChangePeerRequest{ChangeType: change, Peer: peer}}}
	reqData, err := proto.Marshal(req)
	if err != nil {
		return nil, err
	}
	cc := &pb.ConfChange{Type: change, NodeId: peer.GetId(), Context: reqData}
	data, err := proto.Marshal(cc)
	if err != nil {
		return nil, err
	}
	resp, err := s.proposeAndWait(ctx, regionID, &proposal{data: data, cc: cc})
	if err != nil {
		return nil, err
	}
	return resp.GetChangePeer().GetRegion(), nil
}

// ChangePeerV2 applies several peer changes to regionID in one raft entry, e.g. promote
// learner C and remove voter A to replace a replica in one step (as TiKV moves replicas).
// When more than one voter changes the region enters a joint configuration (C an
// IncomingVoter, A an OutgoingVoter: elections and commits need a majority of both the
// old and the new voters) and leaves it on its own once the leader applied it; the
// returned region is the one right after entering, and RegionStatus shows the leave.
// Each change names a different peer. The leader refuses to take part as an outgoing
// voter: it hands leadership to a voter that stays and answers NotLeader naming it, so
// the retry goes there.
func (s *Store) ChangePeerV2(ctx context.Context, regionID uint64, epoch *metapb.RegionEpoch,
	changes []*raftcmdpb.ChangePeerRequest) (*metapb.Region, error) {
	if len(changes) == 0 || len(changes) > maxPeerChanges {
		return nil, fmt.Errorf("raftstore: ChangePeerV2 needs 1 to %d changes, got %d", maxPeerChanges, len(changes))
	}
	for _, c := range changes {
		if c.GetPeer().GetId() == 0 || c.GetPeer().GetStoreId() == 0 {
			return nil, errors.New("raftstore: ChangePeerV2 needs peers with an id and a store id")
		}
	}
	p := s.peer(regionID)
	if p == nil {
		return nil, errRegionNotFound(regionID)
	}
	req := &raftcmdpb.RaftCmdRequest{Header: &raftcmdpb.RaftRequestHeader{RegionId: regionID, Peer: p.meta, RegionEpoch: epoch},
		AdminRequest: &raftcmdpb.AdminRequest{CmdType: raftcmdpb.AdminCmdType_ChangePeerV2,
			ChangePeerV2: &raftcmdpb.ChangePeerV2Request{Changes: changes}}}
	reqData, err := proto.Marshal(req)
	if err != nil {
		return nil, err
	}
	cc := confChangeV2Of(changes, reqData)
	data, err := proto.Marshal(cc)
	if err != nil {
		return nil, err
	}
	resp, err := s.proposeAndWait(ctx, regionID, &proposal{data: data, ccV2: cc})
	if err != nil {
		return nil, err
	}
	return resp.GetChangePeerV2().GetRegion(), nil
}

// Split proposes splitting regionID at splitKey with the given new ids (one peer id per
// current peer, in region order) and returns both halves once it applied. The split
// checker calls it with ids from Config.IDAllocator; tests may call it directly.
func (s *Store) Split(ctx context.Context, regionID uint64, epoch *metapb.RegionEpoch, splitKey []byte,
	newRegionID uint64, newPeerIDs []uint64) ([]*metapb.Region, error) {
	p := s.peer(regionID)
	if p == nil {
		return nil, errRegionNotFound(regionID)
	}
	req := &raftcmdpb.RaftCmdRequest{Header: &raftcmdpb.RaftRequestHeader{RegionId: regionID, Peer: p.meta, RegionEpoch: epoch},
		AdminRequest: &raftcmdpb.AdminRequest{CmdType: raftcmdpb.AdminCmdType_Split,
			Split: &raftcmdpb.SplitRequest{SplitKey: splitKey, NewRegionId: newRegionID, NewPeerIds: newPeerIDs}}}
	data, err := proto.Marshal(req)
	if err != nil {
		return nil, err
	}
	resp, err := s.proposeAndWait(ctx, regionID, &proposal{data: data})
	if err != nil {
		return nil, err
	}
	return resp.GetSplit().GetRegions(), nil
}

// TransferLeader asks this store's peer of regionID, which must lead, to hand leadership
// to peer. It is not replicated: it returns once raft took the request; leadership moves
// when the target is up to date (raft first brings it there), or not at all if the
// target is unreachable for an election timeout.
func (s *Store) TransferLeader(ctx context.Context, regionID uint64, peer *metapb.Peer) error {
	if s.peer(regionID) == nil {
		return errRegionNotFound(regionID)
	}
	done := make(chan error, 1)
	s.mb.push(event{kind: evTransfer, region: regionID, peerID: peer.GetId(), reply: done})
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctxErr(ctx, regionID)
	case <-s.loopDone:
		return ErrStopped
	}
}

// onTransfer runs on the raft loop.
func (s *Store) onTransfer(p *peer, to uint64, reply chan error) {
	switch {
	case !p.isLeader:
		reply <- s.notLeader(p)
	case peerByID(p.ps.region, to) == nil:
		reply <- fmt.Errorf("raftstore: region %d has no peer %d", p.regionID, to)
	case !isVoter(peerByID(p.ps.region, to)):
		reply <- fmt.Errorf("raftstore: region %d: peer %d is not a voter and cannot lead", p.regionID, to)
	default:
		if to != p.meta.GetId() {
			p.rn.TransferLeader(to)
		}
		reply <- nil
	}
}

// proposeAndWait hands prop to the raft loop and waits for its answer.
func (s *Store) proposeAndWait(ctx context.Context, regionID uint64, prop *proposal) (*raftcmdpb.AdminResponse, error) {
	if s.pending.Add(1) > int64(s.cfg.MaxPendingProposals) {
		s.pending.Add(-1)
		return nil, errBusy(fmt.Sprintf("%d proposals pending on store %d", s.cfg.MaxPendingProposals, s.cfg.StoreID))
	}
	prop.deadline = time.Now().Add(s.cfg.ProposalTimeout)
	prop.done = make(chan error, 1)
	prop.store = s
	s.mb.push(event{kind: evPropose, region: regionID, prop: prop})
	select {
	case err := <-prop.done:
		if err != nil {
			return nil, err
		}
		return prop.resp, nil
	case <-ctx.Done():
		return nil, ctxErr(ctx, regionID)
	case <-s.loopDone:
		select {
		case err := <-prop.done:
			return prop.resp, err
		default:
			return nil, ErrStopped
		}
	}
}

// proposeConfChange proposes prop's membership change on the leader p (raft loop).
func (p *peer) proposeConfChange(s *Store, prop *proposal) error {
	if p.removesSelf(prop) {
		// A leader leaving a two-voter region (or leaving as an outgoing voter) hands over
		// first: the survivors might never learn that its removal committed.
		for _, q := range p.ps.region.GetPeers() {
			if q.GetId() != p.meta.GetId() && q.GetRole() == metapb.PeerRole_Voter && !prop.removes(q.GetId()) {
				p.rn.TransferLeader(q.GetId())
				addr := ""
				if s.cfg.Resolver != nil {
					addr, _ = s.cfg.Resolver(q.GetStoreId())
				}
				return fmt.Errorf("%w: %w", errConfRefused, errNotLeader(p.regionID, q, addr))
			}
		}
		return fmt.Errorf("%w: region %d has no other voter to hand leadership to", errConfRefused, p.regionID)
	}
	var err error
	if prop.ccV2 != nil {
		err = p.rn.ProposeConfChangeV2(prop.ccV2)
	} else {
		err = p.rn.ProposeConfChange(prop.cc)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errConfRefused, err)
	}
	return nil
}

// removesSelf reports whether prop removes the leader p in a way it must not do itself:
// from a two-voter region (single step), or as part of a multi-peer change.
func (p *peer) removesSelf(prop *proposal) bool {
	if !prop.removes(p.meta.GetId()) {
		return false
	}
	return prop.ccV2 != nil || voterCount(p.ps.region) == 2
}

// removes reports whether prop's change removes peer id.
func (prop *proposal) removes(id uint64) bool {
	if prop.cc != nil {
		return prop.cc.GetType() == pb.ConfChangeType_ConfChangeRemoveNode && prop.cc.GetNodeId() == id
	}
	for _, c := range prop.ccV2.GetChanges() {
		if c.GetType() == pb.ConfChangeType_ConfChangeRemoveNode && c.GetNodeId() == id {
			return true
		}
	}
	return false
}
