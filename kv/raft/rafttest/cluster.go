package rafttest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// Options shape one simulation run.
type Options struct {
	Seed          uint64
	Voters        int // initial voters, ids 1..Voters
	Spares        int // extra nodes that may be added by conf changes
	Steps         int // chaotic steps before healing
	HealSteps     int // bound on steps to converge after healing
	ElectionTick  int
	HeartbeatTick int
	MaxSizePerMsg uint64
	MaxInflight   int
	// MaxUncommitted is Config.MaxUncommittedEntriesSize (0: no limit).
	MaxUncommitted uint64
	// MaxCommittedPerReady is Config.MaxCommittedSizePerReady.
	MaxCommittedPerReady uint64
	// AsyncApply sets Config.AsyncApply and applies committed entries
	// through a delayed applier that reports with AdvanceApplied.
	AsyncApply bool
	// LeaseReads serves ReadIndex with ReadOnlyLeaseBased (needs
	// CheckQuorum); LeaseDrift is Config.LeaseDriftTicks.
	LeaseReads bool
	LeaseDrift int
	// LeaderReads issues extra reads, at nodes that believe they lead
	// (stale leaders included), to hunt for stale lease reads.
	LeaderReads   bool
	CheckQuorum   bool
	PreVote       bool
	SnapshotEvery uint64 // applied entries between snapshots (0: never)
	DropP, DupP   float64
	MaxDelay      int
	ConfChanges   bool
	Partitions    bool
	Crashes       bool
	LeaderCrashes bool // crashes prefer the current leader
	// Learners adds spares as learners and promotes them; Joint replaces
	// voters through joint configurations (auto, implicit and explicit
	// leave). Without either, conf changes add and remove voters one at
	// a time.
	Learners, Joint bool
	// Hibernate sets Config.Hibernate; the simulated host ticks only
	// awake nodes, wakes the live ones when it sees a crash or partition
	// (usually: sometimes messages alone must do it) and leaves idle
	// spells without proposals so groups actually go quiet.
	Hibernate bool
	// Figure8 replaces the action mix with the one that exposes commit
	// rule bugs: propose at the leader, crash leaders often, keep a
	// majority up (after the Figure 8 tests of MIT 6.824).
	Figure8 bool
}

// DefaultOptions returns a chaotic but convergent configuration.
func DefaultOptions(seed uint64) Options {
	return Options{Seed: seed, Voters: 3, Spares: 2, Steps: 1500, HealSteps: 3000,
		ElectionTick: 10, HeartbeatTick: 2, MaxSizePerMsg: []uint64{0, 64, 256, 4096}[seed%4], MaxInflight: 4,
		CheckQuorum: seed%2 == 0, PreVote: seed%3 != 0, SnapshotEvery: 12,
		DropP: 0.1, DupP: 0.05, MaxDelay: 3, ConfChanges: true, Partitions: true, Crashes: true,
		LeaderCrashes: seed%5 < 2, MaxUncommitted: []uint64{0, 0, 256}[seed%3],
		MaxCommittedPerReady: []uint64{0, 100, 0, 0, 300}[seed%5], AsyncApply: seed%4 == 3,
		LeaseReads: seed%2 == 0 && seed%3 != 0}
}

// Cluster is a running simulation.
type Cluster struct {
	opts  Options
	rng   *rand.Rand
	net   *network
	nodes []*node // index i holds id i+1
	now   int
	chk   *checker
	// Trace counts events; equal traces for equal seeds prove determinism.
	Trace        uint64
	nextProposal uint64
	acked        map[uint64]bool
	ccProposed   int
	healing      bool
	// Stats counts the features a run exercised.
	Stats Stats
}

// Stats counts protocol events of a run.
type Stats struct {
	SnapshotsSent, ConfChangesApplied, ReadStates, TimeoutNows, Restarts int
	// Throttled counts proposals refused by MaxUncommittedEntriesSize.
	Throttled int
	// ApplyLag counts Readys after which an AsyncApply node still had
	// handed-out entries left to apply.
	ApplyLag int
	// LeaseReads counts reads answered in the step they were issued (no
	// heartbeat round: the leader's lease).
	LeaseReads int
	// LearnersAdded, Promotions, JointEntered and JointLeft count applied
	// membership changes (summed over nodes); Hibernations counts leaders
	// going quiet, Wakes the host's wake-ups of quiet nodes.
	LearnersAdded, Promotions, JointEntered, JointLeft, Hibernations, Wakes int
}

func (s *Stats) add(o Stats) {
	s.SnapshotsSent += o.SnapshotsSent
	s.ConfChangesApplied += o.ConfChangesApplied
	s.ReadStates += o.ReadStates
	s.TimeoutNows += o.TimeoutNows
	s.Restarts += o.Restarts
	s.Throttled += o.Throttled
	s.ApplyLag += o.ApplyLag
	s.LeaseReads += o.LeaseReads
	s.LearnersAdded += o.LearnersAdded
	s.Promotions += o.Promotions
	s.JointEntered += o.JointEntered
	s.JointLeft += o.JointLeft
	s.Hibernations += o.Hibernations
	s.Wakes += o.Wakes
}

// NewCluster builds the nodes of a simulation.
func NewCluster(o Options) (*Cluster, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	c := &Cluster{opts: o, rng: rng, chk: newChecker(), acked: map[uint64]bool{},
		net: &network{rng: rng, group: map[uint64]int{}, dropP: o.DropP, dupP: o.DupP, maxDelay: o.MaxDelay}}
	var peers []uint64
	for i := 1; i <= o.Voters; i++ {
		peers = append(peers, uint64(i))
	}
	for i := 1; i <= o.Voters+o.Spares; i++ {
		var p []uint64
		if i <= o.Voters {
			p = peers
		}
		n, err := newNode(uint64(i), p, rng, &o)
		if err != nil {
			return nil, err
		}
		c.nodes = append(c.nodes, n)
	}
	return c, nil
}

func (c *Cluster) ids() []uint64 {
	ids := make([]uint64, len(c.nodes))
	for i := range c.nodes {
		ids[i] = uint64(i + 1)
	}
	return ids
}

// Run executes the chaotic phase, then heals and checks convergence.
func (c *Cluster) Run() error {
	for ; c.now < c.opts.Steps; c.now++ {
		if err := c.chaosStep(); err != nil {
			return fmt.Errorf("seed %d step %d: %w", c.opts.Seed, c.now, err)
		}
	}
	if err := c.heal(); err != nil {
		return fmt.Errorf("seed %d heal: %w", c.opts.Seed, err)
	}
	return nil
}

// chaosStep performs one random action, then lets every node handle its
// Ready and checks the invariants.
func (c *Cluster) chaosStep() error {
	if c.opts.Figure8 {
		return c.figure8Step()
	}
	idle := c.idleSpell()
	if c.opts.LeaderReads && c.rng.IntN(2) == 0 && (!idle || c.rng.IntN(8) == 0) {
		c.readIndex()
	}
	var err error
	switch p := c.rng.IntN(100); {
	case p < 35:
		err = c.deliver()
	case p < 65:
		err = c.tickAll(0.9)
	case p < 80:
		if !idle {
			c.propose()
		}
	case p < 83:
		switch {
		case !c.opts.Partitions:
		case !c.opts.LeaderReads:
			c.net.partition(c.ids())
		case c.net.whole():
			c.isolateLeader()
		}
		c.hostWake()
	case p < 89:
		// LeaderReads keeps partitions stable for about two election
		// timeouts, so a new leader can rise while the old one still leads.
		if !c.opts.LeaderReads || c.rng.IntN(5) == 0 {
			c.net.heal(c.ids())
		}
	case p < 91:
		if c.opts.Crashes {
			c.crash(c.opts.LeaderCrashes)
			c.hostWake()
		}
	case p < 94:
		err = c.restart()
	case p < 96:
		if c.opts.ConfChanges && !idle {
			c.proposeConfChange()
		}
	case p < 98:
		if !idle {
			c.transferLeader()
		}
	default:
		c.readIndex()
	}
	if err != nil {
		return err
	}
	return c.processReady()
}

// figure8Step delivers, ticks and proposes, crashing the leader now and
// then and restarting nodes whenever a majority is down.
func (c *Cluster) figure8Step() error {
	if err := c.deliver(); err != nil {
		return err
	}
	if err := c.tickAll(0.9); err != nil {
		return err
	}
	if c.rng.IntN(2) == 0 {
		c.propose()
	}
	if c.rng.IntN(100) < 3 {
		c.crash(true)
	}
	if len(c.live())*2 <= len(c.nodes) {
		if err := c.restart(); err != nil {
			return err
		}
	}
	return c.processReady()
}

func (c *Cluster) live() []*node {
	var out []*node
	for _, n := range c.nodes {
		if !n.down {
			out = append(out, n)
		}
	}
	return out
}

func (c *Cluster) pick() *node {
	live := c.live()
	if len(live) == 0 {
		return nil
	}
	return live[c.rng.IntN(len(live))]
}

// deliver hands due messages to their nodes, checking election safety
// after each one (a node may win and lose leadership between Readys).
func (c *Cluster) deliver() error {
	for _, m := range c.net.due(c.now) {
		n := c.nodes[m.To-1]
		if n.down || !c.net.connected(m.From, m.To) {
			continue
		}
		c.Trace = c.Trace*31 + uint64(m.Type) + m.Term
		// Errors here (unknown peer, dropped forward) are normal traffic.
		_ = n.rn.Step(m)
		if err := c.chk.electionSafety(n); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) tickAll(p float64) error {
	for _, n := range c.live() {
		if c.rng.Float64() < p && !n.rn.Hibernated() {
			n.rn.Tick()
			if err := c.chk.electionSafety(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// propose sends a uniquely numbered command, usually to a node that
// believes it leads (as a client that found the leader would).
func (c *Cluster) propose() {
	n := c.pick()
	if n == nil {
		return
	}
	if c.rng.IntN(2) == 0 {
		for _, m := range c.live() {
			if m.rn.Status().SoftState.RaftState == raft.StateLeader {
				n = m
			}
		}
	}
	c.nextProposal++
	data := binary.BigEndian.AppendUint64(nil, c.nextProposal)
	data = append(data, make([]byte, c.rng.IntN(64))...)
	if errors.Is(n.rn.Propose(data), raft.ErrUncommittedFull) {
		c.Stats.Throttled++
	}
}

// isolateLeader cuts a node that believes it leads off from everyone
// else (or splits at random if none does): the set-up for a stale leader.
func (c *Cluster) isolateLeader() {
	for _, n := range c.live() {
		if n.rn.Status().SoftState.RaftState == raft.StateLeader {
			c.net.isolate(c.ids(), n.id)
			return
		}
	}
	c.net.partition(c.ids())
}

// crash stops a node, losing everything but its storage. With
// LeaderCrashes it usually picks a leader, which is what exposes commit
// rule bugs (Figure 8 of the Raft paper).
func (c *Cluster) crash(preferLeader bool) {
	n := c.pick()
	if preferLeader && c.rng.IntN(4) != 0 {
		for _, m := range c.live() {
			if m.rn.Status().SoftState.RaftState == raft.StateLeader {
				n = m
			}
		}
	}
	if n != nil {
		n.down = true
		n.rn = nil
	}
}

// restart brings back a random crashed node.
func (c *Cluster) restart() error {
	var down []*node
	for _, n := range c.nodes {
		if n.down {
			down = append(down, n)
		}
	}
	if len(down) == 0 {
		return nil
	}
	c.Stats.Restarts++
	return down[c.rng.IntN(len(down))].start(c.rng, &c.opts)
}

func (c *Cluster) transferLeader() {
	n := c.pick()
	if n == nil {
		return
	}
	n.rn.TransferLeader(uint64(c.rng.IntN(len(c.nodes)) + 1))
}

func (c *Cluster) readIndex() {
	n := c.pick()
	if n == nil {
		return
	}
	if c.opts.LeaderReads {
		var leaders []*node
		for _, m := range c.live() {
			if m.rn.Status().SoftState.RaftState == raft.StateLeader {
				leaders = append(leaders, m)
			}
		}
		if len(leaders) > 0 {
			n = leaders[c.rng.IntN(len(leaders))]
		}
	}
	ctx := binary.BigEndian.AppendUint64(nil, uint64(c.now))
	ctx = binary.BigEndian.AppendUint64(ctx, n.id)
	if n.rn.ReadIndex(ctx) == nil {
		c.chk.reads[string(ctx)] = c.chk.maxAcked
	}
}

// processReady drains one Ready from every live node, in id order, and
// lets delayed appliers catch up a little (everything once healing).
func (c *Cluster) processReady() error {
	for _, n := range c.nodes {
		if n.down {
			continue
		}
		if n.rn.HasReady() {
			if err := c.handleReady(n); err != nil {
				return err
			}
		}
		if err := c.checkHibernation(n); err != nil {
			return err
		}
		if c.opts.AsyncApply {
			batches := len(n.queue)
			if !c.healing {
				batches = c.rng.IntN(3)
			}
			if err := c.applyQueued(n, batches); err != nil {
				return err
			}
			if len(n.queue) > 0 {
				c.Stats.ApplyLag++
			}
		}
	}
	return nil
}

func (c *Cluster) handleReady(n *node) error {
	rd := n.rn.Ready()
	if err := n.persist(&rd, c.opts.AsyncApply); err != nil {
		return err
	}
	if err := c.chk.afterPersist(n, &rd); err != nil {
		return err
	}
	c.sendAll(n, rd.Messages)
	for _, rs := range rd.ReadStates {
		if err := c.chk.readState(n, rs); err != nil {
			return err
		}
		c.Stats.ReadStates++
		if c.opts.LeaseReads && binary.BigEndian.Uint64(rs.RequestCtx) == uint64(c.now) {
			c.Stats.LeaseReads++
		}
	}
	if c.opts.AsyncApply {
		// The delayed applier runs later (applyQueued); raft only learns
		// what was applied from AdvanceApplied.
		if rd.Snapshot != nil {
			n.queue = append(n.queue, applyItem{snap: rd.Snapshot})
		}
		if len(rd.CommittedEntries) > 0 {
			n.queue = append(n.queue, applyItem{ents: rd.CommittedEntries})
		}
		n.rn.Advance(rd)
		return nil
	}
	if err := c.applyEntries(n, rd.CommittedEntries); err != nil {
		return err
	}
	n.rn.Advance(rd)
	return c.afterApply(n)
}

// applyEntries runs committed entries through n's state machine and the
// state machine safety check.
func (c *Cluster) applyEntries(n *node, ents []*pb.Entry) error {
	before := n.confState
	for _, e := range ents {
		pid, err := n.apply(e)
		if err != nil {
			return err
		}
		if err := c.chk.applied(n, e); err != nil {
			return err
		}
		c.countConfChange(before, n.confState)
		before = n.confState
		if pid != 0 {
			c.acked[pid] = true
		}
		if e.Type == pb.EntryType_EntryConfChange || e.Type == pb.EntryType_EntryConfChangeV2 {
			c.Stats.ConfChangesApplied++
		}
	}
	return nil
}

// afterApply tracks membership and compacts once n's state machine moved.
func (c *Cluster) afterApply(n *node) error {
	for _, id := range members(n.confState) {
		c.chk.everMember[id] = true
	}
	if !n.isMember() && c.chk.everMember[n.id] {
		n.removed = true
	}
	return n.maybeCompact()
}

// sendAll hands messages to the network, reporting failed snapshot and
// append sends back to the leader as a transport would.
func (c *Cluster) sendAll(n *node, msgs []*pb.Message) {
	for _, m := range msgs {
		ok := c.net.send(m, c.now+1)
		switch m.Type {
		case pb.MessageType_MsgSnap:
			c.Stats.SnapshotsSent++
			n.rn.ReportSnapshot(m.To, ok)
		case pb.MessageType_MsgTimeoutNow:
			c.Stats.TimeoutNows++
		case pb.MessageType_MsgApp:
			if !ok && !c.net.connected(m.From, m.To) {
				n.rn.ReportUnreachable(m.To)
			}
		}
	}
}

// heal reconnects everyone, restarts crashed nodes and runs a reliable
// network until every member applied every acknowledged proposal.
func (c *Cluster) heal() error {
	c.healing = true
	c.net.heal(c.ids())
	c.net.dropP, c.net.dupP = 0, 0
	for _, n := range c.nodes {
		if n.down {
			if err := n.start(c.rng, &c.opts); err != nil {
				return err
			}
		}
	}
	for i := 0; i < c.opts.HealSteps; i++ {
		c.now++
		if err := c.deliver(); err != nil {
			return err
		}
		if i%2 == 0 {
			if err := c.tickAll(1); err != nil {
				return err
			}
		}
		if err := c.processReady(); err != nil {
			return fmt.Errorf("step %d: %w", c.now, err)
		}
		if i%20 == 19 && c.converged() == nil {
			return nil
		}
	}
	return c.converged()
}

// converged reports which member still misses an acknowledged proposal.
func (c *Cluster) converged() error {
	members := c.finalMembers()
	for _, id := range members {
		n := c.nodes[id-1]
		for pid := range c.acked {
			if !n.proposals[pid] {
				return fmt.Errorf("node %d never applied acknowledged proposal %d (members %v)",
					id, pid, members)
			}
		}
	}
	return nil
}

// finalMembers is the membership seen by the most advanced node.
func (c *Cluster) finalMembers() []uint64 {
	best := c.nodes[0]
	for _, n := range c.nodes {
		if n.applied > best.applied {
			best = n
		}
	}
	return members(best.confState)
}

// Acked is how many proposals were acknowledged (applied somewhere).
func (c *Cluster) Acked() int { return len(c.acked) }

// Status exposes a node's raft status for tests.
func (c *Cluster) Status(id uint64) (raft.Status, bool) {
	n := c.nodes[id-1]
	if n.down {
		return raft.Status{}, false
	}
	return n.rn.Status(), true
}
