package schedlink_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/sicheck"
)

// txnSeed is $TXN_SEED if set (to replay a run), else def; logged either way.
func txnSeed(t *testing.T, def int64) int64 {
	seed := def
	if s := os.Getenv("TXN_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("TXN_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("seed %d (replay with TXN_SEED=%d)", seed, seed)
	return seed
}

// finalRead reads every pair of [start, end) in one recorded read-only transaction, paging
// by 1000, retrying for up to 30 s while the healed cluster settles.
func finalRead(t *testing.T, cl *client.Client, h *history, start, end string) map[string]string {
	t.Helper()
	var lastErr error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := readAll(ctx, cl, h, start, end)
		cancel()
		if err == nil {
			return out
		}
		lastErr = err
	}
	t.Fatalf("final read of [%s, %s): %v", start, end, lastErr)
	return nil
}

func readAll(ctx context.Context, cl *client.Client, h *history, start, end string) (map[string]string, error) {
	tx, err := h.begin(ctx, cl)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for from := start; ; {
		kvs, err := tx.scan(ctx, from, end, 1000)
		if err != nil {
			tx.abort(ctx)
			return nil, err
		}
		for _, kv := range kvs {
			out[string(kv.Key)] = string(kv.Value)
		}
		if len(kvs) < 1000 {
			break
		}
		from = string(kvs[len(kvs)-1].Key) + "\x00"
	}
	if _, err := tx.commit(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// audit reads the final state: the total must be unchanged; every committed transfer's
// marker must exist and no aborted one's; and each account must hold its initial balance
// plus exactly the transfers whose markers exist (so each applied transfer counted once).
func (b *bankRun) audit(t *testing.T, cl *client.Client) {
	t.Helper()
	for _, s := range b.bad {
		t.Error(s)
	}
	accts := finalRead(t, cl, b.h, acctKey(0), acctKey(bankAccounts))
	markers := finalRead(t, cl, b.h, "xfer/", "xfer0")
	want := make([]int, bankAccounts)
	for i := range want {
		want[i] = bankInitial
	}
	counts := map[sicheck.Status]int{}
	applied := 0
	for _, x := range b.transfers {
		counts[x.status]++
		m, ok := markers[markerKey("xfer", x.id)]
		switch {
		case x.status == sicheck.Committed && !ok:
			t.Errorf("committed transfer %d (%d→%d, %d) has no marker", x.id, x.from, x.to, x.amount)
		case x.status == sicheck.Aborted && ok:
			t.Errorf("aborted transfer %d has a marker %q", x.id, m)
		case ok && m != fmt.Sprintf("%d,%d,%d", x.from, x.to, x.amount):
			t.Errorf("transfer %d's marker is %q, want %d,%d,%d", x.id, m, x.from, x.to, x.amount)
		}
		if ok {
			applied++
			want[x.from] -= x.amount
			want[x.to] += x.amount
		}
	}
	if applied != len(markers) {
		t.Errorf("%d markers, but %d of the recorded transfers have one", len(markers), applied)
	}
	sum := 0
	for i := 0; i < bankAccounts; i++ {
		v, ok := accts[acctKey(i)]
		bal, err := parseBalance(v)
		if !ok || err != nil {
			t.Errorf("account %d: %q, %v (present %v)", i, v, err, ok)
			continue
		}
		sum += bal
		if bal != want[i] {
			t.Errorf("account %d holds %d, the applied transfers give %d", i, bal, want[i])
		}
	}
	if sum != bankAccounts*bankInitial {
		t.Errorf("final total %d, want %d", sum, bankAccounts*bankInitial)
	}
	t.Logf("bank: %d transfers (%d committed, %d aborted, %d undetermined), %d applied; %d snapshot sums checked",
		len(b.transfers), counts[sicheck.Committed], counts[sicheck.Aborted], counts[sicheck.Undetermined], applied, b.sums)
	if counts[sicheck.Committed] < 20 || b.sums < b.minSums {
		t.Errorf("too little work to judge: %d committed transfers, %d sums", counts[sicheck.Committed], b.sums)
	}
}

// regionCount is how many regions the scheduler knows.
func (tc *txnCluster) regionCount() int { return len(tc.regionStarts()) }
