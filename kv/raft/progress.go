package raft

import "fmt"

// ProgressState is how the leader is replicating to one follower.
type ProgressState uint8

// Progress states.
const (
	// StateProbe sends one append at a time until the match point is found.
	StateProbe ProgressState = iota
	// StateReplicate streams appends optimistically, bounded by Inflights.
	StateReplicate
	// StateSnapshot waits for a snapshot to be installed.
	StateSnapshot
)

// String names the state.
func (s ProgressState) String() string {
	switch s {
	case StateProbe:
		return "StateProbe"
	case StateReplicate:
		return "StateReplicate"
	case StateSnapshot:
		return "StateSnapshot"
	}
	return fmt.Sprintf("ProgressState(%d)", uint8(s))
}

// Progress is the leader's view of one follower.
type Progress struct {
	// Match is the highest index known replicated on the follower.
	Match uint64
	// Next is the next index to send.
	Next uint64
	// State is the replication mode.
	State ProgressState
	// PendingSnapshot is the index of the snapshot being sent.
	PendingSnapshot uint64
	// RecentActive reports whether the follower answered within the last
	// election timeout (CheckQuorum).
	RecentActive bool
	// MsgAppFlowPaused stops further probes until a response arrives.
	MsgAppFlowPaused bool
	// Inflights tracks unacknowledged appends in StateReplicate.
	Inflights *Inflights
	// IsLearner marks a learner: it is replicated to but never votes or
	// counts towards a quorum.
	IsLearner bool
	// leaseStamp is the leader clock of the latest heartbeat this
	// follower answered (0: none this term).
	leaseStamp uint64
}

func (pr *Progress) resetState(state ProgressState) {
	pr.MsgAppFlowPaused = false
	pr.PendingSnapshot = 0
	pr.State = state
	pr.Inflights.reset()
}

// BecomeProbe switches to probing from the last known match (or just past
// a snapshot that was being sent).
func (pr *Progress) BecomeProbe() {
	if pr.State == StateSnapshot {
		pending := pr.PendingSnapshot
		pr.resetState(StateProbe)
		pr.Next = max(pr.Match+1, pending+1)
		return
	}
	pr.resetState(StateProbe)
	pr.Next = pr.Match + 1
}

// BecomeReplicate switches to streaming from Match+1.
func (pr *Progress) BecomeReplicate() {
	pr.resetState(StateReplicate)
	pr.Next = pr.Match + 1
}

// BecomeSnapshot records that snapshot snapi is being sent.
func (pr *Progress) BecomeSnapshot(snapi uint64) {
	pr.resetState(StateSnapshot)
	pr.PendingSnapshot = snapi
}

// updateOnEntriesSend accounts for an append carrying n entries ending at last.
func (pr *Progress) updateOnEntriesSend(n int, last uint64) {
	switch pr.State {
	case StateReplicate:
		if n > 0 {
			pr.Next = last + 1
			pr.Inflights.Add(last)
		}
	case StateProbe:
		pr.MsgAppFlowPaused = true
	}
}

// MaybeUpdate records an acknowledgement of index n; false if stale.
func (pr *Progress) MaybeUpdate(n uint64) bool {
	updated := false
	if pr.Match < n {
		pr.Match = n
		updated = true
		pr.MsgAppFlowPaused = false
	}
	pr.Next = max(pr.Next, n+1)
	return updated
}

// MaybeDecrTo handles a rejection of the append at index rejected; the
// follower suggests matchHint as the probe point. False if stale.
func (pr *Progress) MaybeDecrTo(rejected, matchHint uint64) bool {
	if pr.State == StateReplicate {
		if rejected <= pr.Match {
			return false
		}
		pr.Next = pr.Match + 1
		return true
	}
	if pr.Next-1 != rejected {
		return false
	}
	pr.Next = max(min(rejected, matchHint+1), pr.Match+1, 1)
	pr.MsgAppFlowPaused = false
	return true
}

// IsPaused reports whether the leader must hold further appends.
func (pr *Progress) IsPaused() bool {
	switch pr.State {
	case StateProbe:
		return pr.MsgAppFlowPaused
	case StateReplicate:
		return pr.Inflights.Full()
	default:
		return true
	}
}

func (pr *Progress) clone() Progress {
	c := *pr
	c.Inflights = pr.Inflights.clone()
	return c
}

// String summarizes the progress for logs.
func (pr *Progress) String() string {
	return fmt.Sprintf("%s match=%d next=%d pending=%d active=%v paused=%v inflight=%d learner=%v",
		pr.State, pr.Match, pr.Next, pr.PendingSnapshot, pr.RecentActive, pr.MsgAppFlowPaused,
		pr.Inflights.Count(), pr.IsLearner)
}

// Inflights is a bounded FIFO of the last indexes of unacknowledged appends.
type Inflights struct {
	start, count int
	buf          []uint64
	size         int
}

// NewInflights returns an empty window of the given capacity.
func NewInflights(size int) *Inflights {
	return &Inflights{size: size}
}

// Add records an append ending at index; callers check Full first.
func (in *Inflights) Add(index uint64) {
	if in.Full() {
		return
	}
	if in.buf == nil {
		in.buf = make([]uint64, in.size)
	}
	in.buf[(in.start+in.count)%in.size] = index
	in.count++
}

// FreeLE releases every append ending at or below to.
func (in *Inflights) FreeLE(to uint64) {
	for in.count > 0 && in.buf[in.start] <= to {
		in.start = (in.start + 1) % in.size
		in.count--
	}
	if in.count == 0 {
		in.start = 0
	}
}

// FreeFirstOne releases the oldest append (its response was likely lost).
func (in *Inflights) FreeFirstOne() {
	if in.count > 0 {
		in.FreeLE(in.buf[in.start])
	}
}

// Full reports whether no more appends may be sent.
func (in *Inflights) Full() bool { return in.count >= in.size }

// Count is the number of unacknowledged appends.
func (in *Inflights) Count() int { return in.count }

func (in *Inflights) reset() {
	in.start, in.count = 0, 0
}

func (in *Inflights) clone() *Inflights {
	c := *in
	c.buf = append([]uint64(nil), in.buf...)
	return &c
}
