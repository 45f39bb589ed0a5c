//go:build linux

package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

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
	if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 160}); err != nil {
		t.Skipf("set window size: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	return master, slave
}

// screen collects everything the playground writes to the terminal.
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

// waitFor waits until the screen shows want after offset and returns the offset past it.
func (s *screen) waitFor(t *testing.T, offset int, want string, d time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if i := strings.Index(s.String()[offset:], want); i >= 0 {
			return offset + i + len(want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("terminal never showed %q after offset %d; screen:\n%s", want, offset, s.String())
	return 0
}

// TestTerminalShell drives the playground through a pseudo-terminal as a person would: data
// and transaction commands, a bad command, line editing and history, a command blocked by a
// lost quorum that Ctrl-C ends, and Ctrl-D, after which the cluster is gone.
func TestTerminalShell(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	master, slave := openPTY(t)
	defer master.Close()
	cmd := exec.Command(os.Args[0], "playground", "-timeout", "2m")
	cmd.Env = append(os.Environ(), "TINYKV_TEST_CHILD=1", "HOME="+t.TempDir(), "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	exited := false
	defer func() {
		if !exited { // a failed test: SIGKILL the playground; its children die with it (Pdeathsig)
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	scr := &screen{}
	go func() { _, _ = bufCopy(scr, master) }()

	off := scr.waitFor(t, 0, "tinykv> ", time.Minute)
	sched := regexp.MustCompile(`scheduler\s+(127\.0\.0\.1:\d+)`).FindStringSubmatch(scr.String())
	if sched == nil {
		t.Fatalf("no scheduler address in the banner:\n%s", scr.String())
	}
	type step struct{ keys, want string }
	steps := []step{
		{"put fruit apple\r", "tinykv> "},
		{"get fruit\r", "apple"},
		{"frobnicate\r", `unknown command "frobnicate"`},
		{"begin\r", "tinykv(txn)> "},
		{"put fruit pear\r", "tinykv(txn)> "},
		{"commit\r", "tinykv> "},
		// Line editing: backspace deletes the X typed by mistake.
		{"get fruitX\x7f\r", "pear"},
		{"\x1b[A\r", "pear"}, // history: up arrow recalls the last line
		// Lose the quorum: the read blocks until Ctrl-C ends it.
		{"kill 1\r", "tinykv> "},
		{"kill 2\r", "tinykv> "},
		{"get fruit\r", ""},
	}
	for _, s := range steps {
		typeKeys(t, master, s.keys)
		if s.want != "" {
			off = scr.waitFor(t, off, s.want, time.Minute)
		}
	}
	time.Sleep(500 * time.Millisecond) // the read is now retrying against a region without quorum
	typeKeys(t, master, "\x03")
	off = scr.waitFor(t, off, "interrupted", 20*time.Second)
	for _, s := range []step{{"restart 1\r", "tinykv> "}, {"get fruit\r", "pear"}} {
		typeKeys(t, master, s.keys)
		off = scr.waitFor(t, off, s.want, time.Minute)
	}
	typeKeys(t, master, "\x04") // Ctrl-D
	select {
	case err := <-done:
		exited = true
		if err != nil {
			t.Fatalf("playground exited with %v; screen:\n%s", err, scr.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("playground did not exit on Ctrl-D; screen:\n%s", scr.String())
	}
	if c, err := net.DialTimeout("tcp", sched[1], time.Second); err == nil {
		c.Close()
		t.Errorf("the scheduler still listens on %s after Ctrl-D", sched[1])
	}
}

// typeKeys writes one key at a time (an escape sequence is one key), like a typist.
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
