package rpc

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gee-project/gee/rpc/protocol"
)

// startStream opens a stream for a request with FlagStream and runs its
// method on a new goroutine; false means it was refused at once.
func (sc *serverConn) startStream(f *protocol.Frame) bool {
	m := sc.s.lookup(f.Method)
	var refuse string
	switch {
	case m == nil:
		refuse = fmt.Sprintf("rpc: can't find method %q", f.Method)
	case !m.stream:
		refuse = fmt.Sprintf("rpc: %s is not a streaming method", f.Method)
	}
	if refuse != "" {
		h := protocol.Header{Kind: protocol.KindStreamEnd, Seq: f.Seq, Error: refuse}
		if sc.fw.putRaw(&h, nil) != nil {
			sc.close()
		}
		return false
	}
	ctx, cancel := sc.callContext(f)
	st := newStream(ctx, f.Seq, m.full, &sc.fw, sc.codec, sc.gzip, sc.s.maxFrame)
	sc.mu.Lock()
	sc.streams[f.Seq] = st
	sc.mu.Unlock()
	go sc.runStream(st, m, cancel)
	return true
}

func (sc *serverConn) runStream(st *Stream, m *methodType, cancel context.CancelFunc) {
	start := time.Now()
	err := sc.s.handler(st.ctx, m.full, st, nil)
	m.record(start, err)
	sc.mu.Lock()
	delete(sc.inflight, st.seq)
	delete(sc.streams, st.seq)
	sc.mu.Unlock()
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if st.finishSend(msg, io.EOF) != nil {
		sc.close()
	}
	st.end(io.EOF, true, io.EOF)
	cancel()
	sc.callDone()
}

// streamFrame routes a client's stream frame; frames for streams that
// already ended are dropped.
func (sc *serverConn) streamFrame(f *protocol.Frame, size int) error {
	sc.mu.Lock()
	st := sc.streams[f.Seq]
	sc.mu.Unlock()
	if st == nil {
		return nil
	}
	switch f.Kind {
	case protocol.KindStreamMsg:
		return st.push(f, size)
	case protocol.KindWindow:
		return st.addCredit(f.Body)
	default: // KindStreamEnd: the client closed its half
		st.end(io.EOF, false, nil)
		return nil
	}
}
