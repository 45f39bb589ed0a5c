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
		{[]string{"bogus"}, 2, "", `monkey: unknown command "bogus"`},
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
	code, _, stderr := runCLI(t, "", "-h")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"monkey run [-engine=NAME] [LIMITS] FILE", "-e 'CODE'", "-timeout D", "-max-steps N", "-max-mem SIZE", "REPL", "Exit status", "FILE:LINE:COL"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("help lacks %q:\n%s", want, stderr)
		}
	}
}

func TestCommandsAreDispatched(t *testing.T) {
	var got []string
	commands["probe"] = func(args []string) int { got = args; return 3 }
	defer delete(commands, "probe")
	if code, _, _ := runCLI(t, "", "probe", "a", "-b"); code != 3 || strings.Join(got, " ") != "a -b" {
		t.Errorf("exit %d, args %v", code, got)
	}
	if _, _, stderr := runCLI(t, "", "-h"); !strings.Contains(stderr, "monkey probe") {
		t.Error("help does not list registered commands")
	}
}

func TestPipedREPL(t *testing.T) {
	input := strings.Join([]string{
		"let add = fn(a, b) {",
		"  a + b",
		"};",
		"add(1, 2)",
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
	if want := "repl:1:3: type mismatch: INTEGER + BOOLEAN\nrepl:1:9: expected an expression, found \";\"\n"; stderr != want {
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
