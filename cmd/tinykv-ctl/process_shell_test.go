package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// ctlProc runs the tinykv-ctl binary against one scheduler.
type ctlProc struct {
	t     *testing.T
	bin   string
	sched string
}

// run returns the exit code, stdout and stderr.
func (c ctlProc) run(args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(c.bin, append([]string{"-scheduler", c.sched, "-timeout", "20s"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errb.String()
	case err != nil:
		c.t.Fatalf("tinykv-ctl %v: %v", args, err)
	}
	return 0, out.String(), errb.String()
}

// ok runs a command that must succeed and returns its stdout.
func (c ctlProc) ok(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code != 0 {
		c.t.Fatalf("tinykv-ctl %q: exit %d, stderr %s", args, code, errs)
	}
	return out
}

// jsonOK runs a command with -json and decodes its output into v.
func (c ctlProc) jsonOK(v any, args ...string) {
	c.t.Helper()
	out := c.ok(append([]string{"-json"}, args...)...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("tinykv-ctl -json %q: %v: %q", args, err, out)
	}
}

type regionInfo struct {
	ID          uint64 `json:"id"`
	LeaderStore uint64 `json:"leader_store"`
	Peers       []struct {
		StoreID uint64 `json:"store_id"`
	} `json:"peers"`
	PendingPeers []any `json:"pending_peers"`
}

func (r regionInfo) stores() map[uint64]bool {
	m := map[uint64]bool{}
	for _, p := range r.Peers {
		m[p.StoreID] = true
	}
	return m
}

type operatorInfo struct {
	RegionID uint64 `json:"region_id"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Source   string `json:"source"`
}

// TestProcessShellCommands runs the real binaries (a scheduler without balance schedulers
// and four stores, so the region's three replicas leave one store free) and drives them
// through tinykv-ctl's shell commands: raw put/get/delete/scan, a transaction in one -e,
// -json output, transfer-leader, operator add-peer and remove-peer, and the exit codes of a
// bad command line (2) and of a command the cluster refuses (1).
func TestProcessShellCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the tinykv binaries")
	}
	bins := buildBinaries(t, "tinykv-scheduler", "tinykv-server", "tinykv-ctl")
	addrs := freePorts(t, 5)
	startProc(t, bins["tinykv-scheduler"], "-data", t.TempDir(), "-addr", addrs[0], "-schedule-interval", "50ms", "-schedulers", "")
	for i := 1; i <= 4; i++ {
		startProc(t, bins["tinykv-server"], "-data", t.TempDir(), "-store-id", fmt.Sprint(i),
			"-scheduler", addrs[0], "-addr", addrs[i], "-tick", "20ms", "-region-heartbeat", "200ms")
	}
	c := ctlProc{t: t, bin: bins["tinykv-ctl"], sched: addrs[0]}
	var region regionInfo
	until(t, 30*time.Second, "the region on 3 stores", func() (bool, string) {
		var rs []regionInfo
		code, out, _ := c.run("-json", "regions")
		if code != 0 || json.Unmarshal([]byte(out), &rs) != nil || len(rs) != 1 {
			return false, out
		}
		region = rs[0]
		return len(region.Peers) == 3 && len(region.PendingPeers) == 0 && region.LeaderStore != 0, out
	})
	shellData(t, c)
	shellOperators(t, c, region)
	shellErrors(t, c, region.ID)
}

// shellData: raw commands, a transaction in one -e, and their JSON.
func shellData(t *testing.T, c ctlProc) {
	c.ok("put", "k1", "v1")
	c.ok("put", "k 2", "v\x012") // arguments are taken as given
	if out := c.ok("get", "k1"); out != "v1\n" {
		t.Errorf("get k1 = %q", out)
	}
	if out := lines(c.ok("scan", "k")); out != `KEY VALUE|"k 2" "v\x012"|k1 v1|(2 pairs)` {
		t.Errorf("scan k = %q", out)
	}
	c.ok("delete", "k1")
	if code, _, errs := c.run("get", "k1"); code != 1 || errs != "tinykv-ctl: get: k1: key not found\n" {
		t.Errorf("get after delete: exit %d, stderr %q", code, errs)
	}
	out := c.ok("-e", `begin; put t1 a; put "t 2" b; get t1; commit`)
	if !strings.Contains(out, "\na\n") || !strings.Contains(out, "committed at ts ") {
		t.Errorf("begin..commit printed %q", out)
	}
	if out := lines(c.ok("-e", "begin; scan t; rollback")); !strings.Contains(out, `|"t 2" b|t1 a|(2 pairs)|`) {
		t.Errorf("a later transaction sees %q", out)
	}
	var pairs []struct{ Key, Value string }
	c.jsonOK(&pairs, "scan", "k", "l")
	if len(pairs) != 1 || pairs[0].Key != "k 2" || pairs[0].Value != "v\x012" {
		t.Errorf("-json scan k l = %q", pairs)
	}
	res := strings.Split(strings.TrimSpace(c.ok("-json", "-e", "begin; put j 1; commit")), "\n")
	var begin, commit struct {
		StartTS  uint64 `json:"start_ts"`
		CommitTS uint64 `json:"commit_ts"`
	}
	if len(res) != 3 || json.Unmarshal([]byte(res[0]), &begin) != nil || json.Unmarshal([]byte(res[2]), &commit) != nil ||
		res[1] != `{"ok":true,"txn":true}` || commit.StartTS != begin.StartTS || commit.CommitTS <= begin.StartTS {
		t.Errorf("-json begin..commit printed %q", res)
	}
	if code, _, errs := c.run("-e", "begin; put open 1"); code != 1 || !strings.Contains(errs, "left open without commit: rolled back") {
		t.Errorf("a transaction left open: exit %d, stderr %q", code, errs)
	}
}

// lines joins s's lines with "|", runs of spaces collapsed.
func lines(s string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(out, "|")
}
