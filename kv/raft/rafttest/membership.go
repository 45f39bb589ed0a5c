package rafttest

import (
	"slices"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// proposeConfChange proposes a membership change valid in a random node's
// view, at most a few times per run. Without Learners or Joint it adds a
// spare or removes a voter, one at a time; with them it also adds spares
// as learners, promotes and removes learners, and replaces a voter in one
// joint step (auto, implicit or explicit leave, the last left here). At
// least three voters always remain; ids are never reused.
func (c *Cluster) proposeConfChange() {
	limit := 3
	if c.opts.Learners || c.opts.Joint {
		limit = 8
	}
	n := c.pick()
	if n == nil || c.ccProposed >= limit {
		return
	}
	if !c.opts.Learners && !c.opts.Joint {
		c.proposeSingleVoterChange(n)
		return
	}
	cs := n.confState
	if len(cs.Voters) == 0 {
		return // a spare that never joined knows no membership
	}
	if len(cs.VotersOutgoing) > 0 {
		if !cs.AutoLeave && n.rn.ProposeConfChangeV2(&pb.ConfChangeV2{}) == nil {
			c.ccProposed++
		}
		return
	}
	var cc *pb.ConfChangeV2
	switch c.rng.IntN(4) {
	case 0:
		if spare := c.spare(); spare != 0 && c.opts.Learners {
			cc = single(pb.ConfChangeType_ConfChangeAddLearnerNode, spare)
		}
	case 1:
		if len(cs.Learners) > 0 {
			typ := pb.ConfChangeType_ConfChangePromoteLearner
			if c.rng.IntN(2) == 0 {
				typ = pb.ConfChangeType_ConfChangeAddNode // promotes too
			}
			cc = single(typ, cs.Learners[c.rng.IntN(len(cs.Learners))])
		}
	case 2:
		cc = c.removal(cs)
	default:
		cc = c.replacement(cs)
	}
	if cc != nil && n.rn.ProposeConfChangeV2(cc) == nil {
		c.ccProposed++
	}
}

// proposeSingleVoterChange is the original generator: add a spare as a
// voter or remove a voter (kept for the seeds that do not use learners).
func (c *Cluster) proposeSingleVoterChange(n *node) {
	cc := &pb.ConfChange{}
	members := n.confState.Voters
	target := uint64(c.rng.IntN(len(c.nodes)) + 1)
	if slices.Contains(members, target) {
		if len(members) <= 3 {
			return
		}
		cc.Type, cc.NodeId = pb.ConfChangeType_ConfChangeRemoveNode, target
	} else {
		if c.nodes[target-1].removed || c.chk.everMember[target] {
			return // ids are never reused
		}
		cc.Type, cc.NodeId = pb.ConfChangeType_ConfChangeAddNode, target
	}
	if n.rn.ProposeConfChange(cc) == nil {
		c.ccProposed++
	}
}

func single(t pb.ConfChangeType, id uint64) *pb.ConfChangeV2 {
	return &pb.ConfChangeV2{Changes: []*pb.ConfChangeSingle{{Type: t, NodeId: id}}}
}

// spare returns a random node id that was never a member, or 0.
func (c *Cluster) spare() uint64 {
	id := uint64(c.rng.IntN(len(c.nodes)) + 1)
	if c.nodes[id-1].removed || c.chk.everMember[id] {
		return 0
	}
	return id
}

// removal removes a learner, or a voter while more than three remain.
func (c *Cluster) removal(cs *pb.ConfState) *pb.ConfChangeV2 {
	all := slices.Concat(cs.Voters, cs.Learners)
	id := all[c.rng.IntN(len(all))]
	if slices.Contains(cs.Voters, id) && len(cs.Voters) <= 3 {
		return nil
	}
	return single(pb.ConfChangeType_ConfChangeRemoveNode, id)
}

// replacement swaps one voter, or two, for spares in one step, through a
// joint configuration with a random transition. Swapping two of three
// voters is where skipping the joint step would let disjoint majorities
// decide.
func (c *Cluster) replacement(cs *pb.ConfState) *pb.ConfChangeV2 {
	if !c.opts.Joint {
		return nil
	}
	tr := []pb.ConfChangeTransition{pb.ConfChangeTransition_ConfChangeTransitionAuto,
		pb.ConfChangeTransition_ConfChangeTransitionJointImplicit,
		pb.ConfChangeTransition_ConfChangeTransitionJointExplicit}[c.rng.IntN(3)]
	cc := &pb.ConfChangeV2{Transition: tr}
	voters := slices.Clone(cs.Voters)
	for range 1 + c.rng.IntN(2) {
		spare := c.spare()
		if spare == 0 || len(voters) == 0 || slices.ContainsFunc(cc.Changes, func(s *pb.ConfChangeSingle) bool {
			return s.NodeId == spare
		}) {
			break
		}
		i := c.rng.IntN(len(voters))
		cc.Changes = append(cc.Changes,
			&pb.ConfChangeSingle{Type: pb.ConfChangeType_ConfChangeAddNode, NodeId: spare},
			&pb.ConfChangeSingle{Type: pb.ConfChangeType_ConfChangeRemoveNode, NodeId: voters[i]})
		voters = slices.Delete(voters, i, i+1)
	}
	if len(cc.Changes) == 0 {
		return nil
	}
	return cc
}

// countConfChange records what an applied conf change did.
func (c *Cluster) countConfChange(before, after *pb.ConfState) {
	if before == after {
		return
	}
	joint := func(cs *pb.ConfState) bool { return len(cs.GetVotersOutgoing()) > 0 }
	switch {
	case !joint(before) && joint(after):
		c.Stats.JointEntered++
	case joint(before) && !joint(after):
		c.Stats.JointLeft++
	}
	for _, id := range after.GetLearners() {
		if !slices.Contains(before.GetLearners(), id) {
			c.Stats.LearnersAdded++
		}
	}
	for _, id := range before.GetLearners() {
		if slices.Contains(after.GetVoters(), id) {
			c.Stats.Promotions++
		}
	}
}
