package kv

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/schedclient"
)

// The region-aware TinyKV cluster: tinykv-scheduler plus 3 stores started
// with -scheduler, its key space pre-split at splitKeys() so the workloads
// spread evenly over the regions, and leaders balanced by the scheduler
// before anything is measured.

// schedBinEnv names a prebuilt tinykv-scheduler to use instead of building
// ../../cmd/tinykv-scheduler (KVBENCH_TINYKV_BIN's counterpart).
const schedBinEnv = "KVBENCH_SCHEDULER_BIN"

// leadersEnv set to "one" runs the scheduler without balance-leader
// (-schedulers balance-region) and does not wait for a balance: leaders
// stay where the splits' elections put them, mostly on the store that led
// the first region (5/1/2 in one run). Unset or "spread" (the default)
// balances them to at most one apart.
const leadersEnv = "KVBENCH_LEADERS"

// spreadLeaders reads leadersEnv.
func spreadLeaders() (bool, error) {
	switch v := os.Getenv(leadersEnv); v {
	case "", "spread":
		return true, nil
	case "one":
		return false, nil
	default:
		return false, fmt.Errorf("%s=%q: want spread or one", leadersEnv, v)
	}
}

// schedStores is the number of stores (and replicas per region).
const schedStores = 3

// clusterWait bounds each wait for the cluster to reach a state (3 replicas,
// the splits, balanced leaders); the scheduler hears of most changes at once
// but of some only with the stores' 10 s periodic region heartbeats.
const clusterWait = 3 * time.Minute

// schedMissing says why the scheduler cluster cannot run here ("" when it can).
func schedMissing() string {
	if m := geeMissing(); m != "" {
		return m
	}
	if os.Getenv(schedBinEnv) == "" {
		if _, err := os.Stat("../../cmd/tinykv-scheduler/main.go"); err != nil {
			return "cmd/tinykv-scheduler is not in the tree"
		}
	}
	return ""
}

// geeBin returns the binary named by env, or builds pkg from the root module.
func geeBin(tb testing.TB, env, pkg string) string {
	if bin := os.Getenv(env); bin != "" {
		return bin
	}
	return buildBinary(tb, "../..", pkg)
}

// startGeeRegions starts a scheduler and 3 stores registered with it, waits
// until the first region has 3 replicas, splits it into len(splits)+1
// regions, waits until their leaders are spread over the stores (at most one
// apart), and connects a kv/client in scheduler mode. extra flags go to every
// store.
func startGeeRegions(tb testing.TB, dir string, splits [][]byte, extra ...string) *cluster {
	tb.Helper()
	serverBin := geeBin(tb, geeBinEnv, "./cmd/tinykv-server")
	schedBin := geeBin(tb, schedBinEnv, "./cmd/tinykv-scheduler")
	spread, err := spreadLeaders()
	if err != nil {
		tb.Fatal(err)
	}
	schedArgs := []string{"-data", filepath.Join(dir, "sched")}
	if !spread {
		schedArgs = append(schedArgs, "-schedulers", "balance-region")
	}
	ports := freePorts(tb, schedStores+1)
	schedAddr := fmt.Sprintf("127.0.0.1:%d", ports[0])
	var procs []*proc
	fail := func(err error) {
		for _, p := range slices.Backward(procs) {
			p.stop()
		}
		tb.Fatal(err)
	}
	p, err := tryStartProc("tinykv-scheduler", schedBin, append(schedArgs, "-addr", schedAddr),
		filepath.Join(dir, "sched.log"), "listening on", 60*time.Second)
	if err != nil {
		fail(err)
	}
	procs = append(procs, p)
	// One at a time: the first store bootstraps the cluster, the others join it empty.
	for i := 1; i <= schedStores; i++ {
		name := fmt.Sprintf("s%d", i)
		args := append([]string{"-store-id", fmt.Sprint(i), "-addr", fmt.Sprintf("127.0.0.1:%d", ports[i]),
			"-data", filepath.Join(dir, name), "-scheduler", schedAddr}, extra...)
		p, err := tryStartProc("tinykv "+name, serverBin, args, filepath.Join(dir, name+".log"),
			"listening on", 60*time.Second)
		if err != nil {
			fail(err)
		}
		procs = append(procs, p)
	}
	if err := prepareRegions(tb, schedAddr, splits, spread); err != nil {
		fail(fmt.Errorf("%w\nscheduler log:\n%s", err, tailFile(filepath.Join(dir, "sched.log"))))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cli, err := client.NewWithScheduler(ctx, []string{schedAddr})
	if err != nil {
		fail(err)
	}
	return &cluster{store: geeStore{cli}, txn: geeTxn{cli}, procs: procs, close: func() {
		logLeaders(tb, schedAddr, "after the workloads")
		cli.Close()
		for _, p := range slices.Backward(procs) { // stores first, the scheduler last
			p.stop()
		}
	}}
}

// prepareRegions drives the cluster at schedAddr to len(splits)+1 fully
// replicated regions, with balanced leaders if spread, logging the leader
// spread.
func prepareRegions(tb testing.TB, schedAddr string, splits [][]byte, spread bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*clusterWait)
	defer cancel()
	sc, err := schedclient.New(ctx, []string{schedAddr})
	if err != nil {
		return err
	}
	defer sc.Close()
	t0 := time.Now()
	if _, err := waitRegions(ctx, sc, "3 replicas of the first region", func(v regionView) bool {
		return len(v.regions) == 1 && v.replicated
	}); err != nil {
		return err
	}
	tb.Logf("first region replicated %d times after %v", schedStores, time.Since(t0).Round(time.Millisecond))
	if len(splits) > 0 {
		t1 := time.Now()
		if err := splitAt(ctx, sc, splits); err != nil {
			return err
		}
		tb.Logf("split into %d regions in %v", len(splits)+1, time.Since(t1).Round(time.Millisecond))
	}
	t2 := time.Now()
	v, err := waitRegions(ctx, sc, "balanced leaders", func(v regionView) bool {
		return len(v.regions) == len(splits)+1 && v.replicated && (v.balanced() || !spread)
	})
	if err != nil {
		return err
	}
	tb.Logf("leaders per store %v after %v (regions %s)", v.leaders, time.Since(t2).Round(time.Millisecond), v)
	return nil
}

// logLeaders logs the leader spread the scheduler sees (or why it cannot),
// so a run shows whether leaders moved while it was measured.
func logLeaders(tb testing.TB, schedAddr, when string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sc, err := schedclient.New(ctx, []string{schedAddr})
	if err != nil {
		tb.Logf("leaders %s: %v", when, err)
		return
	}
	defer sc.Close()
	v, err := viewRegions(ctx, sc)
	if err != nil {
		tb.Logf("leaders %s: %v", when, err)
		return
	}
	tb.Logf("leaders per store %s: %v over %d regions (%s)", when, v.leaders, len(v.regions), v)
}

// regionView is the scheduler's picture of the cluster at one moment.
type regionView struct {
	regions []*schedclient.Region
	// leaders counts the regions each store leads (every store listed, even with none).
	leaders map[uint64]int
	// replicated: every region has schedStores peers, on distinct stores, and a known leader.
	replicated bool
}

// viewRegions reads every region and store from the scheduler.
func viewRegions(ctx context.Context, sc *schedclient.Client) (regionView, error) {
	v := regionView{leaders: map[uint64]int{}, replicated: true}
	stores, err := sc.GetAllStores(ctx, true)
	if err != nil {
		return v, err
	}
	for _, st := range stores {
		v.leaders[st.GetId()] = 0
	}
	var start []byte
	for range 1000 { // pages; far more than the benchmark's regions need
		page, err := sc.ScanRegions(ctx, start, nil, 0)
		if err != nil {
			return v, err
		}
		v.regions = append(v.regions, page...)
		if len(page) == 0 || len(page[len(page)-1].Meta.GetEndKey()) == 0 {
			break
		}
		if bytes.Compare(page[len(page)-1].Meta.GetEndKey(), start) <= 0 {
			return v, fmt.Errorf("scan regions from %q: the page ends at %q", start, page[len(page)-1].Meta.GetEndKey())
		}
		start = page[len(page)-1].Meta.GetEndKey()
	}
	for _, r := range v.regions {
		v.add(r)
	}
	return v, nil
}

// add counts r's leader and clears replicated unless r has schedStores
// peers on distinct stores and a known leader.
func (v *regionView) add(r *schedclient.Region) {
	peers := r.Meta.GetPeers()
	onStores := map[uint64]bool{}
	for _, p := range peers {
		onStores[p.GetStoreId()] = true
	}
	if len(peers) != schedStores || len(onStores) != schedStores || r.Leader == nil {
		v.replicated = false
	}
	if r.Leader != nil {
		v.leaders[r.Leader.GetStoreId()]++
	}
}

// balanced: schedStores stores, whose leader counts differ by at most one.
func (v regionView) balanced() bool {
	if len(v.leaders) != schedStores {
		return false
	}
	lo, hi := math.MaxInt, 0
	for _, n := range v.leaders {
		lo, hi = min(lo, n), max(hi, n)
	}
	return hi-lo <= 1
}

// String lists each region's start key, leader store and replica stores.
func (v regionView) String() string {
	var b strings.Builder
	for i, r := range v.regions {
		if i > 0 {
			b.WriteString(", ")
		}
		lead := uint64(0)
		if r.Leader != nil {
			lead = r.Leader.GetStoreId()
		}
		fmt.Fprintf(&b, "%d[%q..) on s%d/%d peers", r.Meta.GetId(), r.Meta.GetStartKey(), lead, len(r.Meta.GetPeers()))
	}
	return b.String()
}

// waitRegions polls the scheduler until ok holds, for at most clusterWait.
// On timeout the error names what was awaited and the last view.
func waitRegions(ctx context.Context, sc *schedclient.Client, what string, ok func(regionView) bool) (regionView, error) {
	ctx, cancel := context.WithTimeout(ctx, clusterWait)
	defer cancel()
	var last regionView
	var lastErr error
	for {
		v, err := viewRegions(ctx, sc)
		if err == nil && ok(v) {
			return v, nil
		}
		if err == nil {
			last = v
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("no %s within %v: leaders per store %v, regions %s (last error %v)",
				what, clusterWait, last.leaders, last, lastErr)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// splitAt has the scheduler split the cluster at keys (its admin
// SplitRegions: each region's leader is told in its next heartbeat
// response) and waits until every key starts a region.
func splitAt(ctx context.Context, sc *schedclient.Client, keys [][]byte) error {
	ctx, cancel := context.WithTimeout(ctx, clusterWait)
	defer cancel()
	ids, err := sc.SplitRegions(ctx, keys)
	if err != nil {
		return fmt.Errorf("split at %q: %w", keys, err)
	}
	if len(ids) != len(keys) {
		return fmt.Errorf("split at %d keys: the scheduler names %d regions", len(keys), len(ids))
	}
	return nil
}
