package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
)

func TestHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &out, &errb); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, want := range []string{"Examples:", "-scheduler", "-timeout", "stores", "regions", "split KEY",
		"store-offline", "store-up", "store-remove", "put KEY VALUE", "get KEY", "gc-safepoint get", "gc-safepoint set TS",
		"-json", "-e COMMANDS", "operator add-peer 2 4", "scan [START [END [LIMIT]]]", "transfer-leader REGION STORE", "begin; put a 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h output lacks %q", want)
		}
	}
}

func TestBadCommandLines(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"no command":      {nil, "no command"},
		"unknown command": {[]string{"frobnicate"}, `unknown command "frobnicate"`},
		"split no keys":   {[]string{"split"}, "split: want KEY..., got 0 arguments"},
		"split empty key": {[]string{"split", "a", ""}, "empty key"},
		"stores extra":    {[]string{"stores", "x"}, "stores: want no arguments, got 1 argument "},
		"store id word":   {[]string{"store-offline", "four"}, `store id "four"`},
		"store id zero":   {[]string{"store-remove", "0"}, `store id "0"`},
		"put one arg":     {[]string{"put", "k"}, "put: want KEY VALUE, got 1 argument "},
		"kill":            {[]string{"kill", "1"}, "kill: only in the playground (tinykv playground)"},
		"put three args":  {[]string{"put", "k", "v", "w"}, "put: want KEY VALUE, got 3 arguments"},
		"get no key":      {[]string{"get"}, "get: want KEY, got 0 arguments"},
		"store-up two":    {[]string{"store-up", "1", "2"}, "store-up: want ID, got 2 arguments"},
		"no scheduler":    {[]string{"-scheduler", ",", "stores"}, "-scheduler: no address"},
		"bad timeout":     {[]string{"-timeout", "0s", "stores"}, "-timeout"},
		"unknown flag":    {[]string{"-nope", "stores"}, "-nope"},
		"region word":     {[]string{"region", "two"}, `region: region id "two" is not a positive integer`},
		"operator kind":   {[]string{"operator", "merge", "2", "3"}, `operator: unknown kind "merge"`},
		"operator count":  {[]string{"operator", "add-peer", "2"}, "operator: want KIND REGION STORE, got 2 arguments"},
		"scan limit":      {[]string{"scan", "a", "b", "0"}, `scan: limit "0"`},
		"-e and command":  {[]string{"-e", "stores", "regions"}, `-e and the command "regions"`},
		"-e empty":        {[]string{"-e", " ; ;"}, "-e: no command"},
		"-e unknown":      {[]string{"-e", "put a 1; frob"}, `unknown command "frob" (type help)`},
		"-e quote":        {[]string{"-e", `get "abc`}, "unterminated quoted string"},
		"-e store id":     {[]string{"-e", "stores; store-up x"}, `store-up: store id "x"`},
		"-e count":        {[]string{"-e", "put a"}, "put: want KEY VALUE, got 1 argument (usage: put KEY VALUE)"},
	}
	for name, c := range cases {
		var out, errb bytes.Buffer
		if code := run(context.Background(), c.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", name, code, errb.String(), c.want)
		}
	}
}

// startScheduler serves an in-process scheduler on 127.0.0.1 and bootstraps it with store 1
// (no real store runs: the region never reports, which is enough for the admin commands).
func startScheduler(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	g := scheduler.NewGRPCServer(srv, scheduler.GRPCConfig{})
	go func() { _ = g.Serve(lis) }()
	t.Cleanup(func() { srv.StopStreams(); g.Stop(); _ = srv.Close() })
	addr := lis.Addr().String()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cli, err := schedclient.New(ctx, []string{addr})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	err = cli.Bootstrap(ctx, &metapb.Store{Id: 1, Address: "127.0.0.1:1"}, &metapb.Region{Id: 2,
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 3, StoreId: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

func ctl(t *testing.T, addr string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"-scheduler", addr, "-timeout", "5s"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// TestAdminCommands: stores and regions list what the scheduler knows; store-offline drains
// (the store still holds the region, so it stays Offline), store-up undoes it, store-remove
// refuses a store that is not a tombstone, and unknown stores are errors naming the store.
func TestAdminCommands(t *testing.T) {
	addr := startScheduler(t)
	if code, out, errs := ctl(t, addr, "stores"); code != 0 || !strings.Contains(out, "127.0.0.1:1") || !strings.Contains(out, "Up") {
		t.Fatalf("stores: exit %d, out %q, err %q", code, out, errs)
	}
	if code, out, errs := ctl(t, addr, "regions"); code != 0 || !strings.Contains(out, "[1]") || !strings.Contains(out, "1/1") {
		t.Fatalf("regions: exit %d, out %q, err %q", code, out, errs)
	}
	if code, out, _ := ctl(t, addr, "store-offline", "1"); code != 0 || !strings.Contains(out, "store 1 is Offline") {
		t.Fatalf("store-offline: exit %d, out %q", code, out)
	}
	if code, _, errs := ctl(t, addr, "store-remove", "1"); code != 1 || !strings.Contains(errs, "store 1 is Offline") {
		t.Fatalf("store-remove of an Offline store: exit %d, err %q", code, errs)
	}
	if code, out, _ := ctl(t, addr, "store-up", "1"); code != 0 || !strings.Contains(out, "store 1 is Up") {
		t.Fatalf("store-up: exit %d, out %q", code, out)
	}
	if code, _, errs := ctl(t, addr, "store-offline", "9"); code != 1 || !strings.Contains(errs, "STORE_NOT_FOUND") {
		t.Fatalf("store-offline 9: exit %d, err %q", code, errs)
	}
	// The only region never reports (no store runs), so the split cannot finish: -timeout ends it.
	code, _, errs := ctl(t, addr, "-timeout", "500ms", "split", "k")
	if code != 1 || !strings.Contains(errs, `"k"`) {
		t.Fatalf("split without a leader: exit %d, err %q", code, errs)
	}
}
