package raft

import (
	"fmt"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// applyConfChange applies a committed single-step membership change
// (§6: one server at a time keeps old and new majorities overlapping).
func (r *raft) applyConfChange(cc *pb.ConfChange) *pb.ConfState {
	return r.applyConfChangeV2(confChangeV2Of(cc))
}

// applyConfChangeV2 applies a committed change: single-step, entering a
// joint configuration, or leaving one.
func (r *raft) applyConfChangeV2(cc *pb.ConfChangeV2) *pb.ConfState {
	next, err := r.conf.apply(cc)
	if err != nil {
		// Every member applies the same entries to the same membership, so
		// all of them skip this one alike and the group stays alive.
		r.logger.Errorf("raft: %x ignoring committed conf change %v: %v", r.id, cc, err)
		return r.conf.confState()
	}
	r.switchToConfig(next)
	return r.conf.confState()
}

// switchToConfig installs membership m: progress for new members, none for
// removed ones; a leader no longer among the voters steps down, otherwise
// it re-evaluates commitment under the new quorum.
func (r *raft) switchToConfig(m membership) {
	r.setMembership(m)
	if r.state != StateLeader {
		return
	}
	if !r.conf.voters.contains(r.id) {
		// A removed leader steps down; the remaining voters elect a new one.
		r.becomeFollower(r.Term, None)
		return
	}
	if r.leadTransferee != None && !r.conf.voters.contains(r.leadTransferee) {
		r.abortLeaderTransfer()
	}
	// The quorum changed: entries may now be committed, reads confirmed.
	if r.maybeCommit() {
		r.releasePendingReadIndex()
		r.bcastAppend()
	}
}

// setMembership rebuilds prs for m, keeping the progress of members that
// stay.
func (r *raft) setMembership(m membership) {
	ids := m.ids()
	for id := range r.prs {
		if !containsSorted(ids, id) {
			delete(r.prs, id)
		}
	}
	for _, id := range ids {
		pr := r.prs[id]
		if pr == nil {
			// RecentActive so a fresh node is not counted as lost by
			// CheckQuorum before it had a chance to answer.
			pr = &Progress{Next: r.raftLog.lastIndex() + 1, RecentActive: true,
				Inflights: NewInflights(r.maxInflight)}
			if id == r.id {
				pr.Match = r.raftLog.lastIndex()
			}
			r.prs[id] = pr
		}
		pr.IsLearner = m.isLearner(id)
	}
	r.conf = m
	r.ids = ids
}

// checkConfChange refuses a change that cannot apply to this node's
// membership: it removes the last voter (a group with no voters can never
// elect a leader again), or is otherwise invalid.
func (r *raft) checkConfChange(cc *pb.ConfChangeV2) error {
	_, err := r.conf.apply(cc)
	return err
}

// decodeConfChange returns the change a conf change entry holds, as V2.
func decodeConfChange(e *pb.Entry) (*pb.ConfChangeV2, error) {
	if e.Type == pb.EntryType_EntryConfChangeV2 {
		var cc pb.ConfChangeV2
		if err := proto.Unmarshal(e.Data, &cc); err != nil {
			return nil, fmt.Errorf("raft: undecodable ConfChangeV2 entry: %w", err)
		}
		return &cc, nil
	}
	var cc pb.ConfChange
	if err := proto.Unmarshal(e.Data, &cc); err != nil {
		return nil, fmt.Errorf("raft: undecodable ConfChange entry: %w", err)
	}
	return confChangeV2Of(&cc), nil
}

func isConfChange(e *pb.Entry) bool {
	return e.Type == pb.EntryType_EntryConfChange || e.Type == pb.EntryType_EntryConfChangeV2
}

// maybeAutoLeave proposes leaving a joint configuration entered with
// auto-leave, once this leader has applied it (so the leave is the next
// pending change). Called when applied moves and on heartbeat ticks, so a
// proposal dropped meanwhile (e.g. during a transfer) is retried.
func (r *raft) maybeAutoLeave() {
	if r.state != StateLeader || !r.conf.autoLeave || r.pendingConfIndex > r.raftLog.applied {
		return
	}
	data, _ := proto.Marshal(&pb.ConfChangeV2{})
	err := r.Step(&pb.Message{Type: pb.MessageType_MsgProp, From: r.id,
		Entries: []*pb.Entry{{Type: pb.EntryType_EntryConfChangeV2, Data: data}}})
	if err != nil {
		r.logger.Infof("raft: %x will retry leaving the joint configuration: %v", r.id, err)
	}
}
