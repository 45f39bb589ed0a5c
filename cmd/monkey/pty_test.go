//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestMain lets the test binary act as the monkey command, so the terminal
// test can start it as a child process on a pseudo-terminal.
func TestMain(m *testing.M) {
	if os.Getenv("MONKEY_TEST_CHILD") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		t.Skipf("set window size: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	return master, slave
}

// screen collects everything the child writes to the terminal.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until the screen shows want after offset; it returns the new
// offset. The deadline only guards against a hung child.
func (s *screen) waitFor(t *testing.T, offset int, want string) int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if i := strings.Index(s.String()[offset:], want); i >= 0 {
			return offset + i + len(want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("terminal never showed %q; screen:\n%s", want, s.String())
	return 0
}

// TestTerminalREPL types into the REPL through a pseudo-terminal as a person
// would: editing keys, multi-line input, errors, history and Ctrl-D.
func TestTerminalREPL(t *testing.T) {
	master, slave := openPTY(t)
	defer master.Close()
	home := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "MONKEY_TEST_CHILD=1", "HOME="+home, "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	scr := &screen{}
	go func() { _, _ = bufCopy(scr, master) }()

	type step struct{ keys, want string }
	steps := []step{
		{"", ">> "},
		{"let x = 4\r", ">> "},
		{"x * 10\r", "40"},
		{"let add = fn(a, b) {\r", ".. "},
		{"a + b\r", ".. "},
		{"}\r", ">> "},
		{"add(x, 2)\r", "6"},
		{"1 + true\r", "repl:1:3: type mismatch: INTEGER + BOOLEAN"},
		{"let = 1\r", "repl:1:5: expected an identifier"},
		{"puts(\"still alive\")\r", "still alive"},
		// Line editing: type "99 +", move left over "+", delete it, add "- 9".
		{"99 +\x1b[D\x7f\x1b[C\x7f- 9\r", "90"},
		// History: the up arrow recalls the previous line.
		{"\x1b[A\r", "90"},
		// Ctrl-C abandons a half-typed multi-line input.
		{"let broken = fn() {\r", ".. "},
		{"\x03", ">> "},
		{"100 + 1\r", "101"},
		// Tab completes a global name.
		{"let answerOf = 21\r", ">> "},
		{"answerO\t * 2\r", "42"},
		// A multi-line input is one history entry: the up arrow recalls it whole.
		{"[1,\r", ".. "},
		{"2]\r", "[1, 2]"},
		{"\x1b[A\r", "[1, 2]"},
		// Ctrl-C stops a long evaluation; the bindings survive.
		{runaway + "\r", "f(60)"},
		{"\x03", "run canceled: context canceled"},
		{"answerOf + 1\r", "22"},
		// Ctrl-D on a continuation line abandons that input, not the session.
		{"let g = fn() {\r", ".. "},
		{"\x04", ">> "},
		{"answerOf + 2\r", "23"},
	}
	off := 0
	for _, s := range steps {
		typeKeys(t, master, s.keys)
		off = scr.waitFor(t, off, s.want)
	}
	if _, err := master.Write([]byte{4}); err != nil { // Ctrl-D
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("REPL exited with %v; screen:\n%s", err, scr.String())
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("REPL did not exit on Ctrl-D; screen:\n%s", scr.String())
	}
	hist, err := os.ReadFile(home + "/.monkey_history")
	if err != nil || !strings.Contains(string(hist), "x * 10") || !strings.Contains(string(hist), `#multi "[1,\n2]"`) {
		t.Errorf("history file: %q, %v", hist, err)
	}
}

// typeKeys writes one key at a time (an escape sequence is one key), pausing
// between keys like a typist, so the line editor sees separate key presses.
func typeKeys(t *testing.T, w *os.File, keys string) {
	t.Helper()
	for len(keys) > 0 {
		n := 1
		if strings.HasPrefix(keys, "\x1b[") && len(keys) >= 3 {
			n = 3
		}
		if _, err := w.Write([]byte(keys[:n])); err != nil {
			t.Fatal(err)
		}
		keys = keys[n:]
		time.Sleep(2 * time.Millisecond)
	}
}

func bufCopy(dst *screen, src *os.File) (int, error) {
	buf := make([]byte, 4096)
	total := 0
	for {
		n, err := src.Read(buf)
		if n > 0 {
			_, _ = dst.Write(buf[:n])
			total += n
		}
		if err != nil {
			return total, err
		}
	}
}
