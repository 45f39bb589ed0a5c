// Package server is TinyKV's gRPC service: the raw and transactional (Percolator, through one
// kv/txn Executor) key-value APIs over a storage.Storage (standalone or raftstore) and the
// store-to-store Raft and Snapshot streams, which it hands to a RaftHandler (the raftstore).
//
// Requests are validated before they reach the storage; a bad raw request gets its response's
// error field naming the field at fault, a bad transactional one a gRPC InvalidArgument. Routing and leadership failures from the storage
// (*storage.RegionError) go into region_error so a client can retry elsewhere.
package server

import (
	"sync"
	"sync/atomic"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/storage"
	"github.com/gee-project/gee/kv/txn"
)

// RaftHandler takes raft messages that arrived from other stores. *raftstore.Store
// satisfies it. It must not block on the network.
type RaftHandler interface {
	OnRaftMessage(msg *raftserverpb.RaftMessage) error
}

// Limits bound what one request may carry. Zero fields take the defaults below.
type Limits struct {
	MaxKeySize      int    // bytes per key; default 8 KiB
	MaxValueSize    int    // bytes per value; default 8 MiB
	MaxScanLimit    uint32 // pairs per RawScan, KvScan or KvScanLock; default 10,000 (a larger limit is rejected)
	MaxScanBytes    int    // key+value bytes per RawScan or KvScan response; default 16 MiB (the scan stops early)
	MaxBatchKeys    int    // keys or pairs per batch request (raw batches, KvBatchGet, KvPrewrite, KvCommit, ...); default 10,000
	MaxBatchBytes   int    // key+value bytes per RawBatchPut or KvPrewrite request, RawBatchGet or KvBatchGet response; default 16 MiB
	MaxSnapshotSize uint64 // bytes of snapshot data per Snapshot stream; default 1 GiB
	// MaxRaftEntrySize bounds one entry's data in a raft message from a peer; default
	// 24 MiB, above the largest command a valid request makes (MaxBatchBytes plus framing).
	MaxRaftEntrySize int
}

// Default limits.
const (
	DefaultMaxKeySize       = 8 << 10
	DefaultMaxValueSize     = 8 << 20
	DefaultMaxScanLimit     = 10_000
	DefaultMaxScanBytes     = 16 << 20
	DefaultMaxBatchKeys     = 10_000
	DefaultMaxBatchBytes    = 16 << 20
	DefaultMaxSnapshotSize  = 1 << 30
	DefaultMaxRaftEntrySize = 24 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxKeySize <= 0 {
		l.MaxKeySize = DefaultMaxKeySize
	}
	if l.MaxValueSize <= 0 {
		l.MaxValueSize = DefaultMaxValueSize
	}
	if l.MaxScanLimit == 0 {
		l.MaxScanLimit = DefaultMaxScanLimit
	}
	if l.MaxScanBytes <= 0 {
		l.MaxScanBytes = DefaultMaxScanBytes
	}
	if l.MaxBatchKeys <= 0 {
		l.MaxBatchKeys = DefaultMaxBatchKeys
	}
	if l.MaxBatchBytes <= 0 {
		l.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if l.MaxRaftEntrySize <= 0 {
		l.MaxRaftEntrySize = DefaultMaxRaftEntrySize
	}
	if l.MaxSnapshotSize == 0 {
		l.MaxSnapshotSize = DefaultMaxSnapshotSize
	}
	return l
}

// Logf prints one diagnostic line; log.Printf fits.
type Logf func(format string, args ...any)

// Server implements tinykvpb.TinyKvServer.
type Server struct {
	tinykvpb.UnimplementedTinyKvServer

	st   storage.Storage
	txn  *txn.Executor // one per server: every transactional command shares its latches
	raft RaftHandler
	lim  Limits
	logf Logf

	stats counters

	inflight atomic.Int64  // unary calls being served
	quit     chan struct{} // closed by StopPeerStreams
	quitOnce sync.Once
}

type counters struct {
	raftDelivered, raftRejected atomic.Uint64
	snapDelivered, snapRejected atomic.Uint64
	kvRequests, txnCommits      atomic.Uint64
}

// Stats counts peer traffic and client requests since the server was created, for tests,
// metrics and the store heartbeat (kv/schedlink Config.Counters).
type Stats struct {
	RaftDelivered     uint64 // raft messages handed to the RaftHandler and accepted
	RaftRejected      uint64 // raft messages dropped: invalid, or refused by the handler
	SnapshotDelivered uint64 // snapshot streams reassembled and accepted
	SnapshotRejected  uint64 // snapshot streams dropped: invalid, truncated, too large, refused
	// KVRequests counts the KV RPCs (Raw*, Kv*) received through NewGRPCServer's server, answered
	// or failed; calls made on the Server directly, not through gRPC, are not counted.
	KVRequests uint64
	// TxnCommits counts KvCommit calls that committed (primary or secondary batches alike: a
	// transaction over several regions counts once per region; a retried commit of keys already
	// committed counts again) plus KvPrewrite calls that committed in one phase. Commits done by
	// KvResolveLock on behalf of another transaction are not counted.
	TxnCommits uint64
}

// New returns a server over st. raft may be nil (standalone mode): the Raft and Snapshot
// streams then answer Unimplemented. logf may be nil (no logging).
func New(st storage.Storage, raft RaftHandler, lim Limits, logf Logf) *Server {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Server{st: st, txn: txn.New(st), raft: raft, lim: lim.withDefaults(), logf: logf, quit: make(chan struct{})}
}

// Limits returns the limits in force (defaults filled in).
func (s *Server) Limits() Limits { return s.lim }

// Stats returns the counters.
func (s *Server) Stats() Stats {
	return Stats{
		RaftDelivered:     s.stats.raftDelivered.Load(),
		RaftRejected:      s.stats.raftRejected.Load(),
		SnapshotDelivered: s.stats.snapDelivered.Load(),
		SnapshotRejected:  s.stats.snapRejected.Load(),
		KVRequests:        s.stats.kvRequests.Load(),
		TxnCommits:        s.stats.txnCommits.Load(),
	}
}
