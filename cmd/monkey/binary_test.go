package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBinary runs the built command as a user would: help on stdout with
// exit 0, bad usage named on stderr with exit 2, never the flag package's
// "Usage of /tmp/go-build…".
func TestBinary(t *testing.T) {
	bin := buildBinary(t)
	prog := filepath.Join(t.TempDir(), "p.monkey")
	tests := []struct {
		args               []string
		code               int
		inStdout, inStderr string
	}{
		{[]string{"-h"}, 0, "monkey runs programs in the Monkey language", ""},
		{[]string{"-help"}, 0, "Examples:\n  monkey run examples/monkey/fib.monkey", ""},
		{[]string{"run", "-h"}, 0, "monkey run runs one Monkey program", ""},
		{[]string{"disasm", "-h"}, 0, "monkey disasm prints the bytecode", ""},
		{[]string{"bench", "-h"}, 0, "monkey bench times the book's benchmark", ""},
		{[]string{"-nope"}, 2, "", "flag provided but not defined: -nope"},
		{[]string{"run", "-engine"}, 2, "", "flag needs an argument: -engine"},
		{[]string{"disasm", "-x", "f"}, 2, "", "flag provided but not defined: -x"},
		{[]string{"bench", "-n", "x"}, 2, "", `invalid value "x" for flag -n`},
		{[]string{prog}, 2, "", "to run a file: monkey run " + prog},
		{[]string{"-e", "1 + 2"}, 0, "3\n", ""},
	}
	for _, tt := range tests {
		code, stdout, stderr := runBinary(t, bin, tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.inStdout) || !strings.Contains(stderr, tt.inStderr) ||
			(tt.inStderr == "" && stderr != "") || strings.Contains(stdout+stderr, "Usage of") {
			t.Errorf("monkey %q: exit %d, stdout %q, stderr %q; want %d, stdout with %q, stderr with %q",
				tt.args, code, stdout, stderr, tt.code, tt.inStdout, tt.inStderr)
		}
	}
}

// buildBinary builds this package's command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "monkey")
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

// TestPipedInterrupt checks Ctrl-C on a piped session: during an
// evaluation it cancels that evaluation only; while waiting for input it
// ends the session with 130, as SIGINT's default would.
func TestPipedInterrupt(t *testing.T) {
	cmd := exec.Command(buildBinary(t))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	io.WriteString(stdin, "puts(\"started\"); "+runaway+"\n")
	waitForText(t, out, "started\n")
	time.Sleep(50 * time.Millisecond) // into the runaway call
	cmd.Process.Signal(os.Interrupt)
	waitForText(t, errOut, "run canceled")
	io.WriteString(stdin, "puts(6 * 7)\n")
	waitForText(t, out, "42\n")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Repeated, as the first may land while "puts" is still finishing.
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for deadline := time.After(15 * time.Second); ; {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
			if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
				t.Errorf("Ctrl-C while waiting for input: exit %d, want %d", code, exitInterrupted)
			}
			return
		case <-deadline:
			t.Fatal("Ctrl-C while waiting for input did not end the session")
		case <-tick.C:
		}
	}
}

// lockedBuffer collects a child's output while the test reads it.
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

func waitForText(t *testing.T, b *lockedBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(b.String(), want) {
			return
		}
	}
	t.Fatalf("never saw %q; output so far: %q", want, b.String())
}
