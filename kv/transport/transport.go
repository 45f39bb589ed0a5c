// Package transport carries raft messages between TinyKV stores over gRPC; it is the
// raftstore's Transport in a real deployment.
//
// Each destination store gets, on first use, a connection, a bounded send queue and one
// goroutine that keeps a long-lived BatchRaft client stream open and writes the queue into
// it: whatever is queued when the goroutine wakes goes out as one BatchRaftMessage (bounded
// by Config.BatchMessages and BatchBytes), so a round of raft traffic to a store costs one
// frame and usually one socket write.
// Send never blocks on the network: a full queue is an error, and messages that cannot be
// delivered (peer down, stream broken) are reported through Reporter.ReportUnreachable so
// raft can probe the peer instead of streaming into the void. When the stream breaks the
// goroutine reconnects with exponential backoff.
//
// A message carrying a snapshot goes on its own Snapshot stream, cut into chunks; gRPC
// flow control paces it to what the receiver takes, and Reporter.ReportSnapshotStatus
// says how it ended.
package transport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/server/snapchunk"
	"google.golang.org/grpc"
)

// Reporter learns about messages that did not arrive; *raftstore.Store satisfies it. Its
// methods are called from the transport's goroutines, never from inside Send.
type Reporter interface {
	ReportUnreachable(regionID, toPeerID uint64)
	ReportSnapshotStatus(regionID, toPeerID uint64, ok bool)
}

// Resolver maps a store id to its address (host:port).
type Resolver func(storeID uint64) (addr string, ok bool)

// StaticResolver resolves from a fixed map (a static cluster).
func StaticResolver(addrs map[uint64]string) Resolver {
	m := make(map[uint64]string, len(addrs))
	for id, a := range addrs {
		m[id] = a
	}
	return func(id uint64) (string, bool) {
		a, ok := m[id]
		return a, ok
	}
}

// Config configures a Transport. Zero fields take the defaults named.
type Config struct {
	Resolver Resolver // required
	// QueueSize bounds the messages waiting per destination store; default 4096.
	QueueSize int
	// QueueBytes bounds the approximate bytes waiting per destination store; default 64 MiB.
	QueueBytes int64
	// SnapshotChunkSize is the data per Snapshot stream message; default 1 MiB.
	SnapshotChunkSize int
	// MaxSnapshotsInFlight bounds concurrent snapshot sends per destination; default 2.
	MaxSnapshotsInFlight int
	// SnapshotTimeout bounds one snapshot send; default 10 minutes.
	SnapshotTimeout time.Duration
	// DialTimeout bounds waiting for a connection to become ready; default 3 s.
	DialTimeout time.Duration
	// BackoffBase and BackoffMax pace reconnection attempts; defaults 50 ms and 2 s.
	BackoffBase, BackoffMax time.Duration
	// MaxMsgSize bounds one outgoing gRPC message; default 32 MiB (the server's default
	// receive limit).
	MaxMsgSize int
	// BatchMessages and BatchBytes bound one BatchRaft stream message: at most this many
	// raft messages and about this many bytes (a single larger message goes alone);
	// defaults 256 and 4 MiB. BatchMessages is capped at server.MaxBatchRaftMessages. BatchBytes must stay well below the receiver's gRPC limit
	// (MaxMsgSize), since sizes are estimated.
	BatchMessages int
	BatchBytes    int64
	// WindowSize and ConnWindowSize are gRPC's flow-control windows for a stream and for
	// the whole connection; defaults 1 MiB and 8 MiB. Fixed windows turn off gRPC's
	// bandwidth probing, which otherwise adds a window update and a ping (and the peer's
	// ping ack) to nearly every message received.
	WindowSize, ConnWindowSize int32
	// DialOptions are added after the transport's own.
	DialOptions []grpc.DialOption
	// Logf receives diagnostics; nil discards them.
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() (Config, error) {
	if c.Resolver == nil {
		return c, errors.New("transport: Config.Resolver is required")
	}
	setInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	setDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	setInt(&c.QueueSize, 4096)
	if c.QueueBytes <= 0 {
		c.QueueBytes = 64 << 20
	}
	setInt(&c.SnapshotChunkSize, snapchunk.DefaultChunkSize)
	setInt(&c.MaxSnapshotsInFlight, 2)
	setInt(&c.MaxMsgSize, 32<<20)
	setInt(&c.BatchMessages, 256)
	c.BatchMessages = min(c.BatchMessages, server.MaxBatchRaftMessages) // the receiver drops larger batches
	if c.BatchBytes <= 0 {
		c.BatchBytes = 4 << 20
	}
	if c.BatchBytes > int64(c.MaxMsgSize)/4 {
		c.BatchBytes = int64(c.MaxMsgSize) / 4 // room for underestimated sizes
	}
	if c.WindowSize <= 0 {
		c.WindowSize = 1 << 20
	}
	if c.ConnWindowSize <= 0 {
		c.ConnWindowSize = 8 << 20
	}
	setDur(&c.SnapshotTimeout, 10*time.Minute)
	setDur(&c.DialTimeout, 3*time.Second)
	setDur(&c.BackoffBase, 50*time.Millisecond)
	setDur(&c.BackoffMax, 2*time.Second)
	if c.BackoffMax < c.BackoffBase {
		c.BackoffMax = c.BackoffBase
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return c, nil
}

// Transport sends raft messages to other stores. It is safe for concurrent use.
type Transport struct {
	cfg      Config
	reporter atomic.Pointer[Reporter]

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	stores map[uint64]*storeConn
	closed bool
}

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("transport: closed")

// New returns a Transport; call SetReporter before the first Send.
func New(cfg Config) (*Transport, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Transport{cfg: c, ctx: ctx, cancel: cancel, stores: map[uint64]*storeConn{}}, nil
}

// SetReporter sets who hears about failed deliveries (the store, which is built after
// its transport).
func (t *Transport) SetReporter(r Reporter) { t.reporter.Store(&r) }

func (t *Transport) reportUnreachable(regionID, toPeerID uint64) {
	if r := t.reporter.Load(); r != nil {
		(*r).ReportUnreachable(regionID, toPeerID)
	}
}

func (t *Transport) reportSnapshot(regionID, toPeerID uint64, ok bool) {
	if r := t.reporter.Load(); r != nil {
		(*r).ReportSnapshotStatus(regionID, toPeerID, ok)
	}
}

// Send queues msg for msg.ToPeer.StoreId without blocking. An error means the message
// was not queued: unknown store, full queue, too many snapshots in flight, or closed.
// msg must not be modified after Send.
func (t *Transport) Send(msg *raftserverpb.RaftMessage) error {
	storeID := msg.GetToPeer().GetStoreId()
	sc, err := t.store(storeID)
	if err != nil {
		return err
	}
	if snapchunk.IsSnapshot(msg) {
		return sc.sendSnapshot(msg)
	}
	return sc.enqueue(msg)
}

// store returns the connection state of storeID, creating it (and its sender goroutine)
// on first use.
func (t *Transport) store(storeID uint64) (*storeConn, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, ErrClosed
	}
	if sc := t.stores[storeID]; sc != nil {
		return sc, nil
	}
	if _, ok := t.cfg.Resolver(storeID); !ok {
		return nil, fmt.Errorf("transport: no address for store %d", storeID)
	}
	sc := &storeConn{t: t, storeID: storeID,
		queue: make(chan *raftserverpb.RaftMessage, t.cfg.QueueSize),
		snaps: make(chan struct{}, t.cfg.MaxSnapshotsInFlight)}
	t.stores[storeID] = sc
	t.wg.Add(1)
	go sc.run()
	return sc, nil
}

// Close stops every sender, abandons queued messages and snapshot sends in flight, and
// closes the connections. Safe to call twice.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.mu.Unlock()
	t.cancel()
	t.wg.Wait()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, sc := range t.stores {
		sc.closeConn()
	}
	return nil
}

// approxSize estimates a message's wire size cheaply (entry payloads dominate); 0 for nil.
func approxSize(m *raftserverpb.RaftMessage) int64 {
	if m == nil {
		return 0
	}
	n := int64(128 + len(m.GetStartKey()) + len(m.GetEndKey()))
	for _, e := range m.GetMessage().GetEntries() {
		n += int64(len(e.GetData())) + 24
	}
	return n + int64(len(m.GetMessage().GetContext()))
}
