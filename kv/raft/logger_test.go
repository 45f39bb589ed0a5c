package raft

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestSlogLoggerLevels(t *testing.T) {
	var buf bytes.Buffer
	l := SlogLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	l.Debugf("debug %d", 1)
	l.Infof("info %d", 2)
	l.Warningf("warn %d", 3)
	l.Errorf("error %d", 4)
	out := buf.String()
	if strings.Contains(out, "debug 1") || strings.Contains(out, "info 2") {
		t.Errorf("debug and info lines must stay below Info level, got:\n%s", out)
	}
	for _, want := range []string{`level=WARN msg="warn 3"`, `level=ERROR msg="error 4"`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestNilLoggerIsSilent(t *testing.T) {
	c := &Config{ID: 1, ElectionTick: 10, HeartbeatTick: 1, Storage: NewMemoryStorage(1), MaxInflightMsgs: 16}
	rn, err := NewRawNode(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rn.raft.logger.(DiscardLogger); !ok {
		t.Fatalf("a nil Config.Logger must discard, got %T", rn.raft.logger)
	}
}
