package raft

import (
	"fmt"
	"math/rand/v2"
	"slices"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// StateType is a node's role.
type StateType uint8

// Roles.
const (
	StateFollower StateType = iota
	StateCandidate
	StateLeader
	StatePreCandidate
)

// String names the role.
func (s StateType) String() string {
	switch s {
	case StateFollower:
		return "StateFollower"
	case StateCandidate:
		return "StateCandidate"
	case StateLeader:
		return "StateLeader"
	case StatePreCandidate:
		return "StatePreCandidate"
	}
	return fmt.Sprintf("StateType(%d)", uint8(s))
}

// campaignTransfer marks votes caused by leader transfer, which may break
// a follower's leader lease.
var campaignTransfer = []byte("CampaignTransfer")

type stepFunc func(r *raft, m *pb.Message) error

// raft is the protocol state machine; RawNode is its public face.
type raft struct {
	id   uint64
	Term uint64
	Vote uint64

	raftLog    *raftLog
	readStates []ReadState

	maxMsgSize  uint64
	maxInflight int
	// uncommittedSize is the payload of the leader's entries not yet
	// handed out as committed; bounded by maxUncommittedSize.
	uncommittedSize    uint64
	maxUncommittedSize uint64
	// prs holds the progress of every member (voters of both halves of a
	// joint configuration, and learners); conf says who votes.
	prs      map[uint64]*Progress
	ids      []uint64 // sorted keys of prs: deterministic iteration
	conf     membership
	matchBuf []uint64

	state StateType
	votes map[uint64]bool
	msgs  []*pb.Message

	lead             uint64
	leadTransferee   uint64
	pendingConfIndex uint64
	termStartIndex   uint64 // leader: index of its empty entry
	readOnly         *readOnly
	pendingReadIndex []*pb.Message
	pendingAppend    bool // proposals appended but not yet broadcast
	// hibernate enables going quiet when idle; hibernated means quiet now
	// (ticks are ignored until something wakes the node).
	hibernate  bool
	hibernated bool

	// clock counts every tick since the node started (never reset); it
	// stamps heartbeats for the lease.
	clock uint64
	lease leaseState

	electionElapsed           int
	heartbeatElapsed          int
	checkQuorum               bool
	preVote                   bool
	heartbeatTimeout          int
	electionTimeout           int
	randomizedElectionTimeout int
	rand                      *rand.Rand

	tick   func()
	step   stepFunc
	logger Logger
}

func newRaft(c *Config) (*raft, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	logger := c.Logger
	if logger == nil {
		logger = DiscardLogger{}
	}
	rl, err := newLog(c.Storage, logger)
	if err != nil {
		return nil, err
	}
	if c.MaxCommittedSizePerReady > 0 {
		rl.maxNextEntsSize = c.MaxCommittedSizePerReady
	}
	hs, cs, err := c.Storage.InitialState()
	if err != nil {
		return nil, fmt.Errorf("raft: storage InitialState: %w", err)
	}
	r := &raft{
		id: c.ID, raftLog: rl, maxMsgSize: c.MaxSizePerMsg, maxInflight: c.MaxInflightMsgs,
		maxUncommittedSize: c.MaxUncommittedEntriesSize,
		prs:                map[uint64]*Progress{}, electionTimeout: c.ElectionTick, heartbeatTimeout: c.HeartbeatTick,
		checkQuorum: c.CheckQuorum, preVote: c.PreVote, rand: c.Rand, logger: logger, hibernate: c.Hibernate,
		readOnly: newReadOnly(), clock: 1,
		lease: leaseState{enabled: c.ReadOnlyOption == ReadOnlyLeaseBased, ticks: uint64(c.leaseTicks())},
	}
	// A restarted node may have acknowledged a leader's heartbeat just
	// before it stopped; it keeps that promise by not voting for a while.
	r.lease.voteHoldAtStart = r.lease.enabled
	r.setMembership(membershipOf(cs))
	if err := r.loadState(hs); err != nil {
		return nil, err
	}
	if c.Applied > 0 {
		if c.Applied > r.raftLog.committed {
			return nil, fmt.Errorf("raft: Config.Applied %d is beyond the persisted commit index %d",
				c.Applied, r.raftLog.committed)
		}
		// Below the snapshot the log starts after, it says nothing new.
		r.raftLog.applied = max(r.raftLog.applied, c.Applied)
		r.raftLog.applying = r.raftLog.applied
	}
	r.becomeFollower(r.Term, None)
	return r, nil
}

func (r *raft) loadState(hs *pb.HardState) error {
	if hs == nil || (hs.Term == 0 && hs.Vote == 0 && hs.Commit == 0) {
		return nil
	}
	if hs.Commit > r.raftLog.lastIndex() {
		return fmt.Errorf("raft: persisted HardState commit %d is beyond the last log index %d",
			hs.Commit, r.raftLog.lastIndex())
	}
	// A snapshot implies its index is committed even if HardState lags.
	r.raftLog.committed = max(hs.Commit, r.raftLog.committed)
	r.Term = hs.Term
	r.Vote = hs.Vote
	return nil
}

func (r *raft) softState() SoftState { return SoftState{Lead: r.lead, RaftState: r.state} }

func (r *raft) hardState() hardState {
	return hardState{term: r.Term, vote: r.Vote, commit: r.raftLog.committed}
}

// send queues m for the caller, stamping From and (for non-vote,
// non-forwarded messages) the current term.
func (r *raft) send(m *pb.Message) {
	if m.From == None {
		m.From = r.id
	}
	switch m.Type {
	case pb.MessageType_MsgVote, pb.MessageType_MsgVoteResp,
		pb.MessageType_MsgPreVote, pb.MessageType_MsgPreVoteResp:
		// The term is set by the caller: it is the campaign's term.
	case pb.MessageType_MsgProp, pb.MessageType_MsgReadIndex:
		// Forwarded requests carry no term: the leader treats them as local.
	default:
		m.Term = r.Term
	}
	r.msgs = append(r.msgs, m)
}

func (r *raft) reset(term uint64) {
	if r.Term != term {
		r.Term = term
		r.Vote = None
	}
	r.lead = None
	r.electionElapsed = 0
	r.heartbeatElapsed = 0
	r.resetRandomizedElectionTimeout()
	r.abortLeaderTransfer()
	r.votes = map[uint64]bool{}
	last := r.raftLog.lastIndex()
	for id, pr := range r.prs {
		*pr = Progress{Next: last + 1, Inflights: pr.Inflights, IsLearner: pr.IsLearner}
		pr.Inflights.reset()
		if id == r.id {
			pr.Match = last
		}
	}
	r.pendingConfIndex = 0
	r.readOnly = newReadOnly()
	r.pendingReadIndex = nil
	r.pendingAppend = false
	r.uncommittedSize = 0
	r.lease.revoked = false
	r.hibernated = false
}

func (r *raft) resetRandomizedElectionTimeout() {
	var n int
	if r.rand != nil {
		n = r.rand.IntN(r.electionTimeout)
	} else {
		n = rand.IntN(r.electionTimeout)
	}
	r.randomizedElectionTimeout = r.electionTimeout + n
}

func (r *raft) pastElectionTimeout() bool {
	return r.electionElapsed >= r.randomizedElectionTimeout
}

// promotable reports whether this node is a voter (of either half of a
// joint configuration) and may campaign; learners may not.
func (r *raft) promotable() bool {
	return r.conf.voters.contains(r.id)
}

func (r *raft) becomeFollower(term, lead uint64) {
	r.step = stepFollower
	r.reset(term)
	r.tick = r.tickElection
	r.lead = lead
	r.state = StateFollower
}

func (r *raft) becomeCandidate() {
	r.step = stepCandidate
	r.reset(r.Term + 1)
	r.tick = r.tickElection
	r.Vote = r.id
	r.state = StateCandidate
}

func (r *raft) becomePreCandidate() {
	r.step = stepCandidate
	r.votes = map[uint64]bool{}
	r.tick = r.tickElection
	r.lead = None
	r.state = StatePreCandidate
}

func (r *raft) becomeLeader() {
	r.step = stepLeader
	r.reset(r.Term)
	r.tick = r.tickHeartbeat
	r.lead = r.id
	r.state = StateLeader
	self := r.prs[r.id]
	self.BecomeReplicate()
	self.RecentActive = true
	// No conf change may be proposed until the entries of earlier terms,
	// which may hold one, are applied.
	r.pendingConfIndex = r.raftLog.lastIndex()
	r.termStartIndex = r.pendingConfIndex + 1
	r.appendEntry(&pb.Entry{})
}

// payloadSize is what an entry counts against MaxUncommittedEntriesSize.
func payloadSize(ents []*pb.Entry) uint64 {
	var s uint64
	for _, e := range ents {
		s += uint64(len(e.GetData()))
	}
	return s
}

// increaseUncommittedSize admits ents into the uncommitted tail, or
// reports false if that would exceed the limit. An empty tail always
// admits, so one oversized proposal cannot block the leader forever.
func (r *raft) increaseUncommittedSize(ents []*pb.Entry) bool {
	if r.maxUncommittedSize == 0 {
		return true // no limit: nothing to count
	}
	s := payloadSize(ents)
	if r.uncommittedSize > 0 && s > r.maxUncommittedSize-min(r.uncommittedSize, r.maxUncommittedSize) {
		return false
	}
	r.uncommittedSize += s
	return true
}

// reduceUncommittedSize releases committed entries handed to the caller.
// Entries from earlier terms were never counted, hence the clamp.
func (r *raft) reduceUncommittedSize(ents []*pb.Entry) {
	if r.uncommittedSize == 0 {
		return
	}
	r.uncommittedSize -= min(payloadSize(ents), r.uncommittedSize)
}

// tickElection runs on followers and candidates.
func (r *raft) tickElection() {
	if r.hibernated {
		return
	}
	r.clock++
	r.electionElapsed++
	if r.electionElapsed >= r.electionTimeout {
		r.lease.voteHoldAtStart = false
	}
	if r.promotable() && r.pastElectionTimeout() {
		r.electionElapsed = 0
		_ = r.Step(&pb.Message{From: r.id, Type: pb.MessageType_MsgHup})
	}
}

// tickHeartbeat runs on leaders.
func (r *raft) tickHeartbeat() {
	if r.hibernated {
		return
	}
	r.clock++
	r.heartbeatElapsed++
	r.electionElapsed++
	if r.electionElapsed >= r.electionTimeout {
		r.electionElapsed = 0
		if r.checkQuorum {
			_ = r.Step(&pb.Message{From: r.id, Type: pb.MessageType_MsgCheckQuorum})
		}
		if r.state == StateLeader && r.leadTransferee != None {
			r.abortLeaderTransfer()
		}
	}
	if r.state != StateLeader {
		return
	}
	if r.heartbeatElapsed >= r.heartbeatTimeout {
		r.heartbeatElapsed = 0
		r.maybeAutoLeave()
		if r.hibernate && r.canHibernate() {
			r.hibernateLeader()
			return
		}
		_ = r.Step(&pb.Message{From: r.id, Type: pb.MessageType_MsgBeat})
	}
}

func (r *raft) abortLeaderTransfer() { r.leadTransferee = None }

// appendEntry stamps and appends entries as leader, counting itself.
func (r *raft) appendEntry(es ...*pb.Entry) {
	li := r.raftLog.lastIndex()
	for i, e := range es {
		e.Term = r.Term
		e.Index = li + 1 + uint64(i)
	}
	li = r.raftLog.append(es...)
	r.prs[r.id].MaybeUpdate(li)
	r.maybeCommit()
}

// maybeCommit advances commit to the highest index a quorum of voters
// holds (in a joint configuration: a quorum of each half), if that entry
// is of the current term (§5.4.2). Learners do not count.
func (r *raft) maybeCommit() bool {
	if len(r.conf.voters[0]) == 0 {
		return false
	}
	mci := r.conf.voters.committedIndex(r.prs, matchOf, &r.matchBuf)
	return r.raftLog.maybeCommit(mci, r.Term)
}

// committedEntryInCurrentTerm reports whether this leader has committed
// anything yet (its no-op), needed before serving ReadIndex.
func (r *raft) committedEntryInCurrentTerm() bool {
	t, err := r.raftLog.term(r.raftLog.committed)
	return err == nil && t == r.Term
}

// containsSorted reports whether the sorted ids hold id.
func containsSorted(ids []uint64, id uint64) bool {
	_, ok := slices.BinarySearch(ids, id)
	return ok
}
