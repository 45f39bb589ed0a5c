package shell

import (
	"reflect"
	"strings"
	"testing"
)

func TestRegionsAndRegion(t *testing.T) {
	f := newFixture(false)
	want := []string{"ID START END EPOCH LEADER PEERS (store ids)", `2 "" m 3/2 1 [1 2 3]`, `6 m "" 3/2 1 [1 2 3]`}
	if out := f.mustRun(t, "regions"); !reflect.DeepEqual(lines(out), want) {
		t.Errorf("regions = %q, want %q", lines(out), want)
	}
	if out := f.mustRun(t, "regions x"); !reflect.DeepEqual(lines(out), []string{want[0], want[2]}) {
		t.Errorf("regions x = %q", lines(out))
	}
	if out := f.mustRun(t, `regions "" 1`); !reflect.DeepEqual(lines(out), want[:2]) {
		t.Errorf(`regions "" 1 = %q`, lines(out))
	}
	out := f.mustRun(t, "region 6")
	for _, w := range []string{"region 6", "start m", `end ""`, "epoch conf_ver 3, version 2", "leader peer 7 on store 1",
		"peers peer 7 on store 1, peer 8 on store 2, peer 9 on store 3", "pending -", "down -"} {
		if !strings.Contains(strings.Join(lines(out), "\n"), w) {
			t.Errorf("region 6 lacks %q:\n%s", w, out)
		}
	}
}

func TestStoresAndSplit(t *testing.T) {
	f := newFixture(false)
	want := []string{"ID ADDRESS STATE HEALTH HEARTBEAT REPLICAS LEADERS CAPACITY AVAILABLE",
		"1 127.0.0.1:20161 Up up - 2 2 1000B 601B", "2 127.0.0.1:20162 Up up - 2 0 1000B 602B",
		"3 127.0.0.1:20163 Up down - 2 0 1000B 603B"}
	if out := f.mustRun(t, "stores"); !reflect.DeepEqual(lines(out), want) {
		t.Errorf("stores = %q, want %q", lines(out), want)
	}
	if out := f.mustRun(t, `split user100 "a b"`); !reflect.DeepEqual(lines(out), []string{"KEY REGION", "user100 100", `"a b" 101`}) {
		t.Errorf("split = %q", lines(out))
	}
	if len(f.admin.splits) != 2 || string(f.admin.splits[1]) != "a b" {
		t.Errorf("split asked for %q", f.admin.splits)
	}
}

func TestOperatorCommands(t *testing.T) {
	f := newFixture(false)
	cases := map[string]string{
		"transfer-leader 2 3":          "operator transfer-leader on region 2: transfer-leader to store 3 (running)\n",
		"operator transfer-leader 6 2": "operator transfer-leader on region 6: transfer-leader to store 2 (running)\n",
		"operator add-peer 2 4":        "operator add-peer on region 2: add-peer to store 4 (running)\n",
		"operator remove-peer 2 3":     "operator remove-peer on region 2: remove-peer to store 3 (running)\n",
	}
	for _, line := range []string{"transfer-leader 2 3", "operator transfer-leader 6 2", "operator add-peer 2 4", "operator remove-peer 2 3"} {
		if out := f.mustRun(t, line); out != cases[line] {
			t.Errorf("%s printed %q, want %q", line, out, cases[line])
		}
	}
	out := lines(f.mustRun(t, "operators 2"))
	want := []string{"REGION KIND STATUS SOURCE START (UTC) TOOK STEPS",
		"2 remove-peer running admin 22:13:20.000 - remove-peer to store 3",
		"2 add-peer running admin 22:13:20.000 - add-peer to store 4"}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("operators 2 = %q, want %q", out, want)
	}
	if got := len(lines(f.mustRun(t, "operators"))); got != 5 {
		t.Errorf("operators listed %d lines, want a header and 4", got)
	}
}

func TestKillRestart(t *testing.T) {
	f := newFixture(false)
	if out := f.mustRun(t, "kill 2"); out != "store 2 killed\n" {
		t.Errorf("kill 2 printed %q", out)
	}
	if out := f.mustRun(t, "restart 2"); out != "store 2 restarted\n" {
		t.Errorf("restart 2 printed %q", out)
	}
	if _, err := f.run("restart 9"); err == nil || err.Error() != "restart: store 9 is not in the playground" {
		t.Errorf("restart 9: %v", err)
	}
	if !reflect.DeepEqual(f.nodes.log, []string{"kill 2", "restart 2"}) {
		t.Errorf("nodes saw %q", f.nodes.log)
	}
}

func TestHelp(t *testing.T) {
	f := newFixture(false)
	out := f.mustRun(t, "help")
	for _, n := range names() {
		if !strings.Contains(out, commands[n].usage()) {
			t.Errorf("help lacks %q", commands[n].usage())
		}
	}
	if !strings.Contains(out, "double-quoted") {
		t.Errorf("help does not explain quoting")
	}
	if out := f.mustRun(t, "help operator"); !strings.HasPrefix(out, "usage: operator KIND REGION STORE\n") ||
		!strings.Contains(out, "watch it with operators") {
		t.Errorf("help operator = %q", out)
	}
}

func TestCommandsSorted(t *testing.T) {
	got := Commands()
	if len(got) != len(commands) || got[0] != "begin" || got[len(got)-1] != "transfer-leader" {
		t.Errorf("Commands() = %q", got)
	}
	got[0] = "x"
	if Commands()[0] != "begin" {
		t.Errorf("Commands shares its slice")
	}
}
