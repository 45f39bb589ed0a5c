package rpc

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/rpc/codec"
	"github.com/gee-project/gee/rpc/protocol"
)

// call is one pending request; pooled, with a reusable done channel.
type call struct {
	reply any
	err   error
	done  chan struct{}
}

var callPool = sync.Pool{New: func() any { return &call{done: make(chan struct{}, 1)} }}

type clientConn struct {
	nc       net.Conn
	codec    codec.Codec
	gzip     bool
	maxFrame int

	fw frameWriter

	mu      sync.Mutex
	seq     uint64
	pending map[uint64]*call
	streams map[uint64]*Stream
	err     error // non-nil once broken
	isDead  atomic.Bool
}

func (c *Client) connect(ctx context.Context) (*clientConn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.timeout)
	defer cancel()
	d := net.Dialer{}
	raw, err := d.DialContext(ctx, c.network, c.addr)
	if err != nil {
		return nil, fmt.Errorf("rpc: dial %s: %w", c.addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(dl) // handshakes share the connect timeout
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	nc, err := c.handshake(ctx, raw)
	if !stop() {
		err = errors.Join(err, ctx.Err()) // the deadline was poisoned; the conn is unusable
	}
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf("rpc: connect %s: %w", c.addr, err)
	}
	_ = raw.SetDeadline(time.Time{})
	cc := &clientConn{nc: nc, codec: c.codec, gzip: c.opts.gzip, maxFrame: c.opts.maxFrame,
		fw: frameWriter{w: nc}, pending: map[uint64]*call{}, streams: map[uint64]*Stream{}}
	go cc.readLoop()
	return cc, nil
}

// handshake runs TLS, HTTP CONNECT and the option header on a fresh conn.
func (c *Client) handshake(ctx context.Context, nc net.Conn) (net.Conn, error) {
	if c.opts.tls != nil {
		tc := tls.Client(nc, c.opts.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nc, err
		}
		nc = tc
	}
	if c.opts.httpPath != "" {
		if _, err := io.WriteString(nc, "CONNECT "+c.opts.httpPath+" HTTP/1.0\r\n\r\n"); err != nil {
			return nc, err
		}
		resp, err := http.ReadResponse(bufio.NewReader(nc), &http.Request{Method: http.MethodConnect})
		if err != nil {
			return nc, fmt.Errorf("HTTP CONNECT: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nc, fmt.Errorf("HTTP CONNECT: unexpected status %s", resp.Status)
		}
	}
	compress := protocol.CompressNone
	if c.opts.gzip {
		compress = protocol.CompressGzip
	}
	opt, err := protocol.AppendOption(nil, protocol.Option{Codec: c.codec.Name(), Compress: compress})
	if err != nil {
		return nc, err
	}
	_, err = nc.Write(opt)
	return nc, err
}

func (cc *clientConn) broken() bool { return cc.isDead.Load() }

// fail marks the connection broken and fails every pending call.
func (cc *clientConn) fail(err error) {
	cc.mu.Lock()
	if cc.err == nil {
		cc.err = err
		cc.isDead.Store(true)
	}
	pending, streams := cc.pending, cc.streams
	cc.pending, cc.streams = map[uint64]*call{}, map[uint64]*Stream{}
	cc.mu.Unlock()
	cc.nc.Close()
	for _, cl := range pending {
		cl.err = err
		cl.done <- struct{}{}
	}
	for _, st := range streams {
		st.end(err, true, err)
		st.done()
	}
}

func (cc *clientConn) call(ctx context.Context, method string, args, reply any) error {
	cl := callPool.Get().(*call)
	cl.reply, cl.err = reply, nil
	cc.mu.Lock()
	if cc.err != nil {
		err := cc.err
		cc.mu.Unlock()
		callPool.Put(cl)
		return err
	}
	cc.seq++
	seq := cc.seq
	cc.pending[seq] = cl
	busy := len(cc.pending) > 1
	cc.mu.Unlock()

	h := protocol.Header{Kind: protocol.KindRequest, Seq: seq, Method: method, Meta: MetadataFrom(ctx)}
	if dl, ok := ctx.Deadline(); ok {
		h.Deadline = dl.UnixNano()
	}
	if err := cc.send(&h, args, busy); err != nil {
		if cc.forget(seq) {
			callPool.Put(cl)
			return err
		}
		<-cl.done // the read loop or fail() owns it now
		err = cl.err
		callPool.Put(cl)
		return err
	}
	select {
	case <-cl.done:
	case <-ctx.Done():
		if cc.forget(seq) {
			cc.sendCancel(seq)
			callPool.Put(cl)
			return fmt.Errorf("rpc: call %s: %w", method, ctx.Err())
		}
		<-cl.done
	}
	err := cl.err
	cl.reply, cl.err = nil, nil
	callPool.Put(cl)
	if err != nil && h.Deadline != 0 && time.Now().UnixNano() >= h.Deadline {
		// The server gave up on our deadline, maybe just before our own timer fired.
		return fmt.Errorf("rpc: call %s: %w (server said: %v)", method, context.DeadlineExceeded, err)
	}
	return err
}

// forget removes a pending call; false means a reply is being delivered.
func (cc *clientConn) forget(seq uint64) bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if _, ok := cc.pending[seq]; !ok {
		return false
	}
	delete(cc.pending, seq)
	return true
}

// send writes one request.
func (cc *clientConn) send(h *protocol.Header, args any, busy bool) error {
	err := cc.fw.put(h, cc.codec, args, cc.gzip, busy)
	if err == nil {
		return nil
	}
	var ee encodeError
	if errors.As(err, &ee) {
		return fmt.Errorf("rpc: encoding arguments of %s: %w", h.Method, ee.err)
	}
	if err != nil {
		err = fmt.Errorf("%w: %v", ErrConnLost, err)
		go cc.fail(err)
	}
	return err
}

func (cc *clientConn) sendCancel(seq uint64) {
	h := protocol.Header{Kind: protocol.KindCancel, Seq: seq}
	if err := cc.fw.put(&h, nil, nil, false, false); err != nil {
		go cc.fail(fmt.Errorf("%w: %v", ErrConnLost, err))
	}
}

func (cc *clientConn) readLoop() {
	br := bufio.NewReaderSize(cc.nc, 16<<10)
	var buf []byte
	var err error
	for err == nil {
		buf, err = protocol.ReadFrame(br, buf, cc.maxFrame)
		if err == nil {
			err = cc.deliver(buf)
		}
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	cc.fail(fmt.Errorf("%w: %v", ErrConnLost, err))
}

func (cc *clientConn) deliver(p []byte) error {
	f, err := protocol.ParseFrame(p)
	if err != nil {
		return err
	}
	switch f.Kind {
	case protocol.KindResponse:
	case protocol.KindStreamMsg, protocol.KindStreamEnd, protocol.KindWindow:
		return cc.streamFrame(&f, len(p))
	default:
		return fmt.Errorf("protocol: unexpected frame kind %d from server", f.Kind)
	}
	cc.mu.Lock()
	cl := cc.pending[f.Seq]
	delete(cc.pending, f.Seq)
	cc.mu.Unlock()
	if cl == nil {
		return nil // abandoned call
	}
	switch {
	case string(f.Error) == ErrServerShuttingDown.Error():
		cl.err = ErrServerShuttingDown
	case string(f.Error) == ErrServerOverloaded.Error():
		cl.err = ErrServerOverloaded
	case len(f.Error) > 0:
		cl.err = ServerError(f.Error)
	case cl.reply == nil:
	default:
		body := f.Body
		if f.Flags&protocol.FlagGzip != 0 {
			body, err = gunzip(body, cc.maxFrame)
		}
		if err == nil {
			err = cc.codec.Unmarshal(body, cl.reply)
		}
		if err != nil {
			cl.err = fmt.Errorf("rpc: decoding reply: %w", err)
		}
	}
	cl.done <- struct{}{}
	return nil
}
