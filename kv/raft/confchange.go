package raft

import (
	"fmt"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// applyConfChange applies a committed single-step membership change
// (§6: one server at a time keeps old and new majorities overlapping).
func (r *raft) applyConfChange(cc *pb.ConfChange) *pb.ConfState {
	if err := r.checkConfChange(cc); err != nil {
		// Every member applies the same entries to the same membership, so
		// all of them skip this one alike and the group stays alive.
		r.logger.Errorf("raft: %x ignoring committed conf change %v: %v", r.id, cc, err)
	} else if cc.GetNodeId() != None {
		switch cc.GetType() {
		case pb.ConfChangeType_ConfChangeAddNode:
			r.addNode(cc.NodeId)
		case pb.ConfChangeType_ConfChangeRemoveNode:
			r.removeNode(cc.NodeId)
		}
	}
	return &pb.ConfState{Voters: append([]uint64(nil), r.ids...)}
}

func (r *raft) addNode(id uint64) {
	if r.prs[id] != nil {
		return
	}
	// RecentActive so a fresh node is not counted as lost by CheckQuorum
	// before it had a chance to answer.
	r.prs[id] = &Progress{Next: r.raftLog.lastIndex() + 1, RecentActive: true,
		Inflights: NewInflights(r.maxInflight)}
	r.syncIDs()
}

func (r *raft) removeNode(id uint64) {
	if r.prs[id] == nil {
		return
	}
	delete(r.prs, id)
	r.syncIDs()
	if r.state != StateLeader {
		return
	}
	if id == r.id {
		// A removed leader steps down; the remaining voters elect a new one.
		r.becomeFollower(r.Term, None)
		return
	}
	if r.leadTransferee == id {
		r.abortLeaderTransfer()
	}
	// The quorum shrank: entries may now be committed, reads confirmed.
	if r.maybeCommit() {
		r.releasePendingReadIndex()
		r.bcastAppend()
	}
}

// checkConfChange refuses a change that removes the only voter (a group
// with no voters can never elect a leader again).
func (r *raft) checkConfChange(cc *pb.ConfChange) error {
	id := cc.GetNodeId()
	if cc.GetType() == pb.ConfChangeType_ConfChangeRemoveNode && len(r.prs) == 1 && r.prs[id] != nil {
		return fmt.Errorf("%w (node %x)", ErrRemovesLastVoter, id)
	}
	return nil
}
