package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunFile(t *testing.T) {
	ok := writeFile(t, "ok.monkey", `let add = fn(a, b) { a + b }; puts(add(1, 2)); add(3, 4)`)
	rt := writeFile(t, "rt.monkey", "puts(\"start\");\nlet x = 1;\nx + true")
	parse := writeFile(t, "parse.monkey", "let x = ;\nlet = 2;")
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"run", "-engine=eval", ok}, 0, "3\n", ""},
		{[]string{"run", "-engine=eval", rt}, 1, "start\n", rt + ":3:3: type mismatch: INTEGER + BOOLEAN\n"},
		{[]string{"run", parse}, 2, "", parse + ":1:9: expected an expression, found \";\"\n" +
			parse + ":2:5: expected an identifier, found \"=\"\n"},
		{[]string{"run", "-engine=nope", ok}, 2, "", "monkey: unknown engine \"nope\""},
		{[]string{"run"}, 2, "", "usage: monkey run"},
		{[]string{"run", filepath.Join(t.TempDir(), "missing.monkey")}, 1, "", "no such file"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != tt.code || stdout != tt.stdout || !strings.Contains(stderr, tt.stderr) ||
			(tt.stderr == "" && stderr != "") {
			t.Errorf("monkey %v: exit %d, stdout %q, stderr %q; want %d, %q, %q",
				tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}

func TestRunStdin(t *testing.T) {
	code, stdout, stderr := runCLI(t, "puts(6 * 7)\nlet x = ;", "run", "-engine=eval", "-")
	if code != 2 || stdout != "" || stderr != "-:2:9: expected an expression, found \";\"\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "puts(6 * 7)", "run", "-engine=eval", "-")
	if code != 0 || stdout != "42\n" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
}

func TestSnippet(t *testing.T) {
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"-engine=eval", "-e", "1 + 2 * 3"}, 0, "7\n", ""},
		{[]string{"-engine=eval", "-e", `puts("hi"); "value"`}, 0, "hi\nvalue\n", ""},
		{[]string{"-engine=eval", "-e", `puts("only output")`}, 0, "only output\n", ""},
		{[]string{"-engine=eval", "-e", "let x = 1;"}, 0, "", ""},
		{[]string{"-engine=eval", "-e", "1 / 0"}, 1, "", "-e:1:3: division by zero\n"},
		{[]string{"-engine=eval", "-e", "let f = fn(n) { f(n + 1) }; f(1)"}, 1, "", "-e:1:18: stack overflow\n"},
		{[]string{"-e", "if (x { 1 }"}, 2, "", "-e:1:7: expected \")\", found \"{\"\n"},
		{[]string{"-e", "let m = macro() { 1 }; m()"}, 1, "", "-e:1:25: macro must return a quote, got INTEGER\n"},
		{[]string{"-e"}, 2, "", "flag needs an argument"},
		{[]string{"bogus"}, 2, "", `monkey: unknown command "bogus" (commands: run, bench, disasm; see monkey -h)`},
		{[]string{"prog.monkey"}, 2, "", `monkey: unknown command "prog.monkey"; to run a file: monkey run prog.monkey`},
		{[]string{"-bogus"}, 2, "", "monkey: flag provided but not defined: -bogus (see monkey -h)"},
		{[]string{"-max-mem", "lots", "-e", "1"}, 2, "", `invalid value "lots" for flag -max-mem`},
		{[]string{"-timeout", "-1s", "-e", "1"}, 2, "", "monkey: -timeout -1s: want a duration of 0 (no limit) or more\n"},
		{[]string{"-max-steps", "-5", "-e", "1"}, 2, "", "monkey: -max-steps -5: want 0 (no limit) or more\n"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != tt.code || stdout != tt.stdout || !strings.Contains(stderr, tt.stderr) ||
			(tt.stderr == "" && stderr != "") {
			t.Errorf("monkey %q: exit %d, stdout %q, stderr %q; want %d, %q, %q",
				tt.args, code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}

// TestEveryEngineKeepsTheContract runs the command's contract (output,
// error format, exit status) on every registered engine.
func TestEveryEngineKeepsTheContract(t *testing.T) {
	errLine := regexp.MustCompile(`^-e:\d+:\d+: division by zero\n$`)
	for name := range engines {
		code, stdout, stderr := runCLI(t, "", "-engine="+name, "-e", `puts("a" + "b"); let f = fn(x) { x * 2 }; f(21)`)
		if code != 0 || stdout != "ab\n42\n" || stderr != "" {
			t.Errorf("engine %s: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
		}
		code, stdout, stderr = runCLI(t, "", "-engine="+name, "-e", `puts(1); 1 / 0; puts(2)`)
		if code != 1 || stdout != "1\n" || !errLine.MatchString(stderr) {
			t.Errorf("engine %s runtime error: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
		}
		if code, _, _ := runCLI(t, "", "-engine="+name, "-e", `let = 1`); code != 2 {
			t.Errorf("engine %s parse error: exit %d", name, code)
		}
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		args  []string
		wants []string
	}{
		{[]string{"-h"}, []string{"monkey runs programs", "monkey run [-engine=NAME] [LIMITS] FILE", "-e 'CODE'", "-timeout D",
			"-max-steps N", "-max-mem SIZE", "REPL", "Exit status", "FILE:LINE:COL", "Examples:", "monkey disasm FILE"}},
		{[]string{"run", "-h"}, []string{"monkey run runs one Monkey program", "Examples:", "-engine", "-max-mem"}},
		{[]string{"disasm", "-h"}, []string{"monkey disasm prints the bytecode", "Example:"}},
		{[]string{"bench", "--help"}, []string{"monkey bench times", "Examples:", "-n N"}},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != 0 || stderr != "" {
			t.Errorf("monkey %q: exit %d, stderr %q; want 0 and help on stdout only", tt.args, code, stderr)
		}
		for _, want := range tt.wants {
			if !strings.Contains(stdout, want) {
				t.Errorf("monkey %q: help lacks %q:\n%s", tt.args, want, stdout)
			}
		}
	}
}

func TestSubcommandUsageErrors(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"run", "-bogus", "x"}, "monkey run: flag provided but not defined: -bogus (see monkey run -h)"},
		{[]string{"disasm"}, "usage: monkey disasm FILE"},
		{[]string{"disasm", "-x", "f"}, "monkey disasm: flag provided but not defined: -x"},
		{[]string{"bench", "-n", "-3"}, "monkey bench: -n -3: want 0 to 50"},
		{[]string{"bench", "-engine=vm", "extra"}, `monkey bench: unexpected argument "extra"`},
		{[]string{"bench", "-n", "ten"}, `invalid value "ten" for flag -n`},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("monkey %q: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, stdout, stderr, tt.stderr)
		}
	}
}

func TestCommandsAreDispatched(t *testing.T) {
	var got []string
	commands["probe"] = command{args: "X", summary: "probes", run: func(args []string, _ stdio) int { got = args; return 3 }}
	defer delete(commands, "probe")
	if code, _, _ := runCLI(t, "", "probe", "a", "-b"); code != 3 || strings.Join(got, " ") != "a -b" {
		t.Errorf("exit %d, args %v", code, got)
	}
	if _, stdout, _ := runCLI(t, "", "-h"); !strings.Contains(stdout, "monkey probe X") || !strings.Contains(stdout, "probes") {
		t.Error("help does not list registered commands")
	}
}

func TestPipedREPL(t *testing.T) {
	input := strings.Join([]string{
		"let add = fn(a, b) {",
		"  a + b",
		"};",
		"add(1, 2)",
		"",
		"// a comment line",
		"1 + true",
		"let x = ;",
		`puts("still here")`,
		"let m = macro(x) { quote(unquote(x) * 10) };",
		"m(add(2, 2))",
		`let s = "multi`,
		`line"`,
		"s",
		"[1,",
		"2]",
		"add(1, true)",
		"exit",
		"puts(\"after exit\")",
	}, "\n")
	code, stdout, stderr := runCLI(t, input)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if want := "3\nstill here\nnull\n40\nmulti\nline\n[1, 2]\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	// Lines are numbered over the whole input, blank and comment lines included.
	want := "-:7:3: type mismatch: INTEGER + BOOLEAN\n" +
		"-:8:9: expected an expression, found \";\"\n" +
		"-:2:5: type mismatch: INTEGER + BOOLEAN\n" +
		"    in fn defined at -:1:11, called at -:17:4\n"
	if stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

func TestIncomplete(t *testing.T) {
	tests := map[string]bool{
		"fn(x) {": true, "[1, (2": true, `"abc`: true, "let x = 1;": false, "}": false,
		"// {": false, `"{"`: false, "if (x) { 1 } else {": true, "": false,
	}
	for src, want := range tests {
		if got := incomplete(src); got != want {
			t.Errorf("incomplete(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestCompleter(t *testing.T) {
	s := newSession(&bytes.Buffer{}, &bytes.Buffer{})
	s.feed(context.Background(), "let lengthOf = fn(x) { len(x) }; let unlessM = macro(a) { a };")
	c := completer{s}
	tests := []struct {
		line string
		want []string
		n    int
	}{
		{"le", []string{"n", "ngthOf", "t"}, 2},
		{"puts(lengthO", []string{"f"}, 7},
		{"unl", []string{"essM"}, 3},
		{"x + ", nil, 0},
		{"zzz", nil, 3},
	}
	for _, tt := range tests {
		endings, n := c.Do([]rune(tt.line), len([]rune(tt.line)))
		var got []string
		for _, e := range endings {
			got = append(got, string(e))
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") || n != tt.n {
			t.Errorf("complete %q: got %q (%d), want %q (%d)", tt.line, got, n, tt.want, tt.n)
		}
	}
}
