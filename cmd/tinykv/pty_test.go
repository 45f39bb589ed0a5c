//go:build linux

package main

import (
	"net"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/gee-project/gee/internal/ptytest"
)

// TestTerminalShell drives the playground through a pseudo-terminal as a person would: data
// and transaction commands, a bad command, line editing and history, a command blocked by a
// lost quorum that Ctrl-C ends, and Ctrl-D, after which the cluster is gone.
func TestTerminalShell(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	master, slave := ptytest.Open(t, 40, 160)
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
	scr := ptytest.Record(master)

	off := scr.WaitFor(t, 0, "tinykv> ", time.Minute)
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
		ptytest.Type(t, master, s.keys)
		if s.want != "" {
			off = scr.WaitFor(t, off, s.want, time.Minute)
		}
	}
	time.Sleep(500 * time.Millisecond) // the read is now retrying against a region without quorum
	ptytest.Type(t, master, "\x03")
	off = scr.WaitFor(t, off, "interrupted", 20*time.Second)
	for _, s := range []step{{"restart 1\r", "tinykv> "}, {"get fruit\r", "pear"}} {
		ptytest.Type(t, master, s.keys)
		off = scr.WaitFor(t, off, s.want, time.Minute)
	}
	ptytest.Type(t, master, "\x04") // Ctrl-D
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
