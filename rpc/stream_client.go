package rpc

import (
	"context"
	"fmt"
	"io"

	"github.com/gee-project/gee/rpc/protocol"
)

// NewStream opens a streaming call to serviceMethod, a server method of the
// form M(ctx context.Context, s *rpc.Stream) error, on the client's
// connection (alongside its other calls). ctx's deadline and metadata travel
// to the server; cancelling ctx cancels the stream on both sides. Read until
// Recv returns an error, or cancel ctx, to release the stream. Client
// interceptors apply to unary calls only.
func (c *Client) NewStream(ctx context.Context, serviceMethod string) (*Stream, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("rpc: stream %s: %w", serviceMethod, err)
	}
	cc, err := c.getConn(ctx)
	if err != nil {
		return nil, err
	}
	return cc.openStream(ctx, serviceMethod)
}

func (cc *clientConn) openStream(parent context.Context, method string) (*Stream, error) {
	ctx, cancel := context.WithCancel(parent)
	cc.mu.Lock()
	if cc.err != nil {
		err := cc.err
		cc.mu.Unlock()
		cancel()
		return nil, err
	}
	cc.seq++
	seq := cc.seq
	st := newStream(ctx, seq, method, &cc.fw, cc.codec, cc.gzip, cc.maxFrame)
	cc.streams[seq] = st
	cc.mu.Unlock()

	stop := context.AfterFunc(ctx, func() {
		if cc.forgetStream(seq) != nil {
			cc.sendCancel(seq)
		}
		err := fmt.Errorf("rpc: stream %s: %w", method, context.Cause(parent))
		if parent.Err() == nil {
			err = fmt.Errorf("rpc: stream %s: %w", method, context.Canceled)
		}
		st.end(err, true, err)
	})
	st.done = func() { stop(); cancel() }

	h := protocol.Header{Kind: protocol.KindRequest, Flags: protocol.FlagStream, Seq: seq, Method: method, Meta: MetadataFrom(parent)}
	if dl, ok := parent.Deadline(); ok {
		h.Deadline = dl.UnixNano()
	}
	if err := cc.fw.putRaw(&h, nil); err != nil {
		cc.forgetStream(seq)
		st.done()
		err = fmt.Errorf("%w: %v", ErrConnLost, err)
		go cc.fail(err)
		return nil, err
	}
	return st, nil
}

func (cc *clientConn) forgetStream(seq uint64) *Stream {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	st := cc.streams[seq]
	delete(cc.streams, seq)
	return st
}

// streamFrame routes a server's stream frame; frames for streams we gave up
// on are dropped.
func (cc *clientConn) streamFrame(f *protocol.Frame, size int) error {
	if f.Kind == protocol.KindStreamEnd {
		st := cc.forgetStream(f.Seq)
		if st == nil {
			return nil
		}
		var err error = io.EOF
		if len(f.Error) > 0 {
			err = ServerError(f.Error)
		}
		st.end(err, true, io.EOF)
		st.done()
		return nil
	}
	cc.mu.Lock()
	st := cc.streams[f.Seq]
	cc.mu.Unlock()
	if st == nil {
		return nil
	}
	if f.Kind == protocol.KindWindow {
		return st.addCredit(f.Body)
	}
	return st.push(f, size)
}
