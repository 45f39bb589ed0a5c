package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the logger and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestListeningAfterBind checks the log names the bound address only once
// it answers, and that the app stops with 0 when its context ends.
func TestListeningAfterBind(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() { done <- cli(ctx, []string{"-addr", "127.0.0.1:0"}, &bytes.Buffer{}, &stderr) }()
	re := regexp.MustCompile(`msg="listening on (127\.0\.0\.1:\d+)"`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		m = re.FindStringSubmatch(stderr.String())
	}
	if m == nil {
		cancel()
		t.Fatalf("no 'listening on ADDR' in %q", stderr.String())
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + m[1] + "/api/notes")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET the logged address: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after the context ended; log:\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("still serving 15s after the context ended")
	}
}

// TestBinary runs the built command: help on stdout with exit 0; a bad
// flag or an address in use is named on stderr before "listening".
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "web")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"-h"}, 0, "web runs a small notes app on Gee web", ""},
		{[]string{"-help"}, 0, "Examples:\n  go run ./examples/web", ""},
		{[]string{"-port", "1"}, 2, "", "web: flag provided but not defined: -port (see web -h)\n"},
		{[]string{"-addr", busy.Addr().String()}, 2, "", "web: -addr " + busy.Addr().String() + ": listen tcp"},
		{[]string{"now"}, 2, "", `web: unexpected argument "now"`},
	}
	for _, tt := range tests {
		cmd := exec.Command(bin, tt.args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.WaitDelay = time.Second
		timer := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
		_ = cmd.Run()
		timer.Stop()
		code, out, errs := cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
		if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) ||
			(tt.stderr == "" && errs != "") || strings.Contains(errs, "listening") || strings.Contains(out+errs, "Usage of") {
			t.Errorf("web %q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errs, tt.code, tt.stdout, tt.stderr)
		}
	}
}
