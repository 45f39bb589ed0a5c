package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// shellOperators moves the region's leadership, adds a replica on the free store and removes
// one, each through tinykv-ctl, and waits for the scheduler to report each operator done.
func shellOperators(t *testing.T, c ctlProc, r regionInfo) {
	rid := fmt.Sprint(r.ID)
	r = waitIdle(t, c, r.ID)
	var target, free uint64
	for s := uint64(1); s <= 4; s++ {
		switch {
		case !r.stores()[s]:
			free = s
		case s != r.LeaderStore && target == 0:
			target = s
		}
	}
	out := c.ok("transfer-leader", rid, fmt.Sprint(target))
	if !strings.HasPrefix(out, "operator transfer-leader on region "+rid+": ") {
		t.Errorf("transfer-leader printed %q", out)
	}
	until(t, 30*time.Second, "leadership on the target store", func() (bool, string) {
		var now regionInfo
		c.jsonOK(&now, "region", rid)
		return now.LeaderStore == target, fmt.Sprint(now)
	})
	waitOperator(t, c, r.ID, "transfer-leader")

	c.ok("operator", "add-peer", rid, fmt.Sprint(free))
	waitOperator(t, c, r.ID, "add-peer")
	if out := lines(c.ok("operators")); !strings.Contains(out, "|"+rid+" add-peer success admin ") {
		t.Errorf("operators = %q", out)
	}

	// The replica checker now takes the region back to three replicas; remove-peer is refused
	// while that runs, so ask until it is taken, for a replica that is not the leader's.
	until(t, 30*time.Second, "operator remove-peer accepted", func() (bool, string) {
		var now regionInfo
		c.jsonOK(&now, "region", rid)
		for s := range now.stores() {
			if s != now.LeaderStore {
				code, out, errs := c.run("operator", "remove-peer", rid, fmt.Sprint(s))
				return code == 0, out + errs
			}
		}
		return false, fmt.Sprint(now)
	})
	waitOperator(t, c, r.ID, "remove-peer")
	if out := c.ok("operators"); !strings.Contains(out, "REGION") || !strings.Contains(out, "remove-peer") {
		t.Errorf("operators = %q", out)
	}
}

// waitIdle waits until the region has three replicas, none pending, and no operator runs on
// it (the replica checker is done with it), and returns it.
func waitIdle(t *testing.T, c ctlProc, region uint64) regionInfo {
	t.Helper()
	var r regionInfo
	until(t, 30*time.Second, "the region idle on 3 stores", func() (bool, string) {
		var ops []operatorInfo
		c.jsonOK(&ops, "operators", "256")
		for _, op := range ops {
			if op.RegionID == region && op.Status == "running" {
				return false, fmt.Sprint(op)
			}
		}
		c.jsonOK(&r, "region", fmt.Sprint(region))
		return len(r.Peers) == 3 && len(r.PendingPeers) == 0 && r.LeaderStore != 0, fmt.Sprint(r)
	})
	return r
}

// waitOperator waits until the scheduler lists the newest admin operator of kind on the
// region as finished with success.
func waitOperator(t *testing.T, c ctlProc, region uint64, kind string) {
	t.Helper()
	until(t, 30*time.Second, "operator "+kind+" success", func() (bool, string) {
		var ops []operatorInfo
		c.jsonOK(&ops, "operators", "256")
		for _, op := range ops {
			if op.RegionID == region && op.Kind == kind && op.Source == "admin" {
				return op.Status == "success", fmt.Sprint(op)
			}
		}
		return false, fmt.Sprint(ops)
	})
}

// shellErrors: a bad command line exits 2 with its usage message; a command the cluster
// refuses exits 1 naming the command.
func shellErrors(t *testing.T, c ctlProc, region uint64) {
	for _, args := range [][]string{{"frob"}, {"region", "two"}, {"-e", "put a"}, {"-e", "commit"}} {
		if code, _, errs := c.run(args...); code != 2 || !strings.HasPrefix(errs, "tinykv-ctl: ") {
			t.Errorf("%q: exit %d, stderr %q, want 2", args, code, errs)
		}
	}
	if _, _, errs := c.run("frob"); errs != "tinykv-ctl: unknown command \"frob\" (type help)\n" {
		t.Errorf("frob: stderr %q", errs)
	}
	code, _, errs := c.run("transfer-leader", fmt.Sprint(region), "99")
	if code != 1 || !strings.HasPrefix(errs, "tinykv-ctl: transfer-leader: ") {
		t.Errorf("transfer-leader to store 99: exit %d, stderr %q, want 1", code, errs)
	}
	if code, _, errs := c.run("region", "12345"); code != 1 || !strings.Contains(errs, "region 12345 not found") {
		t.Errorf("region 12345: exit %d, stderr %q", code, errs)
	}
}
