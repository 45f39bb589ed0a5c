package client

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// realTxnSetup starts a real kv/server on a standalone storage (one region, all keys) and a
// scheduler that knows it, and returns a region-aware client: the commands are kv/txn's.
func realTxnSetup(t *testing.T) *Client {
	t.Helper()
	_, addr := standaloneServer(t)
	ts := startScheduler(t)
	ctx := ctxT(t)
	err := ts.admin.Bootstrap(ctx, &metapb.Store{Id: 1, Address: addr}, &metapb.Region{Id: 1,
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 1, StoreId: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return regionClient(t, ts)
}

func TestTxnRealServerCommitScanConflict(t *testing.T) {
	c := realTxnSetup(t)
	ctx := ctxT(t)
	commitKVs(t, c, "a", "1", "b", "2", "c", "3")
	txn, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_ = txn.Delete([]byte("b"))
	_ = txn.Set([]byte("bb"), []byte("x"))
	if got, err := txn.Scan(ctx, []byte("a"), nil, 3); err != nil || kvString(got) != "[a=1 bb=x c=3]" {
		t.Fatalf("Scan = %s, %v", kvString(got), err)
	}
	if got, err := txn.BatchGet(ctx, [][]byte{[]byte("c"), []byte("b"), []byte("a")}); err != nil || kvString(got) != "[c=3 a=1]" {
		t.Fatalf("BatchGet = %s, %v", kvString(got), err)
	}
	other, _ := c.Begin(ctx)
	_ = other.Set([]byte("bb"), []byte("y"))
	if err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitBG(t, txn)
	if err := other.Commit(ctx); !IsRetryable(err) {
		t.Fatalf("conflicting commit: %v; want a ConflictError", err)
	}
	waitBG(t, other)
	if got, want := view(t, c, "a", "b", "bb", "c"), "a=1 b=- bb=x c=3"; got != want {
		t.Fatalf("read %s, want %s", got, want)
	}
}

func TestTxnRealServerResolvesLocks(t *testing.T) {
	c := realTxnSetup(t)
	commitKVs(t, c, "b", "old")
	abandon(t, c, 300*time.Millisecond, false, "b", "new", "s", "new")
	abandon(t, c, time.Minute, true, "p", "1", "q", "2")
	if got, want := view(t, c, "b", "s", "q", "p"), "b=old s=- q=2 p=1"; got != want {
		t.Fatalf("read %s, want %s", got, want)
	}
	// Prewrite meets a lock too: an abandoned txn's lock on w is rolled back by the writer.
	abandon(t, c, 100*time.Millisecond, false, "w", "dead")
	commitKVs(t, c, "w", "live")
	if got := view(t, c, "w"); got != "w=live" {
		t.Fatalf("read %s, want w=live", got)
	}
	ctx := ctxT(t)
	abandon(t, c, time.Millisecond, false, "g", "1")
	time.Sleep(5 * time.Millisecond)
	sp, err := c.route.sched.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.GC(ctx, sp); err != nil {
		t.Fatal(err)
	}
	if got := view(t, c, "g", "b"); got != "g=- b=old" {
		t.Fatalf("after GC: %s", got)
	}
}

// Concurrent read-modify-write increments against the real commands: none is lost.
func TestTxnRealServerNoLostUpdates(t *testing.T) {
	c := realTxnSetup(t)
	ctx := ctxT(t)
	const workers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := incrementOnce(ctx, c, []byte("n")); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		var u *UndeterminedError
		if errors.As(err, &u) {
			t.Fatalf("undetermined commit on a healthy server: %v", err)
		}
		t.Fatal(err)
	}
	if got, want := view(t, c, "n"), fmt.Sprintf("n=%d", workers*each); got != want {
		t.Fatalf("%s, want %s", got, want)
	}
}
