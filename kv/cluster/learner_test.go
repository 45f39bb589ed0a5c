package cluster

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
)

// jointChanger is the part of *raftstore.Store that runs multi-peer changes.
type jointChanger interface {
	ChangePeerV2(ctx context.Context, regionID uint64, epoch *metapb.RegionEpoch,
		changes []*raftcmdpb.ChangePeerRequest) (*metapb.Region, error)
}

// changePeerV2 runs changes at region 1's leader, retrying (no leader, NotLeader after a
// leader handed over, a change still applying) until ctx ends.
func changePeerV2(ctx context.Context, c *Cluster, changes ...*raftcmdpb.ChangePeerRequest) (*metapb.Region, error) {
	var last error
	for {
		if id := c.LeaderOf(RegionID); id != 0 {
			if a, ok := c.Store(id).(jointChanger); ok {
				actx, cancel := context.WithTimeout(ctx, 2*time.Second)
				r, err := a.ChangePeerV2(actx, RegionID, nil, changes)
				cancel()
				if err == nil {
					return r, nil
				}
				last = err
			}
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return nil, fmt.Errorf("change peers %v: %v (%w)", changes, last, err)
		}
	}
}

// regionOn returns region 1 as store id knows it (nil: no peer there).
func regionOn(c *Cluster, id uint64) *metapb.Region {
	if a := c.admin(id); a != nil {
		if st, ok := a.RegionStatus(RegionID); ok {
			return st.Region
		}
	}
	return nil
}

// waitUntil polls cond every 20 ms until it holds or ctx ends.
func waitUntil(ctx context.Context, cond func() bool) error {
	for !cond() {
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// TestLearnerPromoteAndJointReplaceUnderLoad: while clients write, read and scan
// (porcupine-checked), region 1 goes to three voters, gains a learner that catches up by
// snapshot and is promoted, has a voter replaced by a new learner in one joint step, and
// the region leaves the joint configuration by itself.
func TestLearnerPromoteAndJointReplaceUnderLoad(t *testing.T) {
	steps := 0
	Scenario{Stores: 5, Clients: 3, Contention: 2, Rounds: 1, RoundTime: 8 * time.Second,
		During: func(ctx context.Context, c *Cluster, t TB) {
			fail := func(format string, args ...any) { t.Errorf(format, args...) }
			for _, id := range []uint64{4, 5} {
				r := regionOn(c, id)
				if r == nil {
					fail("store %d hosts no peer of region 1", id)
					return
				}
				if _, err := c.ChangePeer(ctx, RegionID, raftpb.ConfChangeType_ConfChangeRemoveNode, peerByStore(r, id)); err != nil {
					fail("remove store %d: %v", id, err)
					return
				}
			}
			learner := &metapb.Peer{Id: c.NextPeerID(), StoreId: 4}
			r, err := c.ChangePeer(ctx, RegionID, raftpb.ConfChangeType_ConfChangeAddLearnerNode, learner)
			if err != nil || peerByStore(r, 4).GetRole() != metapb.PeerRole_Learner {
				fail("add learner: %v, %v", r, err)
				return
			}
			steps++
			caughtUp := func(id uint64) func() bool {
				return func() bool {
					l := c.LeaderOf(RegionID)
					a, b := c.admin(id), c.admin(l)
					if l == 0 || a == nil || b == nil {
						return false
					}
					ls, _ := b.RegionStatus(RegionID)
					st, ok := a.RegionStatus(RegionID)
					return ok && st.Applied+20 >= ls.Applied && st.Applied > 5
				}
			}
			if err := waitUntil(ctx, caughtUp(4)); err != nil {
				fail("learner on store 4 never caught up: %v", err)
				return
			}
			if r, err = c.ChangePeer(ctx, RegionID, raftpb.ConfChangeType_ConfChangeAddNode, learner); err != nil ||
				peerByStore(r, 4).GetRole() != metapb.PeerRole_Voter {
				fail("promote: %v, %v", r, err)
				return
			}
			steps++
			// Replace store 1's voter by a learner on store 5 in one joint step.
			newcomer := &metapb.Peer{Id: c.NextPeerID(), StoreId: 5}
			if _, err := c.ChangePeer(ctx, RegionID, raftpb.ConfChangeType_ConfChangeAddLearnerNode, newcomer); err != nil {
				fail("add second learner: %v", err)
				return
			}
			if err := waitUntil(ctx, caughtUp(5)); err != nil {
				fail("learner on store 5 never caught up: %v", err)
				return
			}
			old := peerByStore(regionOn(c, 5), 1)
			r, err = changePeerV2(ctx, c,
				&raftcmdpb.ChangePeerRequest{ChangeType: raftpb.ConfChangeType_ConfChangeAddNode, Peer: newcomer},
				&raftcmdpb.ChangePeerRequest{ChangeType: raftpb.ConfChangeType_ConfChangeRemoveNode, Peer: old})
			if err != nil || peerByStore(r, 5).GetRole() != metapb.PeerRole_IncomingVoter {
				fail("joint replace: %v, %v", r, err)
				return
			}
			steps++
			err = waitUntil(ctx, func() bool {
				r := regionOn(c, 5)
				return r != nil && peerByStore(r, 1) == nil && peerByStore(r, 5).GetRole() == metapb.PeerRole_Voter
			})
			if err != nil {
				fail("the joint configuration was not left: %v", regionOn(c, 5))
				return
			}
			steps++
		}}.Run(t, factory())
	if steps != 4 {
		t.Fatalf("%d of 4 membership steps done", steps)
	}
}

func peerByStore(r *metapb.Region, store uint64) *metapb.Peer {
	for _, p := range r.GetPeers() {
		if p.GetStoreId() == store {
			return p
		}
	}
	return nil
}
