package raftstore

import (
	"errors"
	"log/slog"
	"time"
)

// Config configures a Store. Zero fields take the documented defaults.
type Config struct {
	// StoreID is this store's id; it must be non-zero.
	StoreID uint64
	// Resolver maps a store id to its client address, used to fill NotLeader.leader_address.
	// Nil leaves the address empty.
	Resolver func(storeID uint64) (addr string, ok bool)
	// TickInterval is the raft logical clock period. Default 100ms; tests use 10–50ms.
	TickInterval time.Duration
	// ElectionTicks is the election timeout in ticks. Default 10.
	ElectionTicks int
	// HeartbeatTicks is the leader heartbeat period in ticks. Default 2.
	HeartbeatTicks int
	// RaftLogGCCountLimit: the leader compacts the log once more than this many applied entries
	// are kept. Default 10000.
	RaftLogGCCountLimit uint64
	// RaftLogGCSizeLimit: the leader compacts the log once the kept entries hold more than this
	// many bytes. Default 32 MiB.
	RaftLogGCSizeLimit uint64
	// RaftLogGCTickInterval is how often the leader checks the GC thresholds. Default 1s.
	RaftLogGCTickInterval time.Duration
	// MaxUncommittedSize caps the leader's uncommitted log tail in bytes; proposals beyond it get
	// ServerIsBusy. Default 16 MiB.
	MaxUncommittedSize uint64
	// MaxCommittedSizePerReady caps the committed entries handed to the apply worker at once.
	// Default 4 MiB.
	MaxCommittedSizePerReady uint64
	// MaxSizePerMsg caps the entry bytes in one append message. Default 1 MiB.
	MaxSizePerMsg uint64
	// MaxInflightMsgs caps unacknowledged append messages per follower. Default 256.
	MaxInflightMsgs int
	// ProposalTimeout bounds how long a write or a read waits for raft before it is answered
	// with Timeout (a timed-out write may still apply). Default 10s.
	ProposalTimeout time.Duration
	// MaxPendingProposals caps writes waiting for raft in this store; more get ServerIsBusy.
	// Default 20000.
	MaxPendingProposals int
	// LeaseReads lets the leader answer linearizable reads from its lease (raft's
	// ReadOnlyLeaseBased) instead of a heartbeat round per batch of reads. It is safe only
	// when clocks of the stores run at rates that differ by less than raft's drift margin
	// per election timeout; CheckQuorum, which it needs, is always on. Every store of a
	// cluster must use the same setting. Default off.
	LeaseReads bool
	// MaxEntrySize caps the encoded size of one write (one raft entry); a larger write is
	// refused with an error before it reaches raft. Default 8 MiB.
	MaxEntrySize uint64
	// MaxSnapshotSize caps the payload of a snapshot this store builds or accepts. Default 256 MiB.
	MaxSnapshotSize uint64
	// EntryCacheSize caps the bytes of recent raft entries kept in memory per peer, so the
	// apply path and follower catch-up rarely read the log back from disk. Default 8 MiB.
	EntryCacheSize uint64
	// NoHibernate keeps every region ticking. By default an idle region hibernates (raft's
	// Config.Hibernate): once its leader has nothing in flight the whole group stops
	// ticking and heartbeating until a proposal, a read, a message, a conf change or a
	// transfer wakes it, so idle regions cost no CPU. Every store of a cluster should use
	// the same setting (a store with NoHibernate keeps its regions' leaders awake).
	NoHibernate bool
	// LeaderCheckInterval is how often a store checks that the leaders of its quiet
	// regions are still there: per store leading some of them, one such follower sends
	// its leader a wake-up. A live leader heartbeats once and sleeps again; if nothing
	// comes back from that store within an election timeout, every follower here of that
	// store's leaders wakes, and they elect if the leader is really gone. Default 10
	// election timeouts (10s with the default tick).
	LeaderCheckInterval time.Duration
	// Logger receives diagnostics; nil uses slog.Default().
	Logger *slog.Logger

	// IDAllocator hands out the region and peer ids of a split. Nil turns the split checker
	// off (regions then split only when a caller proposes it with Store.Split).
	IDAllocator IDAllocator
	// RegionSplitSize: a led region whose approximate size (key+value bytes) passes it is
	// split at its middle key. Default 96 MiB; tests use a few hundred bytes.
	RegionSplitSize uint64
	// SplitCheckInterval is how often the leader compares its regions' sizes with
	// RegionSplitSize. Default 10s.
	SplitCheckInterval time.Duration
	// Reporter receives a heartbeat for every region this store leads, every
	// ReportInterval and after each membership change, split or leadership change. Nil: none.
	Reporter RegionReporter
	// ReportInterval is the periodic region heartbeat period. Default 10s.
	ReportInterval time.Duration
}

func (c *Config) withDefaults() (Config, error) {
	out := *c
	if out.StoreID == 0 {
		return out, errors.New("raftstore: Config.StoreID must not be 0")
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def64 := func(v *uint64, d uint64) {
		if *v == 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	defDur(&out.TickInterval, 100*time.Millisecond)
	def(&out.ElectionTicks, 10)
	def(&out.HeartbeatTicks, 2)
	def64(&out.RaftLogGCCountLimit, 10000)
	def64(&out.RaftLogGCSizeLimit, 32<<20)
	defDur(&out.RaftLogGCTickInterval, time.Second)
	def64(&out.MaxUncommittedSize, 16<<20)
	def64(&out.MaxCommittedSizePerReady, 4<<20)
	def64(&out.MaxSizePerMsg, 1<<20)
	def(&out.MaxInflightMsgs, 256)
	defDur(&out.ProposalTimeout, 10*time.Second)
	def(&out.MaxPendingProposals, 20000)
	def64(&out.MaxSnapshotSize, 256<<20)
	def64(&out.MaxEntrySize, 8<<20)
	def64(&out.EntryCacheSize, 8<<20)
	def64(&out.RegionSplitSize, 96<<20)
	defDur(&out.SplitCheckInterval, 10*time.Second)
	defDur(&out.ReportInterval, 10*time.Second)
	defDur(&out.LeaderCheckInterval, 10*time.Duration(out.ElectionTicks)*out.TickInterval)
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	switch {
	case out.TickInterval < 0 || out.RaftLogGCTickInterval < 0 || out.ProposalTimeout < 0 ||
		out.SplitCheckInterval < 0 || out.ReportInterval < 0 || out.LeaderCheckInterval < 0:
		return out, errors.New("raftstore: Config durations must not be negative")
	case out.HeartbeatTicks < 0 || out.ElectionTicks <= out.HeartbeatTicks:
		return out, errors.New("raftstore: Config.ElectionTicks must exceed HeartbeatTicks (both > 0)")
	case out.MaxInflightMsgs < 0 || out.MaxPendingProposals < 0:
		return out, errors.New("raftstore: Config limits must not be negative")
	}
	return out, nil
}
