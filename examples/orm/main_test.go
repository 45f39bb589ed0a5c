package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), filepath.Join(t.TempDir(), "todo.db"), &out); err != nil {
		t.Fatal(err)
	}
	want := "rejected: orm: hook table \"task\": task title is empty\n" +
		"todo #1 [p2] write docs\n" +
		"todo #4 [p4] relax later\n" +
		"3 live tasks, 4 including deleted\n"
	if out.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestBadDatabaseIsNamed(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database, just text long enough to have a header page"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "no", "such", "dir", "todo.db")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-db", missing}, 2, "orm: -db " + missing + ": directory " + filepath.Dir(missing) + " does not exist\n"},
		{[]string{"-db", dir}, 2, "orm: -db " + dir + ": is a directory"},
		{[]string{"-db", junk}, 1, "database " + junk + ": "},
		{[]string{"-nope"}, 2, "orm: flag provided but not defined: -nope (see orm -h)\n"},
		{[]string{"extra"}, 2, `orm: unexpected argument "extra"`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := cli(tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("orm %q: exit %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}
}

func TestVerboseLogsStatements(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli([]string{"-v"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), `level=DEBUG msg="orm: statement" sql="INSERT INTO`) {
		t.Errorf("-v logged no INSERT:\n%s", stderr.String())
	}
	stderr.Reset()
	if code := cli(nil, &stdout, &stderr); code != 0 || stderr.Len() != 0 {
		t.Errorf("without -v: exit %d, stderr %q; want silence", code, stderr.String())
	}
}

// TestBinary runs the built command: help on stdout with exit 0, a bad
// flag named on stderr, never "Usage of /tmp/go-build…".
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "orm")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"-h"}, 0, "orm is a small to-do app on GeeORM", ""},
		{[]string{"-help"}, 0, "Examples:\n  go run ./examples/orm", ""},
		{[]string{"-db"}, 2, "", "orm: flag needs an argument: -db (see orm -h)\n"},
		{nil, 0, "3 live tasks, 4 including deleted\n", ""},
	}
	for _, tt := range tests {
		cmd := exec.Command(bin, tt.args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.WaitDelay = time.Second
		timer := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
		_ = cmd.Run()
		timer.Stop()
		code := cmd.ProcessState.ExitCode()
		if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) ||
			(tt.stderr == "" && stderr.Len() != 0) || strings.Contains(stdout.String()+stderr.String(), "Usage of") {
			t.Errorf("orm %q: exit %d, stdout %q, stderr %q; want %d, %q, %q",
				tt.args, code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
		}
	}
}
