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

func TestDemoLoadsEachKeyOnceByItsOwner(t *testing.T) {
	var out, logs bytes.Buffer
	if err := run(context.Background(), &out, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`node 2: Get(Sam) = "567" err=<nil>`, `Get(Nobody) = "" err=`, "key not found",
		`after Remove, node 1: Get(Tom) = "630" (reloaded by its owner)`, "node 0: gets="} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// Jack and Sam once each; Tom twice (before and after Remove).
	if got := strings.Count(logs.String(), `msg="loaded from the db" node=`); got != 4 {
		t.Fatalf("%d loads logged, want 4:\n%s", got, logs.String())
	}
	for key, n := range map[string]int{"Jack": 1, "Sam": 1, "Tom": 2} {
		if got := strings.Count(logs.String(), "key="+key+"\n"); got != n {
			t.Errorf("%s loaded %d times, want %d:\n%s", key, got, n, logs.String())
		}
	}
}

// TestBinary runs the built command: help on stdout with exit 0, a bad
// flag named on stderr before anything starts.
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "cache")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"-h"}, 0, "cache runs a three-node GeeCache cluster", ""},
		{[]string{"--help"}, 0, "Example:\n  go run ./examples/cache", ""},
		{[]string{"-nodes", "5"}, 2, "", "cache: flag provided but not defined: -nodes (see cache -h)\n"},
		{[]string{"Tom"}, 2, "", `cache: unexpected argument "Tom"`},
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
			t.Errorf("cache %q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errs, tt.code, tt.stdout, tt.stderr)
		}
	}
}
