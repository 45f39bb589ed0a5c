//go:build linux

package main

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gee-project/gee/internal/ptytest"
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

// TestTerminalREPL types into the REPL through a pseudo-terminal as a person
// would: editing keys, multi-line input, errors, history and Ctrl-D.
func TestTerminalREPL(t *testing.T) {
	master, slave := ptytest.Open(t, 24, 80)
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
	scr := ptytest.Record(master)

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
		ptytest.Type(t, master, s.keys)
		off = scr.WaitFor(t, off, s.want, 20*time.Second)
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
