package main

import (
	"bytes"
	"context"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDemoBalancesAcrossBothServers(t *testing.T) {
	var out, logs strings.Builder
	if err := run(context.Background(), &out, 6, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.HasPrefix(got, "direct: 1 + 2 = 3  (served by server-a)\n") {
		t.Fatalf("no direct call first:\n%s", got)
	}
	if strings.Count(got, "= ") != 7 || strings.Count(got, "server-b") != 3 {
		t.Fatalf("round robin should split 6 calls 3/3:\n%s", got)
	}
	if !strings.Contains(got, "5 + 25 = 30") {
		t.Fatalf("wrong sums:\n%s", got)
	}
	if !strings.Contains(logs.String(), `msg="registry listening on 127.0.0.1:`) ||
		!strings.Contains(logs.String(), `msg="server-b listening on 127.0.0.1:`) {
		t.Fatalf("log lacks the bound addresses:\n%s", logs.String())
	}
}

// TestBinary runs the built command: help on stdout with exit 0, bad
// flags named on stderr before anything starts.
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "rpc")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"-h"}, 0, "rpc runs a GeeRPC cluster inside one process", ""},
		{[]string{"-help"}, 0, "Examples:\n  go run ./examples/rpc", ""},
		{[]string{"-bogus"}, 2, "", "rpc: flag provided but not defined: -bogus (see rpc -h)\n"},
		{[]string{"-calls", "0"}, 2, "", "rpc: -calls 0: want 1 to 100000\n"},
		{[]string{"-calls", "x"}, 2, "", `invalid value "x" for flag -calls`},
		{[]string{"go"}, 2, "", `rpc: unexpected argument "go"`},
		{[]string{"-calls", "2", "-q"}, 0, "1 + 1 = 2  (served by server-", ""},
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
			(tt.stderr == "" && errs != "") || (tt.code != 0 && strings.Contains(errs, "listening")) ||
			strings.Contains(out+errs, "Usage of") {
			t.Errorf("rpc %q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errs, tt.code, tt.stdout, tt.stderr)
		}
	}
}
