package shell

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// jsonOf runs line in JSON mode and decodes its one JSON value.
func jsonOf(t *testing.T, f *fixture, line string) any {
	t.Helper()
	out := f.mustRun(t, line)
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("%s printed %d lines, want one JSON value: %q", line, strings.Count(out, "\n"), out)
	}
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%s: %v: %q", line, err, out)
	}
	return v
}

func TestJSONData(t *testing.T) {
	f := newFixture(true)
	if v := jsonOf(t, f, "put a 1"); !reflect.DeepEqual(v, map[string]any{"ok": true}) {
		t.Errorf("put = %v", v)
	}
	jsonOf(t, f, `put "\xff" "\x00v"`)
	if v := jsonOf(t, f, "get a"); !reflect.DeepEqual(v, map[string]any{"key": "a", "value": "1"}) {
		t.Errorf("get = %v", v)
	}
	v := jsonOf(t, f, "scan").([]any)
	bin := v[1].(map[string]any)
	if len(v) != 2 || bin["value"] != "\x00v" || bin["key_base64"] != base64.StdEncoding.EncodeToString([]byte{0xff}) {
		t.Errorf("scan = %v", v)
	}
	if v := jsonOf(t, f, "scan b c"); !reflect.DeepEqual(v, []any{}) {
		t.Errorf("empty scan = %#v, want []", v)
	}
	if v := jsonOf(t, f, "delete a"); !reflect.DeepEqual(v, map[string]any{"ok": true}) {
		t.Errorf("delete = %v", v)
	}
}

func TestJSONTxn(t *testing.T) {
	f := newFixture(true)
	if v := jsonOf(t, f, "begin"); !reflect.DeepEqual(v, map[string]any{"start_ts": 101.0}) {
		t.Errorf("begin = %v", v)
	}
	if v := jsonOf(t, f, "put a 1"); !reflect.DeepEqual(v, map[string]any{"ok": true, "txn": true}) {
		t.Errorf("put in txn = %v", v)
	}
	if v := jsonOf(t, f, "commit"); !reflect.DeepEqual(v, map[string]any{"start_ts": 101.0, "commit_ts": 102.0}) {
		t.Errorf("commit = %v", v)
	}
	jsonOf(t, f, "begin")
	if v := jsonOf(t, f, "rollback"); !reflect.DeepEqual(v, map[string]any{"ok": true}) {
		t.Errorf("rollback = %v", v)
	}
}

func TestJSONAdmin(t *testing.T) {
	f := newFixture(true)
	regions := jsonOf(t, f, "regions").([]any)
	want := map[string]any{"id": 6.0, "start_key": "m", "end_key": "", "conf_ver": 3.0, "version": 2.0, "leader_store": 1.0,
		"peers": []any{map[string]any{"id": 7.0, "store_id": 1.0}, map[string]any{"id": 8.0, "store_id": 2.0},
			map[string]any{"id": 9.0, "store_id": 3.0}}}
	if len(regions) != 2 || !reflect.DeepEqual(regions[1], want) {
		t.Errorf("regions[1] = %v, want %v", regions[1], want)
	}
	if v := jsonOf(t, f, "region 6"); !reflect.DeepEqual(v, want) {
		t.Errorf("region 6 = %v", v)
	}
	stores := jsonOf(t, f, "stores").([]any)
	if len(stores) != 3 || !reflect.DeepEqual(stores[0], map[string]any{"id": 1.0, "address": "127.0.0.1:20161", "state": "Up",
		"replicas": 2.0, "leaders": 2.0, "capacity": 1000.0, "available": 601.0, "health": "up", "heartbeat_age_ms": -1.0}) {
		t.Errorf("stores = %v", stores)
	}
	if v := jsonOf(t, f, "split k"); !reflect.DeepEqual(v, []any{map[string]any{"key": "k", "region_id": 100.0}}) {
		t.Errorf("split = %v", v)
	}
	op := map[string]any{"region_id": 2.0, "kind": "add-peer", "desc": "add-peer to store 4", "status": "running",
		"start_unix_ms": 1700000000000.0, "end_unix_ms": 0.0, "source": "admin"}
	if v := jsonOf(t, f, "operator add-peer 2 4"); !reflect.DeepEqual(v, op) {
		t.Errorf("operator add-peer = %v", v)
	}
	if v := jsonOf(t, f, "operators"); !reflect.DeepEqual(v, []any{op}) {
		t.Errorf("operators = %v", v)
	}
	if v := jsonOf(t, f, "kill 3"); !reflect.DeepEqual(v, map[string]any{"store_id": 3.0, "state": "killed"}) {
		t.Errorf("kill = %v", v)
	}
	if v := jsonOf(t, f, "help get"); v.(map[string]any)["usage"] != "get KEY" {
		t.Errorf("help get = %v", v)
	}
	if v := jsonOf(t, f, "help").([]any); len(v) != len(commands) {
		t.Errorf("help listed %d commands, want %d", len(v), len(commands))
	}
}

// In JSON mode an error prints nothing: the caller prints the returned error.
func TestJSONErrorsPrintNothing(t *testing.T) {
	f := newFixture(true)
	for _, line := range []string{"get missing", "frobnicate", "put k", "commit"} {
		if out, err := f.run(line); err == nil || out != "" {
			t.Errorf("%s: printed %q, error %v", line, out, err)
		}
	}
}
