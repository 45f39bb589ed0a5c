package raft

import (
	"errors"
	"fmt"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// SoftState is volatile state that need not be persisted.
type SoftState struct {
	Lead      uint64
	RaftState StateType
}

// hardState is a comparable copy of pb.HardState.
type hardState struct{ term, vote, commit uint64 }

func (h hardState) proto() *pb.HardState {
	return &pb.HardState{Term: h.term, Vote: h.vote, Commit: h.commit}
}

// Ready is a batch of work for the caller. Contract, in order: persist
// HardState, Entries and Snapshot; then send Messages; then apply
// CommittedEntries (and Snapshot); then call Advance(rd).
//
// With Config.AsyncApply the last two steps change: Advance(rd) may be
// called as soon as rd is persisted and sent, and the CommittedEntries
// (and Snapshot) are applied later, in order, by any goroutine; the
// application then reports progress with RawNode.AdvanceApplied from the
// RawNode's goroutine. Either way a committed entry is handed out in
// exactly one Advanced Ready (until a restart, which re-delivers entries
// after Config.Applied).
type Ready struct {
	// SoftState is non-nil when leader or role changed.
	SoftState *SoftState
	// HardState is non-nil when term, vote or commit changed.
	HardState *pb.HardState
	// ReadStates answer ReadIndex requests.
	ReadStates []ReadState
	// Entries must be appended to stable storage before sending Messages.
	Entries []*pb.Entry
	// Snapshot, if non-nil, must be installed in stable storage.
	Snapshot *pb.Snapshot
	// CommittedEntries are ready to apply to the state machine, in log
	// order, after the ones handed out by earlier Readys (at most
	// Config.MaxCommittedSizePerReady bytes, but at least one entry).
	CommittedEntries []*pb.Entry
	// Messages go to peers after the above is durable.
	Messages []*pb.Message
	// MustSync says whether the write must be fsynced.
	MustSync bool
}

// RawNode drives a raft state machine; it is not safe for concurrent use.
// Every call, including AdvanceApplied from a pipelined applier, must come
// from one goroutine (or under one lock); see Ready for the order of work.
type RawNode struct {
	raft       *raft
	prevSoftSt SoftState
	prevHardSt hardState
	asyncApply bool
}

// NewRawNode builds a node from cfg, restoring state from cfg.Storage.
func NewRawNode(cfg *Config) (*RawNode, error) {
	if cfg == nil {
		return nil, errors.New("raft: nil Config")
	}
	r, err := newRaft(cfg)
	if err != nil {
		return nil, err
	}
	return &RawNode{raft: r, prevSoftSt: r.softState(), prevHardSt: r.hardState(),
		asyncApply: cfg.AsyncApply}, nil
}

// Tick advances the logical clock by one tick. A hibernated node ignores
// it (see Hibernated).
func (rn *RawNode) Tick() { rn.raft.tick() }

// Hibernated reports whether this node is quiet (Config.Hibernate): Tick
// does nothing until a message or a local request wakes it, so the host
// may stop ticking it. Check it after handling the node's Ready; any Step,
// Propose, ReadIndex, Campaign, TransferLeader or Wake may end it.
func (rn *RawNode) Hibernated() bool { return rn.raft.hibernated }

// Wake ends hibernation: a leader heartbeats at once, a follower restarts
// its election timer. The host calls it on the groups with a member on a
// store it sees go down, so that a quiet group can replace a dead leader.
// It does nothing on a node that is awake.
func (rn *RawNode) Wake() { rn.raft.wake() }

// Campaign makes this node start an election now.
func (rn *RawNode) Campaign() error {
	return rn.raft.Step(&pb.Message{Type: pb.MessageType_MsgHup})
}

// Propose asks to append data to the log; ErrProposalDropped if this node
// cannot accept it now. Success does not mean it will commit.
func (rn *RawNode) Propose(data []byte) error {
	return rn.raft.Step(&pb.Message{Type: pb.MessageType_MsgProp, From: rn.raft.id,
		Entries: []*pb.Entry{{Data: data}}})
}

// ProposeConfChange proposes a single-step membership change (add or
// remove a voter, add a learner, promote a learner); apply it with
// ApplyConfChange once it is committed. Removing the only voter is
// refused with ErrRemovesLastVoter and an impossible change (promote a
// non-learner, demote a voter) with ErrInvalidConfChange, checked here
// against this node's membership and by the leader against the
// authoritative one.
func (rn *RawNode) ProposeConfChange(cc *pb.ConfChange) error {
	if cc == nil {
		return errors.New("raft: nil ConfChange")
	}
	return rn.proposeConfChange(pb.EntryType_EntryConfChange, confChangeV2Of(cc), cc)
}

// ProposeConfChangeV2 proposes several changes applied in one step. With
// more than one voter changing (or a JointImplicit/JointExplicit
// transition) the group first enters the joint configuration of old and
// new voters, where elections and commitment need a majority of both; an
// auto-leave configuration is left by the leader on its own, an explicit
// one by proposing an empty ConfChangeV2. Apply the committed entry with
// ApplyConfChangeV2. Only one change (including the pending leave) may be
// in flight; a second one is refused with ErrProposalDropped.
func (rn *RawNode) ProposeConfChangeV2(cc *pb.ConfChangeV2) error {
	if cc == nil {
		return errors.New("raft: nil ConfChangeV2")
	}
	return rn.proposeConfChange(pb.EntryType_EntryConfChangeV2, cc, cc)
}

func (rn *RawNode) proposeConfChange(t pb.EntryType, cc *pb.ConfChangeV2, msg proto.Message) error {
	if err := rn.raft.checkConfChange(cc); err != nil {
		return err
	}
	data, err := proto.Marshal(msg)
	if err != nil {
		return fmt.Errorf("raft: encode conf change: %w", err)
	}
	return rn.raft.Step(&pb.Message{Type: pb.MessageType_MsgProp, From: rn.raft.id,
		Entries: []*pb.Entry{{Type: t, Data: data}}})
}

// ApplyConfChange applies a committed conf change and returns the new
// membership, which the caller should persist with its next snapshot.
// A change removing the only voter (refused at proposal, so it can only
// come from an older or foreign log) is skipped with an error logged: the
// returned membership is unchanged and the group keeps working.
// With Config.AsyncApply, call it (on the RawNode's goroutine) no later
// than the AdvanceApplied that covers the entry's index: raft lets the
// next conf change be proposed, and this node campaign, once applied
// passes it.
func (rn *RawNode) ApplyConfChange(cc *pb.ConfChange) *pb.ConfState {
	return rn.raft.applyConfChange(cc)
}

// ApplyConfChangeV2 applies a committed EntryConfChangeV2 and returns the
// new membership (VotersOutgoing non-empty while joint). The same rules as
// ApplyConfChange hold: an inapplicable change is skipped alike on every
// member, and with AsyncApply it must be called no later than the
// AdvanceApplied covering the entry.
func (rn *RawNode) ApplyConfChangeV2(cc *pb.ConfChangeV2) *pb.ConfState {
	if cc == nil {
		return rn.raft.conf.confState()
	}
	return rn.raft.applyConfChangeV2(cc)
}

// ConfState returns the membership this node currently applies.
func (rn *RawNode) ConfState() *pb.ConfState { return rn.raft.conf.confState() }

// Step feeds a message received from a peer.
func (rn *RawNode) Step(m *pb.Message) error {
	if m == nil {
		return ErrEmptyMessage
	}
	if IsLocalMsg(m.Type) {
		return ErrStepLocalMsg
	}
	if m.From == rn.raft.id {
		return errors.New("raft: message claims to come from this node")
	}
	if IsResponseMsg(m.Type) && rn.raft.prs[m.From] == nil {
		return ErrStepPeerNotFound
	}
	return rn.raft.Step(m)
}

// TransferLeader asks the leader to hand leadership to node to.
func (rn *RawNode) TransferLeader(to uint64) {
	_ = rn.raft.Step(&pb.Message{Type: pb.MessageType_MsgTransferLeader, From: to})
}

// ReadIndex requests a linearizable read; the answer arrives as a
// ReadState carrying rctx, which must be non-empty and unique.
func (rn *RawNode) ReadIndex(rctx []byte) error {
	if len(rctx) == 0 {
		return errors.New("raft: ReadIndex context must not be empty")
	}
	if rn.raft.lead == None {
		return fmt.Errorf("%w: no leader to serve ReadIndex", ErrProposalDropped)
	}
	return rn.raft.Step(&pb.Message{Type: pb.MessageType_MsgReadIndex,
		Entries: []*pb.Entry{{Data: rctx}}})
}

// ReportUnreachable tells the leader a message to id could not be sent.
func (rn *RawNode) ReportUnreachable(id uint64) {
	_ = rn.raft.Step(&pb.Message{Type: pb.MessageType_MsgUnreachable, From: id})
}

// ReportSnapshot tells the leader whether sending a snapshot to id worked.
func (rn *RawNode) ReportSnapshot(id uint64, ok bool) {
	_ = rn.raft.Step(&pb.Message{Type: pb.MessageType_MsgSnapStatus, From: id, Reject: !ok})
}

// HasReady reports whether Ready would return anything.
func (rn *RawNode) HasReady() bool {
	r := rn.raft
	return r.pendingAppend || r.softState() != rn.prevSoftSt ||
		r.hardState() != rn.prevHardSt ||
		r.raftLog.unstable.snapshot != nil ||
		len(r.msgs) > 0 || len(r.raftLog.unstable.entries) > 0 ||
		r.raftLog.hasNextEnts() || len(r.readStates) > 0
}

// Ready returns the pending work; call Advance(rd) once it is handled.
func (rn *RawNode) Ready() Ready {
	r := rn.raft
	r.flushAppends()
	rd := Ready{
		Entries:          r.raftLog.unstable.entries,
		CommittedEntries: r.raftLog.nextEnts(),
		Messages:         r.msgs,
		ReadStates:       r.readStates,
		Snapshot:         r.raftLog.unstable.snapshot,
	}
	if ss := r.softState(); ss != rn.prevSoftSt {
		changed := ss // allocated only when reported
		rd.SoftState = &changed
		rn.prevSoftSt = ss
	}
	if hs := r.hardState(); hs != rn.prevHardSt {
		rd.HardState = hs.proto()
		rd.MustSync = hs.term != rn.prevHardSt.term || hs.vote != rn.prevHardSt.vote
	}
	rd.MustSync = rd.MustSync || len(rd.Entries) > 0
	r.msgs = nil
	r.readStates = nil
	return rd
}

// Advance tells the node that rd was persisted and sent, and marks its
// CommittedEntries and Snapshot as handed out: later Readys start after
// them. Without Config.AsyncApply it also means they were applied, so the
// applied index moves to the last of them. With AsyncApply the applied
// index moves only through AdvanceApplied.
func (rn *RawNode) Advance(rd Ready) {
	l := rn.raft.raftLog
	if rd.HardState != nil {
		rn.prevHardSt = hardState{rd.HardState.Term, rd.HardState.Vote, rd.HardState.Commit}
	}
	if n := len(rd.Entries); n > 0 {
		e := rd.Entries[n-1]
		l.unstable.stableTo(e.Index, e.Term)
	}
	if rd.Snapshot != nil {
		idx := rd.Snapshot.Metadata.Index
		l.unstable.stableSnapTo(idx)
		l.applying = max(l.applying, idx)
		if !rn.asyncApply {
			l.applied = max(l.applied, idx)
		}
	}
	if n := len(rd.CommittedEntries); n > 0 {
		last := rd.CommittedEntries[n-1].Index
		if !l.applyingTo(last) {
			return
		}
		rn.raft.reduceUncommittedSize(rd.CommittedEntries)
		if !rn.asyncApply {
			l.applied = last
		}
	}
	rn.raft.maybeAutoLeave()
}

// AdvanceApplied reports that the state machine has applied every entry
// (and snapshot) up to index. It is how a Config.AsyncApply application
// moves the applied index, which gates conf-change proposals and
// campaigning; ReadStates are for the application to compare with its own
// applied index. A report at or below the current applied index is
// ignored; one beyond what Advance has handed out is an error and changes
// nothing. Without AsyncApply, Advance already moved applied, so calling
// it is harmless but unnecessary.
func (rn *RawNode) AdvanceApplied(index uint64) error {
	if err := rn.raft.raftLog.appliedTo(index); err != nil {
		return err
	}
	rn.raft.maybeAutoLeave()
	return nil
}

// Status is a snapshot of a node's state for monitoring and tests.
type Status struct {
	ID     uint64
	Term   uint64
	Vote   uint64
	Commit uint64
	// Applied is the applied index raft acts on (see AdvanceApplied).
	Applied uint64
	// Applying is the last committed index handed out in an Advanced
	// Ready; Applied <= Applying <= Commit.
	Applying       uint64
	SoftState      SoftState
	LeadTransferee uint64
	// TermStartIndex is, on a leader, the index of the empty entry it
	// appended when elected (0 elsewhere). Commit >= TermStartIndex means
	// the leader has committed in its term, so its commit index covers
	// everything earlier leaders committed; reads are served only then.
	TermStartIndex uint64
	// LeaseValid reports a ReadOnlyLeaseBased leader whose lease holds now.
	LeaseValid bool
	// Hibernated reports a quiet node (see RawNode.Hibernated).
	Hibernated bool
	// IsLearner reports that this node is a learner (replicated to, never
	// voting or campaigning).
	IsLearner bool
	// Progress is the leader's view of each member, voters and learners
	// (Progress.IsLearner); nil on followers and from BasicStatus.
	Progress map[uint64]Progress
}

// BasicStatus is Status without Progress; it does not allocate, for
// stores that poll many groups.
func (rn *RawNode) BasicStatus() Status {
	r := rn.raft
	s := Status{ID: r.id, Term: r.Term, Vote: r.Vote, Commit: r.raftLog.committed,
		Applied: r.raftLog.applied, Applying: r.raftLog.applying, SoftState: r.softState(),
		LeadTransferee: r.leadTransferee, LeaseValid: r.leaseValid(), Hibernated: r.hibernated,
		IsLearner: r.conf.isLearner(r.id)}
	if r.state == StateLeader {
		s.TermStartIndex = r.termStartIndex
	}
	return s
}

// Status returns the node's current state.
func (rn *RawNode) Status() Status {
	r := rn.raft
	s := rn.BasicStatus()
	if r.state == StateLeader {
		s.Progress = make(map[uint64]Progress, len(r.prs))
		for id, pr := range r.prs {
			s.Progress[id] = pr.clone()
		}
	}
	return s
}
