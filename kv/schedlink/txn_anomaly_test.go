package schedlink_test

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
)

// multiKeys is the key space of the multi-key workload, split over two regions.
const multiKeys = 20

func multiKey(i int) string { return fmt.Sprintf("m/%02d", i) }

// multiKeyOnce reads 1–4 random keys and writes (or deletes) 1–3 random keys, with values
// naming the txn and key.
func multiKeyOnce(ctx context.Context, cl *client.Client, h *history, rng *rand.Rand) {
	tx, err := h.begin(ctx, cl)
	if err != nil {
		return
	}
	read := map[int]bool{}
	for i := 1 + rng.Intn(4); i > 0; i-- {
		k := rng.Intn(multiKeys)
		if read[k] {
			continue
		}
		read[k] = true
		if _, _, err := tx.get(ctx, multiKey(k)); err != nil {
			tx.abort(ctx)
			return
		}
	}
	wrote := map[int]bool{}
	for i := 1 + rng.Intn(3); i > 0; i-- {
		k := rng.Intn(multiKeys)
		if wrote[k] {
			continue
		}
		wrote[k] = true
		if rng.Intn(8) == 0 {
			_ = tx.del(multiKey(k))
		} else {
			_ = tx.set(multiKey(k), fmt.Sprintf("t%d/%d", tx.rec.ID, k))
		}
	}
	_, _ = tx.commit(ctx)
}

// TestTxnAnomaliesUnderFaults: 8 clients run random multi-key transactions (reads, writes,
// deletes over 20 keys in two regions, so many conflict) and 2 run bank transfers, for 15 s
// of faults; kv/sicheck finds no G0, G1a/b/c, lost update or read skew in the recorded
// history (a final snapshot read of every key included), and does report a G1a planted in
// a copy of it.
func TestTxnAnomaliesUnderFaults(t *testing.T) {
	seed := txnSeed(t, 3)
	runAnomalyTest(t, 3, seed, 8, 2, 15*time.Second)
}

func runAnomalyTest(t *testing.T, stores int, seed int64, clients, transferers int, d time.Duration) {
	tc := newTxnCluster(t, stores, seed, []string{"acct050", "m/", "m/10", "xfer"})
	cl := tc.client()
	h := &history{}
	bankInit(t, cl, h)
	b := &bankRun{h: h}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	chaos := tc.runChaos(ctx, seed, 4, func(r *rand.Rand) string { return multiKey(1 + r.Intn(multiKeys-1)) })
	gc := tc.advanceGC(ctx, gcLag)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.run(cl, seed, transferers, 0, d)
	}()
	deadline := time.Now().Add(d)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed*1000 + 100 + int64(i)))
			for time.Now().Before(deadline) {
				tctx, tcancel := context.WithTimeout(context.Background(), 5*time.Second)
				multiKeyOnce(tctx, cl, h, rng)
				tcancel()
			}
		}(i)
	}
	wg.Wait()
	cancel()
	(<-chaos).report(t)
	t.Logf("GC: safe point %d, %d versions removed", <-gc, tc.gcRemovedSoFar())
	if n := tc.onePhaseCommits(); n == 0 {
		t.Error("no transaction committed in one phase")
	} else {
		t.Logf("one-phase commits: %d", n)
	}
	finalRead(t, cl, h, "m/", "m0")
	b.audit(t, cl)
	h.check(t)
	h.mustCatch(t)
}
