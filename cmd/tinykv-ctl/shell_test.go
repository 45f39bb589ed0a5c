package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Against a scheduler with no running store: -json answers parse, -e runs several commands
// (administration ones too), and state or playground errors are usage errors (exit 2).
func TestShellCommandsWithoutStores(t *testing.T) {
	addr := startScheduler(t)
	code, out, errs := ctl(t, addr, "-json", "stores")
	var stores []struct {
		ID      uint64 `json:"id"`
		Address string `json:"address"`
		State   string `json:"state"`
	}
	if err := json.Unmarshal([]byte(out), &stores); code != 0 || err != nil || len(stores) != 1 || stores[0].Address != "127.0.0.1:1" || stores[0].State != "Up" {
		t.Fatalf("-json stores: exit %d, %+v, %v, stderr %q", code, stores, err, errs)
	}
	code, out, errs = ctl(t, addr, "-json", "-e", "region 2; gc-safepoint get; store-up 1")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var region struct {
		ID    uint64 `json:"id"`
		Peers []struct {
			StoreID uint64 `json:"store_id"`
		} `json:"peers"`
	}
	var gc struct {
		SafePoint *uint64 `json:"safe_point"`
	}
	if code != 0 || len(lines) != 3 || json.Unmarshal([]byte(lines[0]), &region) != nil || region.ID != 2 ||
		len(region.Peers) != 1 || json.Unmarshal([]byte(lines[1]), &gc) != nil || gc.SafePoint == nil ||
		lines[2] != `{"id":1,"state":"Up"}` {
		t.Fatalf("-json -e: exit %d, out %q, stderr %q", code, out, errs)
	}
	code, out, errs = ctl(t, addr, "-e", "stores; region 2")
	if code != 0 || !strings.Contains(out, "ADDRESS") || !strings.Contains(out, "peer 3 on store 1") {
		t.Fatalf("-e stores; region 2: exit %d, out %q, stderr %q", code, out, errs)
	}
	for args, want := range map[string]string{
		"kill 1":           "kill: only in the playground",
		"commit":           "commit: no open transaction",
		"stores; rollback": "rollback: no open transaction",
	} {
		if code, _, errs := ctl(t, addr, "-e", args); code != 2 || !strings.Contains(errs, want) {
			t.Errorf("-e %q: exit %d, stderr %q, want 2 and %q", args, code, errs, want)
		}
	}
	if code, _, errs := ctl(t, addr, "region", "99"); code != 1 || !strings.Contains(errs, "tinykv-ctl: region: region 99 not found") {
		t.Errorf("region 99: exit %d, stderr %q", code, errs)
	}
}
