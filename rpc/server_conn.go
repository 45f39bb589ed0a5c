package rpc

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/rpc/codec"
	"github.com/gee-project/gee/rpc/protocol"
)

// serverConn is one client connection: a read loop that decodes requests
// and a goroutine per call that writes the reply.
type serverConn struct {
	s     *Server
	c     io.ReadWriteCloser
	codec codec.Codec
	gzip  bool
	fw    frameWriter

	mu       sync.Mutex
	inflight map[uint64]context.CancelFunc
	streams  map[uint64]*Stream
	calls    atomic.Int64 // calls in flight on this connection
	closed   atomic.Bool
	rd       readDeadliner        // nil when the transport has no deadlines
	tls      *tls.ConnectionState // set once a TLS handshake verified a client certificate

	idleUntil time.Time    // read deadline armed for idleness; zero when another is set
	lastFrame time.Time    // when the last frame began arriving
	lastDone  atomic.Int64 // Unix nanoseconds when a call last finished
}

// readDeadliner is the part of net.Conn the timeouts need.
type readDeadliner interface{ SetReadDeadline(time.Time) error }

func newServerConn(s *Server, c io.ReadWriteCloser) *serverConn {
	sc := &serverConn{s: s, c: c, fw: frameWriter{w: c, timeout: s.lim.write}, inflight: map[uint64]context.CancelFunc{}, streams: map[uint64]*Stream{}}
	sc.rd, _ = c.(readDeadliner)
	return sc
}

func (sc *serverConn) close() {
	if sc.closed.CompareAndSwap(false, true) {
		sc.c.Close()
	}
}

// warn logs a connection problem with the peer's address.
func (sc *serverConn) warn(msg string, args ...any) {
	if sc.closed.Load() || sc.s.closing.Load() {
		return // errors caused by our own close are not news
	}
	addr := "conn"
	if nc, ok := sc.c.(net.Conn); ok {
		addr = nc.RemoteAddr().String()
	}
	sc.s.log.Warn(msg, append([]any{"remote", addr}, args...)...)
}

func (sc *serverConn) serve() {
	defer sc.shutdownCalls()
	defer sc.close()
	br := bufio.NewReaderSize(sc.c, 16<<10)
	sc.setReadDeadline(deadline(sc.s.lim.handshake))
	opt, err := protocol.ReadOption(br)
	sc.lastFrame = time.Now()
	if err != nil {
		sc.warn("geerpc: bad handshake", "err", err)
		return
	}
	if sc.codec, err = codec.Get(opt.Codec); err != nil {
		sc.warn("geerpc: bad handshake", "err", err)
		return
	}
	sc.gzip = opt.Compress == protocol.CompressGzip
	if tc, ok := sc.c.(*tls.Conn); ok {
		if st := tc.ConnectionState(); len(st.PeerCertificates) > 0 {
			sc.tls = &st
		}
	}
	var buf []byte
	for {
		if err = sc.awaitFrame(br); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.Is(err, errIdle) {
				sc.warn("geerpc: closing connection", "err", err)
			}
			return
		}
		buf, err = protocol.ReadFrame(br, buf, sc.s.maxFrame)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				sc.warn("geerpc: closing connection", "err", err)
			}
			return
		}
		if err := sc.handleFrame(buf); err != nil {
			sc.warn("geerpc: closing connection", "err", err)
			return
		}
		if cap(buf) > 64<<10 {
			buf = nil // do not pin a rare huge frame's buffer
		}
	}
}

var errIdle = errors.New("idle timeout")

func (sc *serverConn) setReadDeadline(t time.Time) {
	if sc.rd != nil {
		_ = sc.rd.SetReadDeadline(t)
	}
}

// awaitFrame waits for the next frame's first byte under the idle timeout
// (re-armed while calls are in flight: a long call is not idleness), then
// arms the frame timeout unless the whole frame is already buffered.
// Setting a deadline costs a timer update, so a busy connection re-arms the
// idle deadline only once half of it has passed; when it fires, the time
// since the last frame decides whether the connection really was idle.
func (sc *serverConn) awaitFrame(br *bufio.Reader) error {
	if sc.rd == nil {
		return nil
	}
	idle := sc.s.lim.idle
	if br.Buffered() == 0 {
		for {
			if now := time.Now(); idle > 0 && now.Add(idle/2).After(sc.idleUntil) {
				sc.idleUntil = now.Add(idle)
				sc.setReadDeadline(sc.idleUntil)
			} else if idle <= 0 && !sc.idleUntil.IsZero() {
				sc.idleUntil = time.Time{}
				sc.setReadDeadline(time.Time{})
			}
			_, err := br.Peek(1)
			if err == nil {
				break
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				return err
			}
			if sc.calls.Load() == 0 && sc.silentFor() >= idle {
				return errIdle
			}
			sc.idleUntil = time.Time{} // expired: re-arm
		}
		sc.lastFrame = time.Now()
	}
	if p, _ := br.Peek(min(4, br.Buffered())); len(p) == 4 && int(binary.BigEndian.Uint32(p))+4 <= br.Buffered() {
		return nil // already here: no timer needed
	}
	sc.idleUntil = time.Time{} // the frame deadline replaces the idle one
	sc.setReadDeadline(deadline(sc.s.lim.frame))
	return nil
}

// silentFor is how long the connection has had neither a frame nor a call
// in flight.
func (sc *serverConn) silentFor() time.Duration {
	last := sc.lastFrame
	if done := time.Unix(0, sc.lastDone.Load()); done.After(last) {
		last = done
	}
	return time.Since(last)
}

// shutdownCalls cancels calls still running when the connection goes away.
func (sc *serverConn) shutdownCalls() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, cancel := range sc.inflight {
		cancel()
	}
}

func (sc *serverConn) handleFrame(p []byte) error {
	f, err := protocol.ParseFrame(p)
	if err != nil {
		return err
	}
	switch f.Kind {
	case protocol.KindCancel:
		sc.mu.Lock()
		cancel := sc.inflight[f.Seq]
		sc.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		return nil
	case protocol.KindRequest:
		// Counted from here until its reply is written, so Shutdown
		// cannot close the connection between handler and reply.
		total, mine := sc.s.active.Add(1), sc.calls.Add(1)
		switch {
		case sc.s.closing.Load():
			sc.reply(f.Seq, ErrServerShuttingDown.Error(), nil)
		case over(total, sc.s.lim.maxCalls) || over(mine, sc.s.lim.perConn):
			sc.reply(f.Seq, ErrServerOverloaded.Error(), nil)
		case f.Flags&protocol.FlagStream != 0 && sc.startStream(&f):
			return nil
		case f.Flags&protocol.FlagStream == 0 && sc.startCall(&f):
			return nil
		}
		sc.calls.Add(-1)
		sc.s.active.Add(-1)
		return nil
	case protocol.KindStreamMsg, protocol.KindStreamEnd, protocol.KindWindow:
		return sc.streamFrame(&f, len(p))
	default:
		return fmt.Errorf("unexpected frame kind %d from client", f.Kind)
	}
}

// startCall decodes a request in the read loop (so the buffer can be
// reused) and runs the method on a worker; false means it was answered
// at once with an error.
func (sc *serverConn) startCall(f *protocol.Frame) bool {
	m := sc.s.lookup(f.Method)
	if m == nil {
		sc.reply(f.Seq, fmt.Sprintf("rpc: can't find method %q", f.Method), nil)
		return false
	}
	if m.stream {
		sc.reply(f.Seq, fmt.Sprintf("rpc: %s is a streaming method; open it with NewStream", f.Method), nil)
		return false
	}
	body := f.Body
	if f.Flags&protocol.FlagGzip != 0 {
		var err error
		if body, err = gunzip(body, sc.s.maxFrame); err != nil {
			sc.reply(f.Seq, err.Error(), nil)
			return false
		}
	}
	argp := m.newArgs()
	if err := sc.codec.Unmarshal(body, argp.Interface()); err != nil {
		sc.reply(f.Seq, fmt.Sprintf("rpc: decoding arguments of %s.%s: %v", m.service, m.name, err), nil)
		return false
	}
	ctx, cancel := sc.callContext(f)
	sc.s.run(job{sc: sc, m: m, argp: argp, ctx: ctx, cancel: cancel, seq: f.Seq})
	return true
}

// finish runs a decoded call and replies.
func (sc *serverConn) finish(j *job) {
	replyp := j.m.newReply()
	err := sc.s.invoke(j.ctx, j.m, j.m.full, j.argp, replyp)
	sc.mu.Lock()
	delete(sc.inflight, j.seq)
	sc.mu.Unlock()
	j.cancel()
	if err != nil {
		sc.reply(j.seq, err.Error(), nil)
	} else {
		sc.reply(j.seq, "", replyp.Interface())
	}
	sc.callDone()
}

func (sc *serverConn) callDone() {
	if sc.s.lim.idle > 0 {
		sc.lastDone.Store(time.Now().UnixNano())
	}
	sc.calls.Add(-1)
	sc.s.active.Add(-1)
}

func (sc *serverConn) callContext(f *protocol.Frame) (context.Context, context.CancelFunc) {
	var ctx context.Context
	var cancel context.CancelFunc
	if f.Deadline != 0 {
		ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, f.Deadline))
	} else {
		ctx, cancel = context.WithCancel(context.Background())
	}
	if f.MetaN > 0 {
		ctx = context.WithValue(ctx, metaKey{}, Metadata(protocol.ParseMeta(f)))
	}
	if sc.tls != nil {
		ctx = context.WithValue(ctx, tlsKey{}, sc.tls)
	}
	sc.mu.Lock()
	sc.inflight[f.Seq] = cancel
	sc.mu.Unlock()
	return ctx, cancel
}

// reply writes a response frame; an empty errMsg means success with body
// reply. Replies never wait to batch (measured: it lengthened the latency tail);
// they batch naturally while another reply's write is in progress.
func (sc *serverConn) reply(seq uint64, errMsg string, reply any) {
	h := protocol.Header{Kind: protocol.KindResponse, Seq: seq, Error: errMsg}
	err := sc.fw.put(&h, sc.codec, reply, sc.gzip, false)
	if err == nil {
		return
	}
	var ee encodeError
	if errors.As(err, &ee) {
		h = protocol.Header{Kind: protocol.KindResponse, Seq: seq, Error: "rpc: encoding reply: " + ee.Error()}
		err = sc.fw.put(&h, nil, nil, false, false)
	}
	if err != nil {
		sc.close()
	}
}
