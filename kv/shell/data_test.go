package shell

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// mustRun runs line and fails the test on an error.
func (f *fixture) mustRun(t *testing.T, line string) string {
	t.Helper()
	out, err := f.run(line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return out
}

func TestPutGetDeleteScan(t *testing.T) {
	f := newFixture(false)
	for _, l := range []string{"put a 1", `put "b b" "two words"`, `put "\x00k" "\xff"`, "put c 3"} {
		if out := f.mustRun(t, l); out != "" {
			t.Errorf("%s printed %q, want nothing", l, out)
		}
	}
	if out := f.mustRun(t, "get a"); out != "1\n" {
		t.Errorf("get a = %q", out)
	}
	if out := f.mustRun(t, `get "b b"`); out != "\"two words\"\n" {
		t.Errorf(`get "b b" = %q`, out)
	}
	if out := f.mustRun(t, `get "\x00k"`); out != "\"\\xff\"\n" {
		t.Errorf("get of a binary key = %q", out)
	}
	want := []string{"KEY VALUE", `"\x00k" "\xff"`, "a 1", `"b b" "two words"`, "c 3", "(4 pairs)"}
	if out := f.mustRun(t, "scan"); !reflect.DeepEqual(lines(out), want) {
		t.Errorf("scan = %q, want %q", lines(out), want)
	}
	if out := f.mustRun(t, `scan a c`); !reflect.DeepEqual(lines(out), []string{"KEY VALUE", "a 1", `"b b" "two words"`, "(2 pairs)"}) {
		t.Errorf("scan a c = %q", lines(out))
	}
	if out := f.mustRun(t, `scan b "" 1`); !reflect.DeepEqual(lines(out), []string{"KEY VALUE", `"b b" "two words"`, "(1 pair, limit reached)"}) {
		t.Errorf(`scan b "" 1 = %q`, lines(out))
	}
	f.mustRun(t, "delete a")
	f.mustRun(t, "delete never-written")
	if _, err := f.run("get a"); err == nil || err.Error() != "get: a: key not found" || errors.Is(err, ErrUsage) {
		t.Errorf("get after delete: %v, want a cluster error get: a: key not found", err)
	}
}

func TestCommandErrors(t *testing.T) {
	cases := map[string]string{
		"frobnicate":             `unknown command "frobnicate" (type help)`,
		"put k":                  "put: want KEY VALUE, got 1 argument (usage: put KEY VALUE)",
		"put k v w":              "put: want KEY VALUE, got 3 arguments (usage: put KEY VALUE)",
		"get":                    "get: want KEY, got 0 arguments (usage: get KEY)",
		"stores x":               "stores: want no arguments, got 1 argument (usage: stores)",
		"split":                  "split: want KEY..., got 0 arguments",
		`put "" v`:               "put: empty key",
		`split a ""`:             "split: empty key",
		"scan a b 0":             `scan: limit "0" is not an integer from 1 to 10000`,
		"scan a b many":          `scan: limit "many"`,
		"scan a b 10001":         `scan: limit "10001"`,
		"regions a -1":           `regions: limit "-1"`,
		"region two":             `region: region id "two" is not a positive integer`,
		"region 0":               `region: region id "0"`,
		"transfer-leader 2 x":    `transfer-leader: store id "x" is not a positive integer`,
		"transfer-leader x 2":    `transfer-leader: region id "x"`,
		"operator add-peer 2":    "operator: want KIND REGION STORE, got 2 arguments",
		"operator merge 2 3":     `operator: unknown kind "merge"`,
		"operator add-peer 2 -4": `operator add-peer: store id "-4"`,
		"operators 0":            `operators: limit "0" is not an integer from 1 to 256`,
		"kill":                   "kill: want STORE, got 0 arguments",
		"kill one":               `kill: store id "one"`,
		"commit":                 "commit: no open transaction (begin one first)",
		"rollback":               "rollback: no open transaction",
		"help nope":              `help: unknown command "nope"`,
		`get "abc`:               "unterminated quoted string",
	}
	f := newFixture(false)
	for line, want := range cases {
		_, err := f.run(line)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrUsage) {
			t.Errorf("%s: error %v, want a usage error containing %q", line, err, want)
		}
		// Check finds the same error without running the command, unless it depends on state.
		if _, cerr := Check(line); strings.Contains(want, "no open transaction") != (cerr == nil) ||
			cerr != nil && cerr.Error() != err.Error() {
			t.Errorf("Check(%s) = %v; Exec fails with %v", line, cerr, err)
		}
	}
}

// Errors from the cluster name the command and are not usage errors.
func TestClusterErrorsNameTheCommand(t *testing.T) {
	f := newFixture(false)
	boom := errors.New("boom")
	f.kv.err, f.admin.err = boom, boom
	for _, line := range []string{"put a 1", "get a", "delete a", "scan", "begin", "regions", "stores", "split k",
		"transfer-leader 2 3", "operator add-peer 2 4", "operator remove-peer 2 3", "operators"} {
		cmd := strings.Fields(line)[0]
		if strings.HasPrefix(line, "operator ") {
			cmd = strings.Join(strings.Fields(line)[:2], " ")
		}
		_, err := f.run(line)
		if !errors.Is(err, boom) || errors.Is(err, ErrUsage) || err.Error() != cmd+": boom" {
			t.Errorf("%s: error %v, want %q", line, err, cmd+": boom")
		}
	}
	if _, err := f.run("region 99"); err == nil || err.Error() != "region: region 99 not found" {
		t.Errorf("region 99: %v", err)
	}
}

// Every cluster call gets Exec's context: a cancelled one stops the command.
func TestExecUsesItsContext(t *testing.T) {
	f := newFixture(false)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "mine"))
	if err := f.sh.Exec(ctx, "put a 1"); err != nil {
		t.Fatal(err)
	}
	if got := f.kv.ctxs[len(f.kv.ctxs)-1]; got.Value(ctxKey{}) != "mine" {
		t.Errorf("put ran with another context")
	}
	cancel()
	for _, line := range []string{"get a", "scan", "begin", "stores"} {
		if err := f.sh.Exec(ctx, line); !errors.Is(err, context.Canceled) {
			t.Errorf("%s on a cancelled context: %v", line, err)
		}
	}
}

type ctxKey struct{}

func TestEmptyLinesAndComments(t *testing.T) {
	f := newFixture(false)
	for _, l := range []string{"", "   ", "# put a 1", "\t# x"} {
		if out, err := f.run(l); err != nil || out != "" {
			t.Errorf("%q: %q, %v", l, out, err)
		}
	}
	if len(f.kv.raw) != 0 {
		t.Errorf("a comment wrote: %v", f.kv.raw)
	}
	if name, err := Check("  # x"); name != "" || err != nil {
		t.Errorf("Check(comment) = %q, %v", name, err)
	}
	if name, err := Check("put a 1"); name != "put" || err != nil || !UsesKV(name) || UsesKV("stores") {
		t.Errorf("Check(put a 1) = %q, %v", name, err)
	}
}

func TestMissingBackends(t *testing.T) {
	sh := New(Config{})
	if err := sh.Exec(context.Background(), "put a 1"); err == nil || !strings.Contains(err.Error(), "put: no key-value client") {
		t.Errorf("put without KV: %v", err)
	}
	if err := sh.Exec(context.Background(), "stores"); err == nil || !strings.Contains(err.Error(), "stores: no scheduler client") {
		t.Errorf("stores without Admin: %v", err)
	}
	if err := sh.Exec(context.Background(), "kill 1"); err == nil || !strings.Contains(err.Error(), "kill: only in the playground") {
		t.Errorf("kill without Nodes: %v", err)
	}
}

// ExecWords takes each word as given: spaces and quotes are part of the key.
func TestExecWordsTakesWordsAsGiven(t *testing.T) {
	f := newFixture(false)
	if err := f.sh.ExecWords(context.Background(), []string{"put", "a b", `"q"`}); err != nil {
		t.Fatal(err)
	}
	if f.kv.txn["a b"] != `"q"` {
		t.Errorf("txn map = %q", f.kv.txn)
	}
	if err := f.sh.ExecWords(context.Background(), nil); err != nil {
		t.Errorf("no words: %v", err)
	}
	if name, err := CheckWords([]string{"scan", "a", "b", "x"}); name != "" || err == nil || !strings.Contains(err.Error(), `limit "x"`) {
		t.Errorf("CheckWords(scan a b x) = %q, %v", name, err)
	}
}
