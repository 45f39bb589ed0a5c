package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary act as the tinykv command, so tests start the playground (and
// the playground its stores and scheduler) as real child processes of it.
func TestMain(m *testing.M) {
	if os.Getenv("TINYKV_TEST_CHILD") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func TestCommandLine(t *testing.T) {
	cases := []struct {
		args    []string
		code    int
		out     string // in stdout
		errText string // in stderr
	}{
		{nil, 2, "", "Usage:"},
		{[]string{"-h"}, 0, "tinykv playground", ""},
		{[]string{"nope"}, 2, "", `unknown command "nope"`},
		{[]string{"playground", "-h"}, 0, "-stores", ""},
		{[]string{"playground", "-stores", "0"}, 2, "", "-stores 0: want 1 to 64"},
		{[]string{"playground", "put"}, 2, "", `unexpected argument "put"`},
		{[]string{"playground", "-timeout", "0s"}, 2, "", "must be positive"},
		{[]string{"server", "-h"}, 0, "tinykv-server", ""},
		{[]string{"scheduler", "-h"}, 0, "tinykv-scheduler", ""},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := run(context.Background(), c.args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
		if code != c.code || !strings.Contains(out.String(), c.out) || !strings.Contains(errb.String(), c.errText) {
			t.Errorf("tinykv %v: code %d, stdout %q, stderr %q; want code %d, stdout with %q, stderr with %q",
				c.args, code, out.String(), errb.String(), c.code, c.out, c.errText)
		}
	}
}

// tinykv runs the test binary as the tinykv command with args and returns its exit code,
// stdout and stderr. The playground it starts stops its children before it exits.
func tinykv(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "TINYKV_TEST_CHILD=1", "HOME="+t.TempDir())
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("tinykv %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}

func wantLines(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// TestPlaygroundScript runs a playground with -e: data commands, a transaction, a bad command
// (reported, and the rest still runs), the admin commands; the temporary data is removed.
func TestPlaygroundScript(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	script := `put greeting hello; get greeting; bogus 1; begin; put t1 one; put t2 two; commit;
		begin; get t1; scan t1 t9; rollback; delete greeting; get greeting; regions; stores; split m; regions`
	code, out, errOut := tinykv(t, "", "playground", "-e", script)
	if code != 1 { // bogus and the get of a deleted key fail
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, errOut)
	}
	wantLines(t, "stdout", out, "hello", "one", "two")
	wantLines(t, "stderr", errOut, `unknown command "bogus"`, "greeting", "scheduler", "dashboard", "http://127.0.0.1:")
	dir := between(errOut, "data in ", " (")
	if dir == "" {
		t.Fatalf("no data directory in the banner:\n%s", errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temporary data directory %s still there after exit (%v)", dir, err)
	}
}

// TestPlaygroundKilledStore kills a store: commands keep working through the other two; it
// restarts on its data.
func TestPlaygroundKilledStore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	script := `put k1 before; kill 1; get k1; put k2 during; get k2; kill 1; restart 1; get k2; stores`
	code, out, errOut := tinykv(t, "", "playground", "-e", script)
	if code != 1 { // the second kill of a dead store fails
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, errOut)
	}
	wantLines(t, "stdout", out, "before", "during")
	wantLines(t, "stderr", errOut, "store 1 is not running")
	if strings.Count(out, "during") < 2 {
		t.Errorf("k2 not read twice (before and after the restart):\n%s", out)
	}
}

// TestPlaygroundDataSurvives: with -data, a second playground on the directory has the first
// one's data and addresses; a piped shell (no terminal) reads commands from stdin.
func TestPlaygroundDataSurvives(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster twice")
	}
	dir := filepath.Join(t.TempDir(), "kv")
	if code, _, errOut := tinykv(t, "", "playground", "-data", dir, "-e", "put kept across-restarts; begin; put tk t-value; commit"); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "playground.json")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := tinykv(t, "get kept\nbegin\nget tk\ncommit\nexit\nget never-run\n", "playground", "-data", dir)
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, errOut)
	}
	wantLines(t, "stdout", out, "across-restarts", "t-value")
	if strings.Contains(errOut+out, "never-run") {
		t.Errorf("a command after exit ran:\n%s\n%s", out, errOut)
	}
	if code, _, errOut := tinykv(t, "", "playground", "-data", dir, "-stores", "2", "-e", "stores"); code != 1 ||
		!strings.Contains(errOut, "3-store cluster") {
		t.Errorf("fewer stores than the directory holds: exit %d\n%s", code, errOut)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	j := strings.Index(s, to)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// TestScriptCtrlC: a Ctrl-C (SIGINT) during -e cancels the command running (a read blocked by a
// lost quorum) and ends the script, status 1, without running the rest; the cluster stops.
func TestScriptCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	cmd := exec.Command(os.Args[0], "playground", "-timeout", "2m", "-e", "kill 1; kill 2; get a; stores")
	cmd.Env = append(os.Environ(), "TINYKV_TEST_CHILD=1", "HOME="+t.TempDir())
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(out.String(), "store 2 killed"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("no kill output; stderr:\n%s", errOut.String())
		}
	}
	time.Sleep(time.Second) // the get is now retrying against a region without quorum
	start := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("exit: %v, want status 1; stderr:\n%s", err, errOut.String())
		}
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the script did not end within a minute of Ctrl-C; stderr:\n%s", errOut.String())
	}
	t.Logf("ended %v after Ctrl-C", time.Since(start))
	if !strings.Contains(errOut.String(), "interrupted") || strings.Contains(out.String(), "ADDRESS") {
		t.Errorf("want the get interrupted and stores not run; stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
}

// lockedBuffer is a bytes.Buffer a child process and the test can use at once.
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
