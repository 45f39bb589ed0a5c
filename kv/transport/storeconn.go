package transport

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/server/snapchunk"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// storeConn is everything the transport keeps for one destination store.
type storeConn struct {
	t       *Transport
	storeID uint64
	queue   chan *raftserverpb.RaftMessage
	bytes   atomic.Int64  // approximate bytes in queue
	snaps   chan struct{} // semaphore of snapshot sends in flight
	// held is a message taken off the queue that did not fit the last batch; only the
	// run goroutine touches it.
	held *raftserverpb.RaftMessage

	mu   sync.Mutex
	cc   *grpc.ClientConn
	addr string
}

func (sc *storeConn) enqueue(msg *raftserverpb.RaftMessage) error {
	size := approxSize(msg)
	if sc.bytes.Add(size) > sc.t.cfg.QueueBytes {
		sc.bytes.Add(-size)
		return fmt.Errorf("transport: send queue to store %d is full (%d bytes)", sc.storeID, sc.t.cfg.QueueBytes)
	}
	select {
	case sc.queue <- msg:
		return nil
	default:
		sc.bytes.Add(-size)
		return fmt.Errorf("transport: send queue to store %d is full (%d messages)", sc.storeID, cap(sc.queue))
	}
}

// took removes a message taken off the queue from the queue's byte count and returns
// its approximate size.
func (sc *storeConn) took(msg *raftserverpb.RaftMessage) int64 {
	n := approxSize(msg)
	sc.bytes.Add(-n)
	return n
}

// run keeps a Raft stream to the store open and writes the queue into it until the
// transport closes.
func (sc *storeConn) run() {
	defer sc.t.wg.Done()
	ctx := sc.t.ctx
	delay := sc.t.cfg.BackoffBase
	for ctx.Err() == nil {
		stream, err := sc.openRaftStream(ctx)
		if err == nil {
			delay = sc.t.cfg.BackoffBase
			err = sc.pump(ctx, stream)
		}
		if ctx.Err() != nil {
			return
		}
		sc.t.cfg.Logf("transport: store %d: %v; reconnecting in %v", sc.storeID, err, delay)
		sc.failFor(ctx, delay)
		delay = min(2*delay, sc.t.cfg.BackoffMax)
	}
}

// failFor waits d, reporting every message queued meanwhile as unreachable: while the
// store is down raft should probe it, not pile messages up.
func (sc *storeConn) failFor(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	failed := map[[2]uint64]bool{}
	fail := func(m *raftserverpb.RaftMessage) {
		sc.took(m)
		k := [2]uint64{m.GetRegionId(), m.GetToPeer().GetId()}
		if !failed[k] {
			failed[k] = true
			sc.t.reportUnreachable(k[0], k[1])
		}
	}
	if sc.held != nil {
		k := [2]uint64{sc.held.GetRegionId(), sc.held.GetToPeer().GetId()}
		failed[k] = true
		sc.t.reportUnreachable(k[0], k[1])
		sc.held = nil
	}
	for {
		select {
		case m := <-sc.queue:
			fail(m)
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// pump sends queued messages on stream until it fails or ctx ends. Whatever is queued
// when the sender wakes goes out as one BatchRaftMessage (bounded by BatchMessages and
// BatchBytes): one frame, one proto encoding and usually one socket write per round of
// raft traffic instead of one per message. While a Send waits for flow control, the
// queue fills and the next batch grows.
func (sc *storeConn) pump(ctx context.Context, stream tinykvpb.TinyKv_BatchRaftClient) error {
	batch := &raftserverpb.BatchRaftMessage{}
	for {
		m, size := sc.held, approxSize(sc.held)
		sc.held = nil
		if m == nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case m = <-sc.queue:
				size = sc.took(m)
			}
		}
		batch.Msgs = sc.fill(append(batch.Msgs[:0], m), size)
		if err := stream.Send(batch); err != nil {
			sc.reportBatch(batch.Msgs)
			_, rerr := stream.CloseAndRecv() // the stream's real status
			if rerr == nil {
				rerr = err
			}
			return fmt.Errorf("raft stream broke: %w", rerr)
		}
		clear(batch.Msgs) // let the sent messages be collected
	}
}

// fill appends queued messages to msgs without waiting, while the batch stays within
// the count and byte bounds (a first message over the byte bound still goes, alone).
func (sc *storeConn) fill(msgs []*raftserverpb.RaftMessage, size int64) []*raftserverpb.RaftMessage {
	for len(msgs) < sc.t.cfg.BatchMessages {
		select {
		case m := <-sc.queue:
			n := sc.took(m)
			if size+n > sc.t.cfg.BatchBytes {
				sc.held = m // starts the next batch
				return msgs
			}
			msgs, size = append(msgs, m), size+n
		default:
			return msgs
		}
	}
	return msgs
}

// reportBatch reports every region and peer of a batch that was not sent as unreachable,
// once each.
func (sc *storeConn) reportBatch(msgs []*raftserverpb.RaftMessage) {
	seen := make(map[[2]uint64]bool, 2)
	for _, m := range msgs {
		k := [2]uint64{m.GetRegionId(), m.GetToPeer().GetId()}
		if !seen[k] {
			seen[k] = true
			sc.t.reportUnreachable(k[0], k[1])
		}
	}
}

// conn returns the connection to the store's current address.
func (sc *storeConn) conn() (*grpc.ClientConn, error) {
	addr, ok := sc.t.cfg.Resolver(sc.storeID)
	if !ok {
		return nil, fmt.Errorf("no address for store %d", sc.storeID)
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.cc != nil && sc.addr == addr {
		return sc.cc, nil
	}
	if sc.cc != nil {
		sc.cc.Close()
	}
	opts := append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(sc.t.cfg.MaxMsgSize)),
		grpc.WithInitialWindowSize(sc.t.cfg.WindowSize),
		grpc.WithInitialConnWindowSize(sc.t.cfg.ConnWindowSize),
		// Pings find a vanished peer whose TCP connection never reset; the server
		// permits this rate (kv/server DefaultKeepaliveMinTime is 5 s).
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 10 * time.Second, Timeout: 3 * time.Second, PermitWithoutStream: true}),
		// gRPC's own reconnect backoff grows to 120 s by default: a restarted peer would
		// stay cut off that long. Cap it like the transport's.
		grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: sc.t.cfg.DialTimeout,
			Backoff: backoff.Config{BaseDelay: sc.t.cfg.BackoffBase, Multiplier: 1.6, Jitter: 0.2, MaxDelay: sc.t.cfg.BackoffMax}}),
	}, sc.t.cfg.DialOptions...)
	cc, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	sc.cc, sc.addr = cc, addr
	return cc, nil
}

func (sc *storeConn) closeConn() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.cc != nil {
		sc.cc.Close()
		sc.cc = nil
	}
}

// ready returns a client once the connection is up, or an error after DialTimeout.
func (sc *storeConn) ready(ctx context.Context) (tinykvpb.TinyKvClient, error) {
	cc, err := sc.conn()
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, sc.t.cfg.DialTimeout)
	defer cancel()
	cc.Connect()
	for s := cc.GetState(); s != connectivity.Ready; s = cc.GetState() {
		if s == connectivity.TransientFailure {
			// The last attempt failed; say so now rather than after DialTimeout, so
			// queued messages are reported unreachable promptly.
			return nil, fmt.Errorf("store %d at %s not reachable", sc.storeID, sc.addr)
		}
		if !cc.WaitForStateChange(dctx, s) {
			return nil, fmt.Errorf("store %d at %s not reachable within %v (state %v)", sc.storeID, sc.addr, sc.t.cfg.DialTimeout, s)
		}
	}
	return tinykvpb.NewTinyKvClient(cc), nil
}

func (sc *storeConn) openRaftStream(ctx context.Context) (tinykvpb.TinyKv_BatchRaftClient, error) {
	kv, err := sc.ready(ctx)
	if err != nil {
		return nil, err
	}
	return kv.BatchRaft(ctx)
}

// sendSnapshot starts streaming msg's snapshot in the background.
func (sc *storeConn) sendSnapshot(msg *raftserverpb.RaftMessage) error {
	chunks, err := snapchunk.Split(msg, sc.t.cfg.SnapshotChunkSize)
	if err != nil {
		return err
	}
	select {
	case sc.snaps <- struct{}{}:
	default:
		return fmt.Errorf("transport: %d snapshots to store %d already in flight", cap(sc.snaps), sc.storeID)
	}
	sc.t.mu.Lock()
	if sc.t.closed {
		sc.t.mu.Unlock()
		<-sc.snaps
		return ErrClosed
	}
	sc.t.wg.Add(1)
	sc.t.mu.Unlock()
	go func() {
		defer sc.t.wg.Done()
		defer func() { <-sc.snaps }()
		err := sc.streamSnapshot(chunks)
		if err != nil {
			sc.t.cfg.Logf("transport: snapshot of region %d to store %d failed: %v", msg.GetRegionId(), sc.storeID, err)
		}
		sc.t.reportSnapshot(msg.GetRegionId(), msg.GetToPeer().GetId(), err == nil)
	}()
	return nil
}

// streamSnapshot sends chunks on one Snapshot stream; Send blocks while the receiver's
// flow-control window is full, which is the backpressure.
func (sc *storeConn) streamSnapshot(chunks []*raftserverpb.SnapshotChunk) error {
	ctx, cancel := context.WithTimeout(sc.t.ctx, sc.t.cfg.SnapshotTimeout)
	defer cancel() // on any early return this also tells the receiver the stream is truncated
	kv, err := sc.ready(ctx)
	if err != nil {
		return err
	}
	stream, err := kv.Snapshot(ctx)
	if err != nil {
		return err
	}
	for _, c := range chunks {
		if err := stream.Send(c); err != nil {
			_, rerr := stream.CloseAndRecv()
			if rerr == nil {
				rerr = err
			}
			return rerr
		}
	}
	_, err = stream.CloseAndRecv()
	return err
}
