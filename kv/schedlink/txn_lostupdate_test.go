package schedlink_test

import (
	"context"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/sicheck"
)

// counterValue embeds the writing txn's id so every written value is unique.
func counterValue(n, txnID int) string { return fmt.Sprintf("%d:%d", n, txnID) }

// incrementOnce reads the counter, writes it plus one and a marker key named by the txn,
// and returns the outcome.
func incrementOnce(ctx context.Context, cl *client.Client, h *history) (id int, st sicheck.Status, ok bool) {
	tx, err := h.begin(ctx, cl)
	if err != nil {
		return 0, 0, false
	}
	v, found, err := tx.get(ctx, "counter")
	n := 0
	if err == nil && found {
		s, _, _ := strings.Cut(v, ":")
		n, err = strconv.Atoi(s)
	}
	if err != nil {
		tx.abort(ctx)
		return 0, 0, false
	}
	_ = tx.set("counter", counterValue(n+1, tx.rec.ID))
	_ = tx.set(markerKey("inc", tx.rec.ID), "1")
	st, _ = tx.commit(ctx)
	return tx.rec.ID, st, true
}

// TestTxnLostUpdatesUnderFaults: 8 clients increment one counter with read-modify-write
// transactions for 15 s of faults. The final counter equals the number of increments that
// committed: those that reported success plus the undetermined ones whose marker key
// exists (and no aborted one has a marker). kv/sicheck finds no anomaly in the history.
func TestTxnLostUpdatesUnderFaults(t *testing.T) {
	seed := txnSeed(t, 2)
	runLostUpdateTest(t, 3, seed, 8, 15*time.Second)
}

func runLostUpdateTest(t *testing.T, stores int, seed int64, clients int, d time.Duration) {
	// The counter shares its region with the first markers (one-phase commits) until a split
	// or increment 500 moves them apart (two-phase commits).
	tc := newTxnCluster(t, stores, seed, []string{"inc/00000500"})
	cl := tc.client()
	h := &history{}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	chaos := tc.runChaos(ctx, seed, 3, func(r *rand.Rand) string { return markerKey("inc", 1+r.Intn(2000)) })
	gc := tc.advanceGC(ctx, gcLag)
	var mu sync.Mutex
	outcome := map[int]sicheck.Status{}
	var attempts atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				attempts.Add(1)
				tctx, tcancel := context.WithTimeout(context.Background(), 5*time.Second)
				id, st, ok := incrementOnce(tctx, cl, h)
				tcancel()
				if ok {
					mu.Lock()
					outcome[id] = st
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	cancel()
	(<-chaos).report(t)
	t.Logf("GC: safe point %d, %d versions removed", <-gc, tc.gcRemovedSoFar())
	if n := tc.onePhaseCommits(); n == 0 {
		t.Error("no increment committed in one phase")
	} else {
		t.Logf("one-phase commits: %d", n)
	}

	final := finalRead(t, cl, h, "counter", "counter\x00")["counter"]
	markers := finalRead(t, cl, h, "inc/", "inc0")
	s, _, _ := strings.Cut(final, ":")
	got, err := strconv.Atoi(s)
	if final != "" && err != nil {
		t.Fatalf("counter = %q: %v", final, err)
	}
	counts := map[sicheck.Status]int{}
	committed := 0
	for id, st := range outcome {
		counts[st]++
		_, marked := markers[markerKey("inc", id)]
		switch {
		case st == sicheck.Committed && !marked:
			t.Errorf("increment %d reported success but has no marker", id)
		case st == sicheck.Aborted && marked:
			t.Errorf("increment %d reported a conflict but its marker exists", id)
		}
		if marked {
			committed++
		}
	}
	if len(markers) != committed {
		t.Errorf("%d markers, %d of them from recorded increments", len(markers), committed)
	}
	t.Logf("lost updates: %d attempts, %d committed, %d aborted, %d undetermined (%d of those applied); counter %d",
		attempts.Load(), counts[sicheck.Committed], counts[sicheck.Aborted], counts[sicheck.Undetermined],
		committed-counts[sicheck.Committed], got)
	if got != committed {
		t.Errorf("counter is %d, but %d increments committed", got, committed)
	}
	if counts[sicheck.Committed] < 10 {
		t.Errorf("only %d increments committed: too little work to judge", counts[sicheck.Committed])
	}
	h.check(t)
}
