package rpc

import (
	"bytes"
	"log"
	"log/slog"
	"net"
	"testing"
	"time"
)

// garble sends s a handshake it must refuse and waits until s closes the
// connection; the server logs before it closes.
func garble(t *testing.T, s *Server) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	defer s.Close()
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("HTTP/1.1 GET\r\n\r\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Fatal("the server answered a garbled handshake")
	}
}

func TestServerIsSilentByDefault(t *testing.T) {
	var std bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&std) // where slog.Default and log.Default write
	defer log.SetOutput(prev)
	garble(t, NewServer())
	if std.Len() != 0 {
		t.Errorf("a server without WithLogger logged %q", std.String())
	}
}

func TestWithLoggerGetsStructuredRecords(t *testing.T) {
	logs := &syncBuf{}
	garble(t, NewServer(WithLogger(slog.New(slog.NewTextHandler(logs, nil)))))
	out := logs.String()
	if !contains(out, "level=WARN", `msg="geerpc: bad handshake"`, "remote=127.0.0.1:", "bad magic") {
		t.Errorf("log %q lacks the level, message, remote address or error", out)
	}
}
