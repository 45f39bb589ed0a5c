package raft

import (
	"errors"
	"fmt"
	"slices"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// ErrInvalidConfChange means a conf change cannot apply to the current
// membership (promote a non-learner, demote a voter, leave a joint
// configuration that was not entered, an unknown change type). It is not
// retryable, so it does not wrap ErrProposalDropped.
var ErrInvalidConfChange = errors.New("raft: invalid conf change")

// maxConfChanges bounds the changes in one ConfChangeV2, so a malformed
// or hostile entry cannot make applying it slow.
const maxConfChanges = 256

// errAlreadyJoint: a joint configuration must be left before the next change.
var errAlreadyJoint = fmt.Errorf("%w: still in a joint configuration", ErrProposalDropped)

// membership is a configuration: voters (joint: incoming and outgoing) and
// learners, each sorted. Values are immutable once built; changes return
// a new one.
type membership struct {
	voters    jointMajority // [0] incoming, [1] outgoing (empty unless joint)
	learners  []uint64
	autoLeave bool
}

func (m membership) joint() bool { return len(m.voters[1]) > 0 }

func (m membership) isLearner(id uint64) bool { return containsSorted(m.learners, id) }

// ids returns every member (voters of both halves and learners), sorted.
func (m membership) ids() []uint64 {
	out := slices.Concat(m.voters[0], m.voters[1], m.learners)
	slices.Sort(out)
	return slices.Compact(out)
}

// confState is the persisted form of m.
func (m membership) confState() *pb.ConfState {
	return &pb.ConfState{Voters: slices.Clone(m.voters[0]), VotersOutgoing: slices.Clone(m.voters[1]),
		Learners: slices.Clone(m.learners), AutoLeave: m.autoLeave}
}

// membershipOf normalizes a persisted or received ConfState: sorted, no
// duplicates, a voter listed as learner too is a voter.
func membershipOf(cs *pb.ConfState) membership {
	norm := func(ids []uint64) []uint64 {
		out := slices.Clone(ids)
		slices.Sort(out)
		return slices.DeleteFunc(slices.Compact(out), func(id uint64) bool { return id == None })
	}
	m := membership{voters: jointMajority{norm(cs.GetVoters()), norm(cs.GetVotersOutgoing())},
		learners: norm(cs.GetLearners())}
	m.learners = slices.DeleteFunc(m.learners, func(id uint64) bool {
		return containsSorted(m.voters[0], id) || containsSorted(m.voters[1], id)
	})
	m.autoLeave = cs.GetAutoLeave() && m.joint()
	return m
}

// isLeaveJoint reports whether cc is the empty change that leaves a joint
// configuration.
func isLeaveJoint(cc *pb.ConfChangeV2) bool { return len(cc.GetChanges()) == 0 }

// apply returns the membership cc leads to, or why it cannot apply. It is
// deterministic in (m, cc), so every member reaches the same result.
func (m membership) apply(cc *pb.ConfChangeV2) (membership, error) {
	if isLeaveJoint(cc) {
		if !m.joint() {
			return m, fmt.Errorf("%w: not in a joint configuration, nothing to leave", ErrInvalidConfChange)
		}
		return membership{voters: jointMajority{m.voters[0], nil}, learners: m.learners}, nil
	}
	if m.joint() {
		return m, errAlreadyJoint
	}
	if len(cc.Changes) > maxConfChanges {
		return m, fmt.Errorf("%w: %d changes in one step (limit %d)", ErrInvalidConfChange,
			len(cc.Changes), maxConfChanges)
	}
	n := membership{voters: jointMajority{slices.Clone(m.voters[0]), nil}, learners: slices.Clone(m.learners)}
	for _, c := range cc.Changes {
		if err := n.applyOne(c.GetType(), c.GetNodeId()); err != nil {
			return m, err
		}
	}
	if len(n.voters[0]) == 0 {
		return m, fmt.Errorf("%w (change %v)", ErrRemovesLastVoter, cc)
	}
	simple := cc.GetTransition() == pb.ConfChangeTransition_ConfChangeTransitionAuto &&
		votersChanged(m.voters[0], n.voters[0]) <= 1
	if !simple {
		// Joint consensus: until left, both the old and the new voters must
		// agree, so no two disjoint majorities can decide (thesis §4.3).
		n.voters[1] = slices.Clone(m.voters[0])
		n.autoLeave = cc.GetTransition() != pb.ConfChangeTransition_ConfChangeTransitionJointExplicit
	}
	return n, nil
}

// applyOne changes n in place by one change; id None is a no-op (the
// empty single-step change).
func (n *membership) applyOne(t pb.ConfChangeType, id uint64) error {
	if id == None {
		return nil
	}
	voter, learner := n.voters[0].contains(id), n.isLearner(id)
	switch t {
	case pb.ConfChangeType_ConfChangeAddNode:
		// Adding an existing voter again does nothing; a learner is promoted.
	case pb.ConfChangeType_ConfChangePromoteLearner:
		if !learner {
			return fmt.Errorf("%w: cannot promote %x, it is not a learner", ErrInvalidConfChange, id)
		}
	case pb.ConfChangeType_ConfChangeAddLearnerNode:
		if voter {
			return fmt.Errorf("%w: cannot make voter %x a learner (demotion is not supported)",
				ErrInvalidConfChange, id)
		}
		if !learner {
			n.learners = insertSorted(n.learners, id)
		}
		return nil
	case pb.ConfChangeType_ConfChangeRemoveNode:
		n.voters[0] = slices.DeleteFunc(n.voters[0], func(v uint64) bool { return v == id })
		n.learners = slices.DeleteFunc(n.learners, func(v uint64) bool { return v == id })
		return nil
	default:
		return fmt.Errorf("%w: unknown change type %v", ErrInvalidConfChange, t)
	}
	if learner {
		n.learners = slices.DeleteFunc(n.learners, func(v uint64) bool { return v == id })
	}
	if !voter {
		n.voters[0] = insertSorted(n.voters[0], id)
	}
	return nil
}

func insertSorted(s []uint64, id uint64) []uint64 {
	i, found := slices.BinarySearch(s, id)
	if found {
		return s
	}
	return slices.Insert(s, i, id)
}

// votersChanged counts ids in exactly one of a and b (both sorted).
func votersChanged(a, b []uint64) int {
	n := 0
	for _, id := range a {
		if !slices.Contains(b, id) {
			n++
		}
	}
	for _, id := range b {
		if !slices.Contains(a, id) {
			n++
		}
	}
	return n
}

// confChangeV2Of turns a single-step change into the equivalent V2.
func confChangeV2Of(cc *pb.ConfChange) *pb.ConfChangeV2 {
	return &pb.ConfChangeV2{Changes: []*pb.ConfChangeSingle{{Type: cc.GetType(), NodeId: cc.GetNodeId()}},
		Context: cc.GetContext()}
}
