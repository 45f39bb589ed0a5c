package raft

import (
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func hibernatingCluster(t *testing.T, n int, tweak func(*Config)) *rawCluster {
	t.Helper()
	c := newRawClusterWith(t, n, func(cfg *Config) {
		cfg.Hibernate, cfg.CheckQuorum, cfg.PreVote = true, true, true
		if tweak != nil {
			tweak(cfg)
		}
	})
	_ = c.nodes[1].Campaign()
	c.settle(t)
	return c
}

// tickAwake is a host that ticks only the groups that are not quiet.
func (c *rawCluster) tickAwake(t *testing.T, rounds int) {
	t.Helper()
	for range rounds {
		for _, id := range c.ids() {
			if !c.down[id] && !c.nodes[id].Hibernated() {
				c.nodes[id].Tick()
			}
		}
		c.settle(t)
	}
}

func (c *rawCluster) allHibernated(ids ...uint64) bool {
	for _, id := range ids {
		if !c.nodes[id].Hibernated() {
			return false
		}
	}
	return true
}

// An idle group goes quiet after one heartbeat tick: every member stops
// ticking, nothing is sent, and followers learned the final commit index.
func TestHibernateIdleGroup(t *testing.T) {
	c := hibernatingCluster(t, 3, nil)
	_ = c.nodes[1].Propose([]byte("x"))
	c.settle(t)
	c.tickAwake(t, 1)
	if !c.allHibernated(1, 2, 3) {
		t.Fatalf("not all quiet: %v %v %v", c.nodes[1].Status(), c.nodes[2].Status(), c.nodes[3].Status())
	}
	commit := c.nodes[1].Status().Commit
	for _, id := range c.ids() {
		if st := c.nodes[id].BasicStatus(); st.Commit != commit || !st.Hibernated {
			t.Fatalf("node %d status %+v, want hibernated with commit %d", id, st, commit)
		}
	}
	// Ticks are no-ops while quiet, even from a host that keeps ticking.
	for range 100 {
		for _, id := range c.ids() {
			c.nodes[id].Tick()
			if c.nodes[id].HasReady() {
				t.Fatalf("node %d has work while hibernated", id)
			}
		}
	}
	if c.leader() != 1 {
		t.Fatalf("leader %d, want 1", c.leader())
	}
}

// A proposal, at the leader or forwarded by a follower, wakes the group;
// it commits everywhere and the group goes quiet again.
func TestHibernateWakesOnProposal(t *testing.T) {
	c := hibernatingCluster(t, 3, nil)
	c.tickAwake(t, 1)
	for _, via := range []uint64{1, 3} {
		if !c.allHibernated(1, 2, 3) {
			t.Fatal("group not quiet before the proposal")
		}
		if err := c.nodes[via].Propose([]byte("wake")); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if c.nodes[1].Hibernated() {
			t.Fatalf("leader still quiet after a proposal via %d", via)
		}
		c.tickAwake(t, 1)
		for _, id := range c.ids() {
			if n := len(c.applied[id]); n == 0 || string(c.applied[id][n-1]) != "wake" {
				t.Fatalf("node %d applied %q", id, c.applied[id])
			}
		}
		if !c.allHibernated(1, 2, 3) {
			t.Fatal("group did not go quiet again")
		}
	}
}

// The leader stays awake while anything is in flight: a lagging member,
// a pending read, a transfer, a joint configuration, unapplied entries.
func TestHibernateNotWhileBusy(t *testing.T) {
	cases := map[string]func(c *rawCluster){
		"lagging member": func(c *rawCluster) {
			c.down[3] = true
			_ = c.nodes[1].Propose([]byte("x"))
		},
		"pending read": func(c *rawCluster) {
			c.down[2], c.down[3] = true, true
			_ = c.nodes[1].ReadIndex([]byte("r"))
		},
		"transfer": func(c *rawCluster) {
			c.down[3] = true
			c.nodes[1].TransferLeader(3)
		},
		"joint": func(c *rawCluster) {
			_ = c.nodes[1].ProposeConfChangeV2(ccV2(pb.ConfChangeTransition_ConfChangeTransitionJointExplicit, remove(3)))
		},
	}
	for name, setup := range cases {
		c := hibernatingCluster(t, 3, nil)
		setup(c)
		c.settle(t)
		c.nodes[1].Tick()
		c.settle(t)
		if c.nodes[1].Hibernated() {
			t.Fatalf("%s: leader went quiet", name)
		}
	}
	// With AsyncApply the leader waits until everything is applied.
	c := hibernatingCluster(t, 1, func(cfg *Config) { cfg.AsyncApply = true })
	_ = c.nodes[1].Propose([]byte("x"))
	c.settle(t)
	c.nodes[1].Tick()
	if c.nodes[1].Hibernated() {
		t.Fatal("leader went quiet with entries not applied")
	}
	_ = c.nodes[1].AdvanceApplied(c.nodes[1].Status().Applying)
	c.nodes[1].Tick()
	if !c.nodes[1].Hibernated() {
		t.Fatal("single applied leader did not go quiet")
	}
}

// A follower that missed MsgHibernate keeps ticking; its pre-vote wakes
// the others, the leader keeps its leadership (PreVote + CheckQuorum) and
// the group goes quiet again, this time with everyone.
func TestHibernateFollowerMissedMessage(t *testing.T) {
	c := hibernatingCluster(t, 3, nil)
	c.down[3] = true // MsgHibernate to 3 is lost
	c.tickAwake(t, 1)
	c.down[3] = false
	if !c.allHibernated(1, 2) || c.nodes[3].Hibernated() {
		t.Fatal("want 1 and 2 quiet, 3 awake")
	}
	term := c.nodes[1].Status().Term
	c.tickAwake(t, 40)
	if !c.allHibernated(1, 2, 3) {
		t.Fatalf("group not quiet after the straggler woke it: %+v", c.nodes[3].Status())
	}
	if c.leader() != 1 || c.nodes[1].Status().Term != term {
		t.Fatalf("leader %d term %d, want 1 at term %d", c.leader(), c.nodes[1].Status().Term, term)
	}
}

// Nobody notices a dead leader while the group is quiet; once the host
// wakes the surviving members (store reported down) they elect a leader.
func TestHibernateWakeAfterLeaderDies(t *testing.T) {
	c := hibernatingCluster(t, 3, nil)
	c.tickAwake(t, 1)
	c.down[1] = true
	c.tickAwake(t, 100)
	if c.nodes[2].Status().SoftState.Lead != 1 || c.nodes[3].Status().SoftState.Lead != 1 {
		t.Fatal("quiet followers should not notice anything without a wake")
	}
	c.nodes[2].Wake()
	c.nodes[3].Wake()
	c.tickAwake(t, 100)
	if l := c.leader(); l != 2 && l != 3 {
		t.Fatalf("no new leader after waking: %d", l)
	}
}

// A quiet leader has no lease: its clock stopped while followers' hosts
// may tick them. After waking it must earn a new one from fresh heartbeat
// answers; a late answer to a heartbeat sent before sleeping earns nothing.
func TestHibernateLeaseNotTrusted(t *testing.T) {
	c := hibernatingCluster(t, 3, func(cfg *Config) { cfg.ReadOnlyOption = ReadOnlyLeaseBased })
	// Lease mode holds votes for an election timeout after start; elect again.
	c.tickAwake(t, 25)
	l := c.leader()
	if l == None {
		t.Fatal("no leader")
	}
	rn := c.nodes[l]
	if !rn.Hibernated() {
		c.tickAwake(t, 1)
	}
	if !rn.Hibernated() || rn.Status().LeaseValid {
		t.Fatalf("quiet leader: hibernated %v lease %v, want quiet without lease", rn.Hibernated(), rn.Status().LeaseValid)
	}
	oldStamp := rn.raft.clock
	rn.Wake()
	if rn.Status().LeaseValid {
		t.Fatal("lease valid right after waking")
	}
	for _, id := range c.ids() {
		if id != l {
			_ = rn.Step(&pb.Message{From: id, To: l, Term: rn.raft.Term, Type: pb.MessageType_MsgHeartbeatResp, Index: oldStamp})
		}
	}
	if rn.Status().LeaseValid {
		t.Fatal("a late answer to a pre-sleep heartbeat restored the lease")
	}
	c.settle(t) // the wake-up heartbeat round
	if !rn.Status().LeaseValid {
		t.Fatal("fresh heartbeat answers did not earn a lease")
	}
}

// Every member should enable Hibernate; one that does not refuses to go
// quiet, which wakes the leader, so the group keeps heartbeating safely.
func TestHibernateRefusedByFollowerWithoutIt(t *testing.T) {
	c := newRawClusterWith(t, 3, func(cfg *Config) {
		cfg.Hibernate = cfg.ID != 3
	})
	_ = c.nodes[1].Campaign()
	c.settle(t)
	c.tickAwake(t, 30)
	if c.nodes[3].Hibernated() || c.nodes[1].Hibernated() {
		t.Fatal("a member without Hibernate went quiet, or let its leader sleep")
	}
	if c.leader() != 1 {
		t.Fatalf("leader %d, want 1 (no spurious election)", c.leader())
	}
}
