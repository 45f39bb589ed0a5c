package rpc

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/gee-project/gee/rpc/codec"
	"github.com/gee-project/gee/rpc/protocol"
)

// DefaultStreamWindow is each stream's flow-control window: the bytes of
// messages a sender may have in flight before the receiver has read them.
// A receiver that stops reading stops only its own stream's sender; the
// connection and its other calls go on.
const DefaultStreamWindow = 256 << 10

// ErrSendClosed is returned by Send after CloseSend.
var ErrSendClosed = errors.New("rpc: Send after CloseSend")

// Stream is one streaming call: either side sends and receives typed
// messages, in order, with flow control. On the client it comes from
// Client.NewStream; on the server it is the argument of a method of the form
// M(ctx context.Context, s *rpc.Stream) error, whose return ends the stream
// (its error, if any, reaches the client's Recv).
//
// One goroutine may Send while another Recvs; Send (or Recv) must not be
// called from two goroutines at once.
type Stream struct {
	ctx    context.Context
	seq    uint64
	method string
	fw     *frameWriter
	codec  codec.Codec
	gzip   bool
	limit  int // most bytes the inbox may hold: window + one frame
	window int

	mu       sync.Mutex
	inbox    []inMsg
	inBytes  int
	recvErr  error // returned by Recv once the inbox is empty; nil while open
	sendErr  error // returned by Send; nil while open
	credit   int   // bytes we may still send
	consumed int   // bytes read but not yet granted back
	wake     chan struct{}
	credited chan struct{}
	done     func() // client: stop watching ctx and forget the stream
}

type inMsg struct {
	body []byte
	cost int
	gzip bool
}

func newStream(ctx context.Context, seq uint64, method string, fw *frameWriter, c codec.Codec, gz bool, maxFrame int) *Stream {
	return &Stream{ctx: ctx, seq: seq, method: method, fw: fw, codec: c, gzip: gz,
		window: DefaultStreamWindow, limit: DefaultStreamWindow + maxFrame, credit: DefaultStreamWindow,
		wake: make(chan struct{}, 1), credited: make(chan struct{}, 1)}
}

// Context is the stream's context: on the server it carries the client's
// deadline and metadata and is cancelled when the client cancels.
func (s *Stream) Context() context.Context { return s.ctx }

// Method is the "Service.Method" the stream was opened for.
func (s *Stream) Method() string { return s.method }

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Send sends one message. It blocks while the peer's window is full (the
// peer is not reading), until the peer reads, the stream ends or the
// context is done. After the peer ended the stream it returns io.EOF (on
// the client, Recv then tells why).
func (s *Stream) Send(v any) error {
	for {
		s.mu.Lock()
		err, ok := s.sendErr, s.credit > 0
		s.mu.Unlock()
		if err != nil {
			return err
		}
		if ok {
			break
		}
		select {
		case <-s.credited:
		case <-s.ctx.Done():
			s.mu.Lock()
			err := s.sendErr // an end that raced with the cancel explains it better
			s.mu.Unlock()
			if err == nil {
				err = fmt.Errorf("rpc: stream %s: %w", s.method, s.ctx.Err())
			}
			return err
		}
	}
	h := protocol.Header{Kind: protocol.KindStreamMsg, Seq: s.seq}
	n, err := s.fw.putAsync(&h, s.codec, v, s.gzip)
	if err != nil {
		var ee encodeError
		if errors.As(err, &ee) {
			return fmt.Errorf("rpc: encoding stream message: %w", ee.err)
		}
		return fmt.Errorf("%w: %v", ErrConnLost, err)
	}
	s.mu.Lock()
	s.credit -= n // may go below zero by one message: the peer allows for it
	s.mu.Unlock()
	return nil
}

// Recv receives the next message into v. It returns io.EOF when the peer
// ended the stream normally; on the client, a server method's error as a
// ServerError.
func (s *Stream) Recv(v any) error {
	s.mu.Lock()
	for len(s.inbox) == 0 && s.recvErr == nil {
		s.mu.Unlock()
		select {
		case <-s.wake:
		case <-s.ctx.Done():
			// The client's context is also cancelled when the stream ends
			// normally: messages and the end already received come first.
			s.mu.Lock()
			if len(s.inbox) == 0 && s.recvErr == nil {
				s.mu.Unlock()
				return fmt.Errorf("rpc: stream %s: %w", s.method, s.ctx.Err())
			}
			continue
		}
		s.mu.Lock()
	}
	if len(s.inbox) == 0 {
		err := s.recvErr
		s.mu.Unlock()
		return err
	}
	m := s.inbox[0]
	s.inbox[0] = inMsg{}
	s.inbox = s.inbox[1:]
	s.inBytes -= m.cost
	s.consumed += m.cost
	grant := 0
	if s.consumed >= s.window/4 {
		grant, s.consumed = s.consumed, 0
	}
	s.mu.Unlock()
	if grant > 0 {
		s.grant(grant)
	}
	body := m.body
	if m.gzip {
		var err error
		if body, err = gunzip(body, s.limit); err != nil {
			return err
		}
	}
	if err := s.codec.Unmarshal(body, v); err != nil {
		return fmt.Errorf("rpc: decoding stream message: %w", err)
	}
	return nil
}

// grant gives the peer n more bytes of credit.
func (s *Stream) grant(n int) {
	h := protocol.Header{Kind: protocol.KindWindow, Seq: s.seq}
	_ = s.fw.putRaw(&h, binary.AppendUvarint(nil, uint64(n)))
}

// push queues a received message; an error means the peer overran the
// window it was given (a protocol violation).
func (s *Stream) push(f *protocol.Frame, cost int) error {
	s.mu.Lock()
	if s.recvErr != nil {
		s.mu.Unlock()
		return nil // we stopped listening (cancelled); drop it
	}
	if s.inBytes+cost > s.limit {
		s.mu.Unlock()
		return fmt.Errorf("stream %d: peer sent %d bytes beyond its window", f.Seq, s.inBytes+cost-s.window)
	}
	s.inbox = append(s.inbox, inMsg{body: append([]byte(nil), f.Body...), cost: cost, gzip: f.Flags&protocol.FlagGzip != 0})
	s.inBytes += cost
	s.mu.Unlock()
	signal(s.wake)
	return nil
}

// addCredit applies a window frame from the peer.
func (s *Stream) addCredit(body []byte) error {
	n, k := binary.Uvarint(body)
	if k <= 0 || n > 1<<31 {
		return fmt.Errorf("stream %d: bad window frame", s.seq)
	}
	s.mu.Lock()
	s.credit += int(n)
	s.mu.Unlock()
	signal(s.credited)
	return nil
}

// end records that the peer's half is over (recv) and, when sendToo, that
// ours is too; Recv returns recvErr once the inbox drains.
func (s *Stream) end(recvErr error, sendToo bool, sendErr error) {
	s.mu.Lock()
	if s.recvErr == nil {
		s.recvErr = recvErr
	}
	if sendToo && s.sendErr == nil {
		s.sendErr = sendErr
	}
	s.mu.Unlock()
	signal(s.wake)
	signal(s.credited)
}

// finishSend ends our half with status errMsg (server: the method's error).
func (s *Stream) finishSend(errMsg string, after error) error {
	s.mu.Lock()
	if s.sendErr != nil {
		err := s.sendErr
		s.mu.Unlock()
		return err
	}
	s.sendErr = after
	s.mu.Unlock()
	h := protocol.Header{Kind: protocol.KindStreamEnd, Seq: s.seq, Error: errMsg}
	return s.fw.putRaw(&h, nil)
}

// CloseSend ends the client's half: the server's Recv returns io.EOF after
// the messages sent so far. Receiving goes on.
func (s *Stream) CloseSend() error {
	return s.finishSend("", ErrSendClosed)
}
