package raft

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// None is the zero node ID: no leader, no vote.
const None uint64 = 0

// noLimit disables a size limit.
const noLimit = math.MaxUint64

// Config configures one Raft node.
type Config struct {
	// ID identifies this node; it must be non-zero.
	ID uint64
	// ElectionTick is the number of Ticks without hearing from a leader
	// before a follower campaigns; the actual timeout is randomized in
	// [ElectionTick, 2*ElectionTick).
	ElectionTick int
	// HeartbeatTick is the number of Ticks between leader heartbeats.
	HeartbeatTick int
	// Storage holds the stable log, HardState and snapshot.
	Storage Storage
	// Applied is the last index the application has already applied
	// (set it on restart so entries are not re-delivered).
	Applied uint64
	// MaxSizePerMsg caps the bytes of entries in one append message
	// (0 means one entry per message).
	MaxSizePerMsg uint64
	// MaxInflightMsgs caps unacknowledged append messages per follower
	// while replicating.
	MaxInflightMsgs int
	// MaxUncommittedEntriesSize caps, in payload bytes (Entry.Data), the
	// leader's log tail that is not yet committed (0 means no limit). A
	// proposal that would exceed it is refused with ErrProposalDropped, so
	// a leader cut off from its followers cannot grow its log without
	// bound. A proposal is always accepted when the tail is empty, and the
	// leader's empty entry of its term does not count. The tail shrinks as
	// committed entries are handed out in a Ready and acknowledged by
	// Advance.
	MaxUncommittedEntriesSize uint64
	// AsyncApply lets the application apply CommittedEntries in another
	// goroutine (pipelined apply): Advance then only marks them handed
	// out, and the applied index moves when the application calls
	// RawNode.AdvanceApplied. False keeps the simple contract in which
	// Advance means the Ready was applied.
	AsyncApply bool
	// MaxCommittedSizePerReady caps the bytes of CommittedEntries in one
	// Ready (0 means no limit), counted like MaxSizePerMsg; a Ready always
	// carries at least one committed entry when any is pending, so apply
	// batches stay bounded without stalling on one big entry.
	MaxCommittedSizePerReady uint64
	// CheckQuorum makes a leader step down when it has not heard from a
	// quorum within an election timeout, and makes followers ignore votes
	// while they are in contact with a leader.
	CheckQuorum bool
	// PreVote runs a pre-election that does not bump terms, so a node
	// rejoining after a partition cannot disrupt a healthy leader.
	PreVote bool
	// ReadOnlyOption selects how ReadIndex is served: ReadOnlySafe (the
	// default) confirms leadership with a heartbeat round per batch of
	// reads; ReadOnlyLeaseBased answers at once while the leader's lease
	// holds and falls back to the safe path otherwise. Lease reads need
	// CheckQuorum and clocks whose rates differ by less than
	// LeaseDriftTicks per election timeout; every node of a cluster must
	// use the same option.
	ReadOnlyOption ReadOnlyOption
	// LeaseDriftTicks is the clock-drift margin of lease reads: the lease
	// lasts ElectionTick - LeaseDriftTicks ticks from the send of the
	// latest heartbeat a quorum acknowledged. 0 selects the default,
	// max(1, ElectionTick/5). It must be below ElectionTick.
	LeaseDriftTicks int
	// Hibernate lets an idle group go quiet: its leader stops heartbeating
	// and its members ignore Tick until a message or a local request wakes
	// them, so the host can stop ticking it (RawNode.Hibernated). The host
	// must call RawNode.Wake on the groups with a member on a store it sees
	// go down, or a dead leader of a quiet group is never replaced. Every
	// member of a group should use the same setting; a member without it
	// refuses to go quiet, which keeps its leader heartbeating.
	Hibernate bool
	// Logger receives diagnostics; nil discards them (a library stays silent
	// unless asked). SlogLogger adapts an *slog.Logger.
	Logger Logger
	// Rand drives the randomized election timeout; nil uses a randomly
	// seeded source. Simulations set it to make runs reproducible.
	Rand *rand.Rand
}

// Validate reports the first invalid field of c.
func (c *Config) Validate() error {
	switch {
	case c.ID == None:
		return errors.New("raft: Config.ID must not be 0")
	case c.HeartbeatTick <= 0:
		return fmt.Errorf("raft: Config.HeartbeatTick must be > 0, got %d", c.HeartbeatTick)
	case c.ElectionTick <= c.HeartbeatTick:
		return fmt.Errorf("raft: Config.ElectionTick (%d) must be greater than HeartbeatTick (%d)",
			c.ElectionTick, c.HeartbeatTick)
	case c.Storage == nil:
		return errors.New("raft: Config.Storage must not be nil")
	case c.MaxInflightMsgs <= 0:
		return fmt.Errorf("raft: Config.MaxInflightMsgs must be > 0, got %d", c.MaxInflightMsgs)
	case c.ReadOnlyOption != ReadOnlySafe && c.ReadOnlyOption != ReadOnlyLeaseBased:
		return fmt.Errorf("raft: Config.ReadOnlyOption %d is not ReadOnlySafe or ReadOnlyLeaseBased", c.ReadOnlyOption)
	case c.ReadOnlyOption == ReadOnlyLeaseBased && !c.CheckQuorum:
		return errors.New("raft: Config.ReadOnlyOption ReadOnlyLeaseBased requires CheckQuorum")
	case c.LeaseDriftTicks < 0 || c.LeaseDriftTicks >= c.ElectionTick:
		return fmt.Errorf("raft: Config.LeaseDriftTicks must be in [0, ElectionTick=%d), got %d",
			c.ElectionTick, c.LeaseDriftTicks)
	}
	return nil
}

// ReadOnlyOption selects how the leader serves ReadIndex.
type ReadOnlyOption uint8

const (
	// ReadOnlySafe confirms leadership with a heartbeat quorum for each
	// batch of reads (Raft thesis §6.4); safe whatever the clocks do.
	ReadOnlySafe ReadOnlyOption = iota
	// ReadOnlyLeaseBased answers reads from the leader's commit index
	// without a round trip while its lease holds (thesis §6.4.1); safe
	// only with bounded clock drift (see Config.LeaseDriftTicks).
	ReadOnlyLeaseBased
)

// leaseTicks is the lease length cfg selects.
func (c *Config) leaseTicks() int {
	drift := c.LeaseDriftTicks
	if drift == 0 {
		drift = max(1, c.ElectionTick/5)
	}
	return c.ElectionTick - drift
}

// Errors returned to callers for input they control or peers send.
var (
	// ErrProposalDropped means the proposal was not appended (no leader,
	// leadership transfer in progress, node removed, or a conf change is
	// already pending); the caller may retry.
	ErrProposalDropped = errors.New("raft: proposal dropped")
	// ErrUncommittedFull means the leader's uncommitted log tail is at
	// Config.MaxUncommittedEntriesSize (the cluster is slow or the leader
	// is cut off); it wraps ErrProposalDropped, so retrying later is fine.
	ErrUncommittedFull = fmt.Errorf("%w: uncommitted log tail is at MaxUncommittedEntriesSize", ErrProposalDropped)
	// ErrRemovesLastVoter means a conf change would remove the only voter,
	// leaving a group that can never elect a leader or commit again. It is
	// not retryable, so it does not wrap ErrProposalDropped.
	ErrRemovesLastVoter = errors.New("raft: conf change would remove the last voter")
	// ErrStepLocalMsg means a local-only message type was given to Step.
	ErrStepLocalMsg = errors.New("raft: cannot step raft local message")
	// ErrStepPeerNotFound means a response came from a node not in the
	// configuration.
	ErrStepPeerNotFound = errors.New("raft: cannot step as peer not found")
	// ErrEmptyMessage means Step got a nil message.
	ErrEmptyMessage = errors.New("raft: nil message")
)
