package rpc

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gee-project/gee/rpc/codec"
	"github.com/gee-project/gee/rpc/protocol"
)

// fuzzConn feeds fixed bytes to the server and discards its replies.
type fuzzConn struct{ r *bytes.Reader }

func (c *fuzzConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *fuzzConn) Write(p []byte) (int, error) { return len(p), nil }
func (c *fuzzConn) Close() error                { return nil }

func requestBytes(method string, gz bool, args any) []byte {
	opt := protocol.Option{Codec: "binary"}
	if gz {
		opt.Compress = protocol.CompressGzip
	}
	b, _ := protocol.AppendOption(nil, opt)
	h := protocol.Header{Kind: protocol.KindRequest, Seq: 1, Method: method, Meta: map[string]string{"k": "v"}}
	b, _ = appendFrame(b, &h, codec.Binary{}, args, gz)
	h = protocol.Header{Kind: protocol.KindCancel, Seq: 1}
	b, _ = appendFrame(b, &h, nil, nil, false)
	return b
}

// streamBytes opens a stream, sends a message, a window grant and the end.
func streamBytes() []byte {
	b, _ := protocol.AppendOption(nil, protocol.Option{Codec: "binary"})
	h := protocol.Header{Kind: protocol.KindRequest, Flags: protocol.FlagStream, Seq: 3, Method: "Streamer.Echo"}
	b, _ = appendFrame(b, &h, nil, nil, false)
	h = protocol.Header{Kind: protocol.KindStreamMsg, Seq: 3}
	b, _ = appendFrame(b, &h, codec.Binary{}, "hello", false)
	var start int
	b, start = protocol.StartFrame(b, &protocol.Header{Kind: protocol.KindWindow, Seq: 3})
	b = protocol.FinishFrame(append(b, 0x80, 0x08), start)
	h = protocol.Header{Kind: protocol.KindStreamEnd, Seq: 3}
	b, _ = appendFrame(b, &h, nil, nil, false)
	return b
}

// FuzzServeConn drives a whole server connection with arbitrary bytes: it
// must end (at EOF or on a bad frame) without panicking.
func FuzzServeConn(f *testing.F) {
	f.Add(requestBytes("Arith.Add", false, &Args{A: 1, B: 2, S: "x"}))
	f.Add(requestBytes("Arith.Echo", true, &Args{S: "zip"}))
	f.Add(requestBytes("Arith.Missing", false, 7))
	f.Add([]byte("GEER\x01\x00\x06binary\x00\x00\x00\x02\x00\x00"))
	f.Add(streamBytes())
	f.Add([]byte("GEER\x01\x01\x04json\x00\x00\x00\x10\x00\x00\x01\x09Arith.Add\x00\x00\x00{}"))
	s := NewServer(WithLogger(quietLogger()), WithMaxFrame(1<<16))
	if err := s.Register(&Arith{}); err != nil {
		f.Fatal(err)
	}
	if err := s.Register(&Streamer{observed: make(chan error, 1)}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s.ServeConn(&fuzzConn{r: bytes.NewReader(data)})
	})
}

// FuzzJSONRPC posts arbitrary bodies: every answer must be JSON (or 204
// for notifications), never a panic.
func FuzzJSONRPC(f *testing.F) {
	f.Add(`{"jsonrpc":"2.0","method":"Arith.Add","params":{"A":1,"B":2},"id":1}`)
	f.Add(`[{"jsonrpc":"2.0","method":"Arith.Echo","params":[{"S":"x"}],"id":"a"},{"jsonrpc":"2.0","method":"Arith.Add"}]`)
	f.Add(`{"jsonrpc":"2.0","method":"Arith.Panic","params":["p"],"id":null}`)
	f.Add(`[]`)
	f.Add(`{"jsonrpc":"2.0","method":"Arith.Fail","params":[1,2],"id":{}}`)
	s := NewServer(WithLogger(quietLogger()), WithMaxFrame(1<<16))
	if err := s.Register(&Arith{}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if strings.Contains(body, "Block") || strings.Contains(body, "Sleep") {
			return // these wait for cancellation or time, not for input
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)))
		if w.Code == http.StatusNoContent {
			return
		}
		if w.Code != http.StatusOK || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("body %q: status %d, reply %q", body, w.Code, w.Body.String())
		}
	})
}
