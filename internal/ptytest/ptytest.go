//go:build linux

// Package ptytest lets a test drive a command through a pseudo-terminal as a person would:
// open a pty, start the child on it, type keys one at a time and wait for text on the screen.
// The Monkey REPL and the TinyKV playground shell are tested with it.
package ptytest

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Open returns a new pseudo-terminal's master and slave ends, rows×cols in size; it skips the
// test where the system has no pseudo-terminals.
func Open(t testing.TB, rows, cols uint16) (master, slave *os.File) {
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
	if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		t.Skipf("set window size: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	return master, slave
}

// Screen collects everything the child writes to the terminal.
type Screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Record copies the master end into a new Screen until the terminal closes.
func Record(master *os.File) *Screen {
	s := &Screen{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				s.mu.Lock()
				s.buf.Write(buf[:n])
				s.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

// String is everything shown so far.
func (s *Screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// WaitFor waits up to d until the screen shows want after offset and returns the offset past
// it; it fails the test, showing the screen, when want never appears.
func (s *Screen) WaitFor(t testing.TB, offset int, want string, d time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if i := strings.Index(s.String()[offset:], want); i >= 0 {
			return offset + i + len(want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("terminal never showed %q after offset %d; screen:\n%s", want, offset, s.String())
	return 0
}

// Type writes keys one at a time (an escape sequence "\x1b[X" is one key), pausing between
// them like a typist, so a line editor sees separate key presses.
func Type(t testing.TB, w *os.File, keys string) {
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
