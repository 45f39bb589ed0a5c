package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/scheduler"
)

// gc-safepoint get prints 0 on a new cluster; set raises it and prints the new value; a lower set
// leaves it and says so; a timestamp ahead of the TSO is refused (exit 1, naming safe_point).
func TestGCSafePointCommand(t *testing.T) {
	addr := startScheduler(t)
	if code, out, errs := ctl(t, addr, "gc-safepoint", "get"); code != 0 || out != "gc safe point 0\n" {
		t.Fatalf("get: exit %d, out %q, err %q", code, out, errs)
	}
	ts := scheduler.ComposeTS(time.Now().Add(-time.Hour).UnixMilli(), 0)
	tsText := strconv.FormatUint(ts, 10)
	if code, out, errs := ctl(t, addr, "gc-safepoint", "set", tsText); code != 0 || out != "gc safe point "+tsText+"\n" {
		t.Fatalf("set %s: exit %d, out %q, err %q", tsText, code, out, errs)
	}
	if code, out, _ := ctl(t, addr, "gc-safepoint", "set", "7"); code != 0 || !strings.Contains(out, "gc safe point "+tsText+" (unchanged: 7 is not above it)") {
		t.Fatalf("lower set: exit %d, out %q", code, out)
	}
	if code, out, _ := ctl(t, addr, "gc-safepoint", "get"); code != 0 || out != "gc safe point "+tsText+"\n" {
		t.Fatalf("get after set: exit %d, out %q", code, out)
	}
	future := strconv.FormatUint(scheduler.ComposeTS(time.Now().Add(time.Hour).UnixMilli(), 0), 10)
	if code, _, errs := ctl(t, addr, "gc-safepoint", "set", future); code != 1 || !strings.Contains(errs, "safe_point") {
		t.Fatalf("set ahead of the TSO: exit %d, err %q", code, errs)
	}
}

func TestGCSafePointBadCommandLines(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"no action":    {[]string{"gc-safepoint"}, "gc-safepoint: want get or set TS, got 0 arguments"},
		"unknown":      {[]string{"gc-safepoint", "raise", "5"}, `gc-safepoint: unknown action "raise"`},
		"set no ts":    {[]string{"gc-safepoint", "set"}, `gc-safepoint: want get or set TS, got "set" with 0 more`},
		"get extra":    {[]string{"gc-safepoint", "get", "5"}, `got "get" with 1 more`},
		"set word":     {[]string{"gc-safepoint", "set", "soon"}, `timestamp "soon" is not a positive integer`},
		"set zero":     {[]string{"gc-safepoint", "set", "0"}, `timestamp "0"`},
		"set negative": {[]string{"gc-safepoint", "set", "-5"}, `timestamp "-5"`},
		"three args":   {[]string{"gc-safepoint", "set", "5", "6"}, "got 3 arguments"},
	}
	for name, c := range cases {
		code, _, errs := ctl(t, "127.0.0.1:1", c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", name, code, errs, c.want)
		}
	}
}
