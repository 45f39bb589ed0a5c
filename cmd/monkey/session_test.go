package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestErrorShowsDefinitionAndCallSite calls, in a later input, a function
// entered earlier that fails: the error is shown in the input that defined
// it, with the chain of calls back to the latest input.
func TestErrorShowsDefinitionAndCallSite(t *testing.T) {
	var out, errOut bytes.Buffer
	s := newSession(&out, &errOut)
	for _, line := range []string{
		"let bad = fn(x) {",
		"  x + true",
		"};",
		"let twice = fn(x) { bad(x) * 2 };",
		`puts("ok")`,
		"1 + twice(3)",
		"1 + nope",
	} {
		s.feed(context.Background(), line)
	}
	want := "repl[1]:2:5: type mismatch: INTEGER + BOOLEAN\n" +
		"    in fn defined at repl[1]:1:11, called at repl[2]:1:24\n" +
		"    in fn defined at repl[2]:1:13, called at repl:1:10\n" +
		"repl:1:5: identifier not found: nope\n"
	if errOut.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut.String(), want)
	}
}

func TestLongTraceIsShortened(t *testing.T) {
	var errOut bytes.Buffer
	s := newSession(&bytes.Buffer{}, &errOut)
	s.feed(context.Background(), "let f = fn(n) { if (n == 0) { 1 + true } else { f(n - 1) } }; f(50)")
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != 2+maxTrace || lines[1+maxTrace/2] != "    ... 41 more calls ..." {
		t.Fatalf("got %d lines:\n%s", len(lines), errOut.String())
	}
}

// TestCancelReturnsToSession cancels a long evaluation (as Ctrl-C does): the
// bindings made before survive and the session goes on.
func TestCancelReturnsToSession(t *testing.T) {
	var out, errOut bytes.Buffer
	s := newSession(&out, &errOut)
	s.feed(context.Background(), "let keep = 42;")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	s.feed(ctx, "let f = fn(n) { if (n == 0) { 0 } else { f(n - 1) + f(n - 1) } }; f(60)")
	if !strings.Contains(errOut.String(), "run canceled: context canceled") {
		t.Fatalf("stderr %q", errOut.String())
	}
	s.feed(context.Background(), "keep + 1")
	if out.String() != "43\n" {
		t.Fatalf("stdout %q", out.String())
	}
}

func TestHistoryKeepsMultiLineEntries(t *testing.T) {
	file := filepath.Join(t.TempDir(), "history")
	entries := []string{"1 + 2", "let f = fn(x) {\n  x * 2\n};", `"#multi not one"`, "puts(\"a\\nb\")"}
	for _, e := range entries {
		appendHistory(file, e)
	}
	got := loadHistory(file)
	if strings.Join(got, "|") != strings.Join(entries, "|") {
		t.Fatalf("got %q", got)
	}
	raw, _ := os.ReadFile(file)
	if strings.Count(string(raw), "\n") != len(entries) {
		t.Fatalf("file has more lines than entries:\n%s", raw)
	}
}
