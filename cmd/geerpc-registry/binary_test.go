package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinaryUsage runs the built command: help on stdout with exit 0, and
// every bad setting named on stderr (exit 2) before anything is bound.
func TestBinaryUsage(t *testing.T) {
	bin := buildBinary(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		args             []string
		code             int
		stdout, inStderr string
	}{
		{[]string{"-h"}, 0, "geerpc-registry runs a GeeRPC service registry", ""},
		{[]string{"-help"}, 0, "Examples:\n  geerpc-registry ", ""},
		{[]string{"-bogus"}, 2, "", "geerpc-registry: flag provided but not defined: -bogus (see geerpc-registry -h)\n"},
		{[]string{"-ttl", "0s"}, 2, "", "-ttl 0s: want a positive duration"},
		{[]string{"-ttl", "soon"}, 2, "", `invalid value "soon" for flag -ttl`},
		{[]string{"-addr", "nowhere"}, 2, "", `-addr "nowhere": want host:port`},
		{[]string{"-addr", busy.Addr().String()}, 2, "", "-addr " + busy.Addr().String() + ": listen tcp"},
		{[]string{"extra"}, 2, "", `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		code, stdout, stderr := runBinary(t, bin, tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.inStderr) ||
			(tt.inStderr == "" && stderr != "") || (tt.stdout == "" && stdout != "") ||
			strings.Contains(stderr, "listening") || strings.Contains(stdout+stderr, "Usage of") {
			t.Errorf("geerpc-registry %q: exit %d, stdout %q, stderr %q; want %d, stdout with %q, stderr with %q",
				tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.inStderr)
		}
	}
}

// TestBinaryListensThenStops checks "listening on ADDR" names the bound
// address, which then answers, and that SIGTERM ends the process with 0.
func TestBinaryListensThenStops(t *testing.T) {
	cmd := exec.Command(buildBinary(t), "-addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stderr)
		s.Scan()
		line <- s.Text()
		io.Copy(io.Discard, stderr)
	}()
	var addr string
	select {
	case l := <-line:
		m := regexp.MustCompile(`msg="listening on (127\.0\.0\.1:\d+)"`).FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("first log line %q does not name the bound address", l)
		}
		addr = m[1]
	case <-time.After(30 * time.Second):
		t.Fatal("no log line in 30s")
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + "/_geerpc_/registry")
	if err != nil {
		t.Fatalf("the logged address does not answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET registry: %s", resp.Status)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("still running 15s after SIGTERM")
	}
}

// buildBinary builds this package's command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "geerpc-registry")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary runs bin with args, bounded in time, and returns its exit
// status and output.
func runBinary(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s %q: %v", bin, args, err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}
