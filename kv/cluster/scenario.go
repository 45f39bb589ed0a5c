package cluster

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/raft/raftpb"
)

// TB is the part of testing.TB a scenario uses.
type TB interface {
	Helper()
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	TempDir() string
	Name() string
}

// Scenario is one fault-injection run: clients on a cluster for some rounds while the
// network and the stores misbehave, then the course-style generic check, a final read of
// every acknowledged write and a porcupine check of the whole history.
type Scenario struct {
	Stores     int           // default 5
	Clients    int           // generic clients (own prefix, unique keys, scans); default 1
	Contention int           // clients on a small shared key set (per-key linearizability)
	Keys       int           // shared keys for Contention clients; default 5
	Rounds     int           // default 3
	RoundTime  time.Duration // default 1s
	Tick       time.Duration // default 25ms
	GCLimit    uint64        // raft log GC count limit; also checks applied-truncated ≤ 2×GCLimit
	Seed       int64         // 0: from $KV_CLUSTER_SEED, else the clock

	Drop       float64 // drop each message with this probability
	Chaos      bool    // also delay (reorder) and duplicate messages
	Partitions bool    // a random two-way partition about once per election timeout
	Restart    bool    // crash and restart every store between rounds
	CrashOne   bool    // crash a random store during each round and restart it later
	IsolateOne bool    // cut a random store off for the first half of each round (it lags, then catches up)

	// MinSnapshots fails the run if fewer snapshot messages were sent.
	MinSnapshots int64

	// SplitSize, when non-zero, lets regions split past this many bytes; the run then
	// requires the region holding "" to have split, the regions to tile the key space
	// and at least one scan to have crossed a region boundary.
	SplitSize uint64
	// ConfChange adds and removes peers of random regions at random during every round
	// (each region keeps 3 to Stores peers).
	ConfChange bool
	// During, when set, runs beside the clients in every round until the round ends.
	During func(ctx context.Context, c *Cluster, t TB)
}

// Result is what a scenario observed.
type Result struct {
	Seed      int64
	Ops       int
	Unknown   int
	Snapshots int64
	Stats     string
}

// ScenarioSeed returns $KV_CLUSTER_SEED if set, else a clock-based seed.
func ScenarioSeed() int64 {
	if s := os.Getenv("KV_CLUSTER_SEED"); s != "" {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return v
		}
	}
	return time.Now().UnixNano()
}

func (sc *Scenario) fill() {
	if sc.Stores == 0 {
		sc.Stores = 5
	}
	if sc.Clients == 0 && sc.Contention == 0 {
		sc.Clients = 1
	}
	if sc.Keys == 0 {
		sc.Keys = 5
	}
	if sc.Rounds == 0 {
		sc.Rounds = 3
	}
	if sc.RoundTime == 0 {
		sc.RoundTime = time.Second
	}
	if sc.Tick == 0 {
		sc.Tick = 25 * time.Millisecond
	}
	if sc.Seed == 0 {
		sc.Seed = ScenarioSeed()
	}
}

// Run runs the scenario on stores from factory and fails t on any violation.
func (sc Scenario) Run(t TB, factory StoreFactory) Result {
	t.Helper()
	sc.fill()
	t.Logf("scenario %s: seed %d (rerun with KV_CLUSTER_SEED=%d)", t.Name(), sc.Seed, sc.Seed)
	gcTick := time.Duration(0)
	if sc.GCLimit > 0 {
		gcTick = 4 * sc.Tick
	}
	c, err := New(Config{Stores: sc.Stores, Dir: t.TempDir(), Seed: sc.Seed, TickInterval: sc.Tick,
		LogGCCountLimit: sc.GCLimit, GCTickInterval: gcTick, NewStore: factory, RegionSplitSize: sc.SplitSize})
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer c.Shutdown()
	if err := c.Start(); err != nil {
		t.Fatalf("%v", err)
	}
	r := &run{sc: &sc, t: t, c: c, w: NewWorkload(), snaps: &SnapshotInterceptor{},
		rng: rand.New(rand.NewSource(sc.Seed)), crossBefore: CrossRegionScans()}
	c.Net().AddFilter(r.snaps)
	for round := 0; round < sc.Rounds; round++ {
		r.round(round)
		r.between(round)
	}
	return r.finish()
}

// run is one Scenario in progress.
type run struct {
	sc    *Scenario
	t     TB
	c     *Cluster
	w     *Workload
	snaps *SnapshotInterceptor
	rng   *rand.Rand

	crossBefore int64
}

// faults starts the round's background faults; they stop when ctx ends.
func (r *run) faults(ctx context.Context, bg *sync.WaitGroup) {
	sc, c := r.sc, r.c
	if sc.Partitions {
		bg.Add(1)
		go func() { defer bg.Done(); partitioner(ctx, c) }()
	}
	if sc.CrashOne {
		victim, at := uint64(r.rng.Intn(sc.Stores)+1), time.Duration(r.rng.Int63n(int64(sc.RoundTime/2)))
		bg.Add(1)
		go func() { defer bg.Done(); crashOne(ctx, r.t, c, victim, at) }()
	}
	if sc.ConfChange {
		bg.Add(1)
		go func() { defer bg.Done(); churn(ctx, c) }()
	}
	if sc.During != nil {
		bg.Add(1)
		go func() { defer bg.Done(); sc.During(ctx, c, r.t) }()
	}
	if sc.IsolateOne {
		victim := uint64(r.rng.Intn(sc.Stores) + 1)
		bg.Add(1)
		go func() {
			defer bg.Done()
			heal := c.Net().AddFilter(Isolate(victim))
			_ = sleepCtx(ctx, sc.RoundTime/2)
			heal()
		}()
	}
}

// round runs the clients for one round under the faults, then heals the network.
func (r *run) round(round int) {
	sc, c, w := r.sc, r.c, r.w
	removeUnreliable := sc.installUnreliable(c)
	ctx, cancel := context.WithTimeout(context.Background(), sc.RoundTime)
	defer cancel()
	var bg, cw sync.WaitGroup
	r.faults(ctx, &bg)
	cw.Add(1)
	go func() {
		defer cw.Done()
		w.RunContentionRound(ctx, sc.Contention, sc.Keys, sc.Seed+int64(round)*1000, func(int) KVClient { return NewClient(c) })
	}()
	genErr := w.RunGenericRound(ctx, sc.Clients, func(int) KVClient { return NewClient(c) })
	cw.Wait()
	bg.Wait()
	removeUnreliable()
	c.Net().ClearFilters()
	c.Net().AddFilter(r.snaps)
	if genErr != nil {
		r.t.Fatalf("round %d, seed %d: generic check: %v", round, sc.Seed, genErr)
	}
}

// between restarts what the round crashed (and, with Restart, every store) and checks the
// log GC bound.
func (r *run) between(round int) {
	sc, c, t := r.sc, r.c, r.t
	if err := c.Start(); err != nil { // a store crashed by CrashOne comes back
		t.Fatalf("%v", err)
	}
	if sc.Restart {
		for _, id := range c.IDs() {
			if err := c.Crash(id); err != nil {
				t.Fatalf("%v", err)
			}
		}
		if err := c.Start(); err != nil {
			t.Fatalf("%v", err)
		}
	}
	if sc.GCLimit > 0 {
		// Trimming needs a leader: after the restart every store holds its vote for an
		// election timeout, and churn may have left an empty added peer whose vote the
		// election needs (created by the first vote request, it too holds for a timeout).
		if err := CheckLogTrimmed(c, 2*sc.GCLimit, 8*c.ElectionTimeout()); err != nil {
			t.Fatalf("round %d, seed %d: %v", round, sc.Seed, err)
		}
	}
	t.Logf("round %d: %s", round, r.w.Stats.String())
}

// finish reads every acknowledged write back, checks the logs and the whole history.
func (r *run) finish() Result {
	sc, c, w, t := r.sc, r.c, r.w, r.t
	vctx, vcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer vcancel()
	if err := w.VerifyGeneric(vctx, NewClient(c)); err != nil {
		t.Logf("%s", c.Describe())
		t.Fatalf("seed %d: acknowledged writes lost: %v", sc.Seed, err)
	}
	if err := CheckLogs(c); err != nil {
		t.Logf("%s", c.Describe())
		t.Fatalf("seed %d: %v", sc.Seed, err)
	}
	if sc.SplitSize > 0 {
		r.checkSplits()
	}
	res := Result{Seed: sc.Seed, Snapshots: r.snaps.Seen.Load(), Stats: w.Stats.String()}
	res.Ops, res.Unknown = w.Hist.Len()
	t.Logf("seed %d: %d ops (%d ambiguous), %d snapshot messages, network sent %d dropped %d",
		sc.Seed, res.Ops, res.Unknown, res.Snapshots, c.Net().Sent.Load(), c.Net().Dropped.Load())
	if res.Snapshots < sc.MinSnapshots {
		t.Fatalf("seed %d: %d snapshot messages, want at least %d", sc.Seed, res.Snapshots, sc.MinSnapshots)
	}
	if w.Stats.Acked.Load() == 0 {
		t.Logf("%s", c.Describe())
		t.Fatalf("seed %d: no write was acknowledged", sc.Seed)
	}
	pres, err := CheckLinearizable(w.Hist, fmt.Sprintf("%s-seed%d", t.Name(), sc.Seed), CheckTimeout)
	if err != nil {
		t.Fatalf("seed %d: %v", sc.Seed, err)
	}
	if pres == porcupine.Unknown {
		t.Logf("seed %d: porcupine timed out after %v: history not fully checked", sc.Seed, CheckTimeout)
	}
	return res
}

func (sc *Scenario) installUnreliable(c *Cluster) func() {
	var removes []func()
	if sc.Drop > 0 {
		removes = append(removes, c.Net().AddFilter(Drop(sc.Drop)))
	}
	if sc.Chaos {
		removes = append(removes, c.Net().AddFilter(Delay(0.2, 0, 3*sc.Tick)), c.Net().AddFilter(Duplicate(0.05)))
	}
	return func() {
		for _, r := range removes {
			r()
		}
	}
}

// partitioner installs a fresh random two-way partition about once per election timeout
// until ctx ends, then removes it.
func partitioner(ctx context.Context, c *Cluster) {
	et := c.ElectionTimeout()
	remove := func() {}
	defer func() { remove() }()
	for {
		var wait time.Duration
		var a, b []uint64
		c.Net().Rand(func(r *rand.Rand) {
			wait = et/2 + time.Duration(r.Int63n(int64(et)))
			for _, id := range c.IDs() {
				if r.Intn(2) == 0 {
					a = append(a, id)
				} else {
					b = append(b, id)
				}
			}
		})
		remove()
		remove = c.Net().AddFilter(Partition(a, b))
		if sleepCtx(ctx, wait) != nil {
			return
		}
	}
}

// crashOne crashes victim at offset into the round and restarts it an election timeout
// or so later (or when the round ends).
func crashOne(ctx context.Context, t TB, c *Cluster, victim uint64, at time.Duration) {
	if sleepCtx(ctx, at) != nil {
		return
	}
	if err := c.Crash(victim); err != nil {
		t.Errorf("crash %d: %v", victim, err)
		return
	}
	_ = sleepCtx(ctx, 2*c.ElectionTimeout())
	if err := c.Restart(victim); err != nil {
		t.Errorf("restart %d: %v", victim, err)
	}
}

// CheckLogTrimmed waits up to wait for every running store's applied − truncated index of
// every region it hosts to be at most bound, and returns an error naming those above it.
// A store that is no longer a member of the region (a removed peer that has not heard of
// its removal yet) is skipped: nobody compacts its log until it is destroyed.
func CheckLogTrimmed(c *Cluster, bound uint64, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		var bad []string
		members := map[uint64]*metapb.Region{}
		for _, r := range c.LatestRegions() {
			members[r.GetId()] = r
		}
		for _, id := range c.IDs() {
			regions, err := c.HostedRegions(id)
			if err != nil {
				if c.Up(id) {
					bad = append(bad, err.Error())
				}
				continue
			}
			for _, r := range regions {
				if m := members[r]; m != nil && !hasStore(m, id) {
					continue
				}
				st, err := c.ApplyStateOf(id, r)
				if err != nil {
					if c.Up(id) && c.hosts(id, r) {
						bad = append(bad, err.Error())
					}
					continue
				}
				if gap := st.GetAppliedIndex() - st.GetTruncatedState().GetIndex(); gap > bound {
					bad = append(bad, fmt.Sprintf("store %d region %d: applied %d − truncated %d = %d > %d",
						id, r, st.GetAppliedIndex(), st.GetTruncatedState().GetIndex(), gap, bound))
				}
			}
		}
		if len(bad) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("log not trimmed: %v", bad)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkSplits: the regions tile the key space, the first one split, and a scan crossed
// a boundary.
func (r *run) checkSplits() {
	sc, c, t := r.sc, r.c, r.t
	regions := c.LatestRegions()
	if err := CheckTiling(regions); err != nil {
		t.Fatalf("seed %d: %v", sc.Seed, err)
	}
	if len(regions) < 2 || len(regions[0].GetEndKey()) == 0 {
		t.Fatalf("seed %d: the region holding \"\" did not split (%d regions)", sc.Seed, len(regions))
	}
	if n := CrossRegionScans() - r.crossBefore; n == 0 {
		t.Fatalf("seed %d: no scan crossed a region boundary", sc.Seed)
	}
	t.Logf("seed %d: %d regions, %d scans crossed a boundary", sc.Seed, len(regions), CrossRegionScans()-r.crossBefore)
}

// churn adds and removes peers of random regions until ctx ends; each region keeps
// at least 3 peers (a removal happens only above 3) and at most one per store. Refusals (no leader, a change still
// applying, a store down) are part of the game.
func churn(ctx context.Context, c *Cluster) {
	for {
		var wait time.Duration
		var pick, choice int
		c.Net().Rand(func(r *rand.Rand) {
			wait = 50*time.Millisecond + time.Duration(r.Int63n(int64(150*time.Millisecond)))
			pick, choice = r.Int(), r.Int()
		})
		if sleepCtx(ctx, wait) != nil {
			return
		}
		regions := c.LatestRegions()
		if len(regions) == 0 {
			continue
		}
		reg := regions[pick%len(regions)]
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		n := len(reg.GetPeers())
		if n <= 3 || (n < c.Config().Stores && choice%2 == 0) {
			var free []uint64
			for _, id := range c.IDs() {
				if !hasStore(reg, id) {
					free = append(free, id)
				}
			}
			if len(free) > 0 {
				to := free[choice%len(free)]
				_, _ = c.ChangePeerAt(cctx, reg.GetId(), reg.GetRegionEpoch(), raftpb.ConfChangeType_ConfChangeAddNode,
					&metapb.Peer{Id: c.NextPeerID(), StoreId: to})
			}
		} else {
			victim := reg.GetPeers()[choice%n]
			// At the epoch seen, so a stale view never removes below 3 peers.
			_, _ = c.ChangePeerAt(cctx, reg.GetId(), reg.GetRegionEpoch(), raftpb.ConfChangeType_ConfChangeRemoveNode, victim)
		}
		cancel()
	}
}

func hasStore(r *metapb.Region, store uint64) bool {
	for _, p := range r.GetPeers() {
		if p.GetStoreId() == store {
			return true
		}
	}
	return false
}
