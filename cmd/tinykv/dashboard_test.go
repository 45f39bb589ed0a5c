package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/dashboard/headless"
	"github.com/gee-project/gee/kv/playground"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/schedclient"
)

// storeRow is what the dashboard page shows of one store, read off the rendered DOM.
type storeRow struct {
	state             string
	replicas, leaders int
}

var (
	storeRowRE = regexp.MustCompile(`<tr[^>]*\sdata-store-id="(\d+)"[^>]*>`)
	attrRE     = regexp.MustCompile(`\sdata-(store-state|replicas|leaders)="([^"]*)"`)
)

// storeRows parses the store rows out of a dumped DOM.
func storeRows(dom string) map[uint64]storeRow {
	out := map[uint64]storeRow{}
	for _, m := range storeRowRE.FindAllStringSubmatch(dom, -1) {
		id, _ := strconv.ParseUint(m[1], 10, 64)
		var r storeRow
		for _, a := range attrRE.FindAllStringSubmatch(m[0], -1) {
			switch a[1] {
			case "store-state":
				r.state = a[2]
			case "replicas":
				r.replicas, _ = strconv.Atoi(a[2])
			case "leaders":
				r.leaders, _ = strconv.Atoi(a[2])
			}
		}
		out[id] = r
	}
	return out
}

// TestDashboardInBrowser opens the playground's dashboard in headless Chromium: all four
// stores show up; after a store is killed the page shows it down, and later shows its replicas
// moved to the others. On failure the last screenshot is kept (in $TEST_ARTIFACTS if set).
func TestDashboardInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster and a browser")
	}
	browser, err := headless.Find()
	if err != nil {
		t.Skipf("no headless browser: %v", err)
	}
	t.Logf("browser: %s", browser)
	t.Setenv("TINYKV_TEST_CHILD", "1") // the playground's children are this test binary
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cl, err := playground.Start(ctx, playground.Config{Stores: 4, Executable: os.Args[0], MaxStoreDownTime: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	sc, err := schedclient.New(ctx, []string{cl.SchedulerAddr()})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if _, err := sc.SplitRegions(ctx, [][]byte{[]byte("c"), []byte("f"), []byte("j"), []byte("p")}); err != nil {
		t.Fatal(err)
	}
	url := cl.DashboardURL() + "?interval=300"
	shot := func() {
		dir := os.Getenv("TEST_ARTIFACTS")
		if dir == "" {
			dir = t.TempDir()
		}
		file := filepath.Join(dir, "dashboard-"+time.Now().Format("150405")+".png")
		sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer scancel()
		if err := headless.Screenshot(sctx, url, file); err != nil {
			t.Logf("screenshot: %v", err)
			return
		}
		t.Logf("screenshot of the dashboard: %s", file)
	}
	// waitPage loads the page until cond holds on its store rows.
	waitPage := func(what string, d time.Duration, cond func(rows map[uint64]storeRow) bool) map[uint64]storeRow {
		t.Helper()
		deadline := time.Now().Add(d)
		var rows map[uint64]storeRow
		var last string
		for time.Now().Before(deadline) {
			dom, err := headless.DumpDOM(ctx, url, 2*time.Second)
			if err != nil {
				last = err.Error()
			} else if rows = storeRows(dom); cond(rows) {
				return rows
			} else {
				last = fmt.Sprintf("%+v", rows)
			}
			time.Sleep(time.Second)
		}
		shot()
		t.Fatalf("dashboard never showed %s within %v; last: %s", what, d, last)
		return nil
	}
	rows := waitPage("four stores up, replicas spread", time.Minute, func(rows map[uint64]storeRow) bool {
		if len(rows) != 4 {
			return false
		}
		for _, r := range rows {
			if r.state != "up" || r.replicas == 0 {
				return false
			}
		}
		return true
	})
	victim := uint64(2)
	t.Logf("before the kill: %+v; killing store %d", rows, victim)
	if err := cl.Kill(victim); err != nil {
		t.Fatal(err)
	}
	waitPage(fmt.Sprintf("store %d down", victim), time.Minute, func(rows map[uint64]storeRow) bool {
		return rows[victim].state == "down"
	})
	rows = waitPage(fmt.Sprintf("store %d's replicas moved", victim), 2*time.Minute, func(rows map[uint64]storeRow) bool {
		total := 0
		for id, r := range rows {
			if id != victim {
				total += r.replicas
			}
		}
		return rows[victim].replicas == 0 && total >= 3*5 && total%3 == 0
	})
	t.Logf("after: %+v", rows)
	// The page agrees with the scheduler: every region has three replicas, none on the victim.
	regions, err := sc.ScanRegions(ctx, nil, nil, 0)
	if err != nil || len(regions) < 5 {
		t.Fatalf("scan regions: %d, %v", len(regions), err)
	}
	for _, r := range regions {
		peers, voters := r.Meta.GetPeers(), 0
		for _, p := range peers {
			if p.GetStoreId() == victim {
				t.Errorf("region %d still has a replica on store %d: %v", r.Meta.GetId(), victim, peers)
			}
			if p.GetRole() != metapb.PeerRole_Learner { // a balance move's learner may be in flight
				voters++
			}
		}
		if voters < 3 {
			t.Errorf("region %d has %d voters: %v", r.Meta.GetId(), voters, peers)
		}
	}
}
