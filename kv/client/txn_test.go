package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"google.golang.org/grpc/codes"
)

// txnSetup is regionSetup with a transactional fake store: 3 stores, regions split at g
// and p.
func txnSetup(t *testing.T) (*fakeCluster, *testScheduler, *Client) {
	fc, ts := regionSetup(t, 3, "g", "p")
	return fc, ts, regionClient(t, ts)
}

// waitBG waits for a transaction's background work (secondaries, cleanup).
func waitBG(t *testing.T, txn *Txn) {
	t.Helper()
	select {
	case <-txn.bg:
	case <-time.After(15 * time.Second):
		t.Fatal("transaction's background work did not end")
	}
}

func (c *fakeCluster) lockCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.mvcc().locks)
}

// commitKVs commits the pairs in one transaction.
func commitKVs(t *testing.T, c *Client, kvs ...string) *Txn {
	t.Helper()
	ctx := ctxT(t)
	txn, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(kvs); i += 2 {
		if err := txn.Set([]byte(kvs[i]), []byte(kvs[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitBG(t, txn)
	return txn
}

// view reads keys in a new transaction: "k=v" or "k=-" when absent.
func view(t *testing.T, c *Client, keys ...string) string {
	t.Helper()
	ctx := ctxT(t)
	txn, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		v, err := txn.Get(ctx, []byte(k))
		switch {
		case errors.Is(err, ErrNotFound):
			out = append(out, k+"=-")
		case err != nil:
			t.Fatalf("Get(%s): %v", k, err)
		default:
			out = append(out, k+"="+string(v))
		}
	}
	return strings.Join(out, " ")
}

func TestTxnCommitAndReadBack(t *testing.T) {
	fc, _, c := txnSetup(t)
	ctx := ctxT(t)
	w := commitKVs(t, c, "a", "1", "h", "2", "q", "3")
	if w.CommitTS() <= w.StartTS() {
		t.Fatalf("commit ts %d not after start ts %d", w.CommitTS(), w.StartTS())
	}
	if n := fc.lockCount(); n != 0 {
		t.Fatalf("%d locks left after commit and secondaries", n)
	}
	if got, want := view(t, c, "a", "h", "q", "z"), "a=1 h=2 q=3 z=-"; got != want {
		t.Fatalf("read back %s, want %s", got, want)
	}
	r, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.BatchGet(ctx, [][]byte{[]byte("q"), []byte("b"), []byte("a")})
	if err != nil || kvString(got) != "[q=3 a=1]" {
		t.Fatalf("BatchGet = %s, %v", kvString(got), err)
	}
	got, err = r.Scan(ctx, nil, nil, 10)
	if err != nil || kvString(got) != "[a=1 h=2 q=3]" {
		t.Fatalf("Scan = %s, %v", kvString(got), err)
	}
	if err := r.Commit(ctx); err != nil || r.CommitTS() != r.StartTS() {
		t.Fatalf("read-only commit: %v, commit ts %d (start %d)", err, r.CommitTS(), r.StartTS())
	}
	// A snapshot does not see later commits.
	old, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	commitKVs(t, c, "a", "new")
	if v, err := old.Get(ctx, []byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("old snapshot Get(a) = %q, %v; want 1", v, err)
	}
}

func TestTxnReadYourWrites(t *testing.T) {
	_, _, c := txnSetup(t)
	ctx := ctxT(t)
	commitKVs(t, c, "a", "1", "b", "2", "c", "3", "d", "4", "x", "5")
	txn, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{txn.Set([]byte("bb"), []byte("new")), txn.Delete([]byte("b")),
		txn.Set([]byte("x"), []byte("6")), txn.Delete([]byte("zz"))} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if v, err := txn.Get(ctx, []byte("x")); err != nil || string(v) != "6" {
		t.Fatalf("Get(x) = %q, %v; want own write 6", v, err)
	}
	if _, err := txn.Get(ctx, []byte("b")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(b) after own delete: %v", err)
	}
	for _, tc := range []struct {
		limit int
		want  string
	}{{3, "[a=1 bb=new c=3]"}, {1, "[a=1]"}, {10, "[a=1 bb=new c=3 d=4 x=6]"}} {
		if got, err := txn.Scan(ctx, []byte("a"), nil, tc.limit); err != nil || kvString(got) != tc.want {
			t.Fatalf("Scan limit %d = %s, %v; want %s", tc.limit, kvString(got), err, tc.want)
		}
	}
	if got, err := txn.Scan(ctx, []byte("b"), []byte("d"), 10); err != nil || kvString(got) != "[bb=new c=3]" {
		t.Fatalf("Scan [b, d) = %s, %v", kvString(got), err)
	}
	if got, err := txn.BatchGet(ctx, [][]byte{[]byte("b"), []byte("bb"), []byte("c")}); err != nil || kvString(got) != "[bb=new c=3]" {
		t.Fatalf("BatchGet = %s, %v", kvString(got), err)
	}
	if _, err := txn.Scan(ctx, nil, nil, 0); err == nil {
		t.Fatal("Scan with limit 0 succeeded")
	}
	if err := txn.Set(nil, []byte("v")); err == nil {
		t.Fatal("Set of an empty key succeeded")
	}
	if err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitBG(t, txn)
	if got, want := view(t, c, "a", "b", "bb", "x", "zz"), "a=1 b=- bb=new x=6 zz=-"; got != want {
		t.Fatalf("after commit %s, want %s", got, want)
	}
}

func TestTxnRollback(t *testing.T) {
	fc, _, c := txnSetup(t)
	ctx := ctxT(t)
	txn, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_ = txn.Set([]byte("a"), []byte("1"))
	fc.takeCalls()
	if err := txn.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if calls := fc.takeCalls(); len(calls) != 0 {
		t.Fatalf("rollback of an uncommitted txn sent %s", callString(calls))
	}
	if err := txn.Set([]byte("b"), nil); !errors.Is(err, ErrTxnDone) {
		t.Fatalf("Set after Rollback: %v", err)
	}
	if _, err := txn.Get(ctx, []byte("a")); !errors.Is(err, ErrTxnDone) {
		t.Fatalf("Get after Rollback: %v", err)
	}
	if err := txn.Commit(ctx); !errors.Is(err, ErrTxnDone) {
		t.Fatalf("Commit after Rollback: %v", err)
	}
	if got := view(t, c, "a"); got != "a=-" {
		t.Fatalf("rolled-back write visible: %s", got)
	}
}

func TestTxnWriteConflict(t *testing.T) {
	_, _, c := txnSetup(t)
	ctx := ctxT(t)
	t1, _ := c.Begin(ctx)
	t2, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_ = t1.Set([]byte("k"), []byte("1"))
	_ = t2.Set([]byte("k"), []byte("2"))
	_ = t2.Set([]byte("z"), []byte("2"))
	if err := t1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	err = t2.Commit(ctx)
	var ce *ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) || !IsRetryable(err) || string(ce.Key) != "k" || ce.StartTS != t2.StartTS() {
		t.Fatalf("second writer's commit: %v; want a ConflictError on k", err)
	}
	waitBG(t, t2)
	if got := view(t, c, "k", "z"); got != "k=1 z=-" {
		t.Fatalf("after conflict: %s, want k=1 z=-", got)
	}
	if IsRetryable(errors.New("other")) || IsRetryable(&UndeterminedError{Err: errors.New("x")}) {
		t.Fatal("IsRetryable true for a non-conflict")
	}
}

// Concurrent read-modify-write increments with a retry loop: none is lost.
func TestTxnIncrementsWithRetry(t *testing.T) {
	_, _, c := txnSetup(t)
	ctx := ctxT(t)
	const workers, each = 4, 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	var conflicts int
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n, err := incrementOnce(ctx, c, []byte("counter"))
				mu.Lock()
				conflicts += n
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	if got, want := view(t, c, "counter"), fmt.Sprintf("counter=%d", workers*each); got != want {
		t.Fatalf("%s, want %s (%d conflicts retried)", got, want, conflicts)
	}
}

// incrementOnce adds 1 to key, retrying conflicts (at most 200 times); it returns how many
// conflicts it retried.
func incrementOnce(ctx context.Context, c *Client, key []byte) (int, error) {
	for try := 0; try < 200; try++ {
		txn, err := c.Begin(ctx)
		if err != nil {
			return try, err
		}
		n := 0
		v, err := txn.Get(ctx, key)
		if err == nil {
			n, _ = strconv.Atoi(string(v))
		} else if !errors.Is(err, ErrNotFound) {
			return try, err
		}
		_ = txn.Set(key, []byte(strconv.Itoa(n+1)))
		err = txn.Commit(ctx)
		if !IsRetryable(err) {
			return try, err
		}
	}
	return 200, errors.New("increment: too many conflicts")
}

// abandon prewrites the pairs of a transaction with the given lock TTL and, if commitPrimary,
// commits its primary (the first key in order) only: a client that died mid-commit.
func abandon(t *testing.T, c *Client, ttl time.Duration, commitPrimary bool, kvs ...string) *Txn {
	t.Helper()
	ctx := ctxT(t)
	txn, err := c.Begin(ctx, WithLockTTL(ttl))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(kvs); i += 2 {
		_ = txn.Set([]byte(kvs[i]), []byte(kvs[i+1]))
	}
	muts, err := txn.seal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := txn.prewrite(ctx, muts, lockTTL(ttl, muts), false); err != nil {
		t.Fatal(err)
	}
	if commitPrimary {
		ts, err := c.route.sched.GetTS(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := txn.commitPrimary(ctx, muts[0].Key, ts); err != nil {
			t.Fatal(err)
		}
		txn.setCommitTS(ts)
	}
	return txn
}

// A reader meets the locks of a transaction whose client died before committing: it waits
// out the TTL, rolls the transaction back and reads the older value.
func TestTxnResolvesAbandonedLocks(t *testing.T) {
	fc, _, c := txnSetup(t)
	commitKVs(t, c, "b", "old")
	dead := abandon(t, c, 300*time.Millisecond, false, "b", "new", "s", "new")
	if fc.lockCount() != 2 {
		t.Fatalf("%d locks after the abandoned prewrite, want 2", fc.lockCount())
	}
	start := time.Now()
	if got := view(t, c, "s", "b"); got != "s=- b=old" {
		t.Fatalf("read %s, want s=- b=old", got)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("lock of a live transaction resolved after %v, before its TTL", d)
	}
	if n := fc.lockCount(); n != 0 {
		t.Fatalf("%d locks left after resolving", n)
	}
	// The abandoned transaction's late commit is refused.
	ctx := ctxT(t)
	if err := dead.commitPrimary(ctx, []byte("b"), dead.startTS+1); !IsRetryable(err) {
		t.Fatalf("late commit of a rolled-back txn: %v, want a ConflictError", err)
	}
}

// The client died after committing the primary: a reader commits the secondary it meets.
func TestTxnCommitsSecondaryOfCommittedTxn(t *testing.T) {
	fc, _, c := txnSetup(t)
	abandon(t, c, time.Minute, true, "b", "1", "s", "2")
	if fc.lockCount() != 1 {
		t.Fatalf("%d locks, want the secondary's only", fc.lockCount())
	}
	if got := view(t, c, "s", "b"); got != "s=2 b=1" {
		t.Fatalf("read %s, want s=2 b=1", got)
	}
	if n := fc.lockCount(); n != 0 {
		t.Fatalf("%d locks left", n)
	}
}

// A writer meets another transaction's lock at prewrite and resolves it too.
func TestTxnPrewriteResolvesLocks(t *testing.T) {
	_, _, c := txnSetup(t)
	abandon(t, c, time.Minute, true, "b", "1", "s", "2")
	commitKVs(t, c, "s", "3")
	if got := view(t, c, "b", "s"); got != "b=1 s=3" {
		t.Fatalf("read %s, want b=1 s=3", got)
	}
}

// A transaction spans three regions, and a region splits between its prewrite and commit.
func TestTxnAcrossRegionsAndSplit(t *testing.T) {
	fc, ts, c := txnSetup(t)
	ctx := ctxT(t)
	commitKVs(t, c, "a", "1", "h", "2", "q", "3", "r", "4")
	// Split seen by the stores only, before Commit: the client learns it from EpochNotMatch.
	fc.split(3, 4, "r")
	commitKVs(t, c, "a", "5", "h", "6", "q", "7", "r", "8")
	// Split between prewrite and commit.
	txn, _ := c.Begin(ctx)
	for _, k := range []string{"b", "i", "j", "x", "y"} {
		_ = txn.Set([]byte(k), []byte("v"+k))
	}
	muts, _ := txn.seal()
	if _, err := txn.prewrite(ctx, muts, 60_000, false); err != nil {
		t.Fatal(err)
	}
	l, r := fc.split(2, 5, "j")
	ts.report(t, fc, l)
	ts.report(t, fc, r)
	commitTS, _ := c.route.sched.GetTS(ctx)
	if err := txn.commitPrimary(ctx, muts[0].Key, commitTS); err != nil {
		t.Fatal(err)
	}
	txn.commitKeys(ctx, mutationKeys(muts[1:]), commitTS)
	if n := fc.lockCount(); n != 0 {
		t.Fatalf("%d locks left after committing across a split", n)
	}
	if got, want := view(t, c, "a", "b", "h", "i", "j", "q", "r", "x", "y"), "a=5 b=vb h=6 i=vi j=vj q=7 r=8 x=vx y=vy"; got != want {
		t.Fatalf("read %s, want %s", got, want)
	}
	reader, _ := c.Begin(ctx)
	got, err := reader.Scan(ctx, []byte("b"), []byte("y"), 100)
	if err != nil || kvString(got) != "[b=vb h=6 i=vi j=vj q=7 r=8 x=vx]" {
		t.Fatalf("Scan across 5 regions = %s, %v", kvString(got), err)
	}
}

// Classification of the primary's commit failures.
func TestTxnUndeterminedCommit(t *testing.T) {
	fc, _, c := txnSetup(t)
	ctx := ctxT(t)
	for _, code := range []codes.Code{codes.Unavailable, codes.Internal} {
		fc.mu.Lock()
		fc.mvcc().commitErr["m"] = code
		fc.mu.Unlock()
		txn, _ := c.Begin(ctx)
		_ = txn.Set([]byte("m"), []byte("1"))
		_ = txn.Set([]byte("z"), []byte("1"))
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := txn.Commit(cctx)
		cancel()
		var u *UndeterminedError
		if !errors.As(err, &u) || IsRetryable(err) || string(u.Primary) != "m" || u.StartTS != txn.StartTS() {
			t.Fatalf("commit with the primary's store answering %v: %v; want an UndeterminedError", code, err)
		}
		waitBG(t, txn)
		if n := fc.lockCount(); n != 2 {
			t.Fatalf("undetermined commit left %d locks, want both (nothing rolled back)", n)
		}
		fc.mu.Lock()
		delete(fc.mvcc().commitErr, "m")
		fc.mvcc().locks = map[string]*fakeLock{}
		fc.mu.Unlock()
	}
	// The primary was rolled back before the commit arrived: a conflict, not undetermined.
	txn, _ := c.Begin(ctx)
	_ = txn.Set([]byte("m"), []byte("2"))
	muts, _ := txn.seal()
	if _, err := txn.prewrite(ctx, muts, 60_000, false); err != nil {
		t.Fatal(err)
	}
	// A context that ended before the commit was sent: not undetermined.
	done, cancel := context.WithCancel(ctx)
	cancel()
	err := txn.commitPrimary(done, []byte("m"), txn.startTS+1)
	var u *UndeterminedError
	if err == nil || errors.As(err, &u) || !errors.Is(err, context.Canceled) {
		t.Fatalf("commit under a cancelled context: %v; want a plain context error", err)
	}
	txn.rollbackKeys(ctx, [][]byte{[]byte("m")})
	err = txn.commitPrimary(ctx, []byte("m"), txn.startTS+1)
	if !IsRetryable(err) || errors.As(err, &u) {
		t.Fatalf("commit of a rolled-back primary: %v; want a ConflictError", err)
	}
}

// Waiting for a live lock ends with the context, or with the lock wait budget, and the
// error names the key and the lock.
func TestTxnLockWaitBounded(t *testing.T) {
	_, _, c := txnSetup(t)
	abandon(t, c, time.Minute, false, "b", "1")
	txn, err := c.Begin(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func(ctx context.Context) error{
		"Get": func(ctx context.Context) error { _, err := txn.Get(ctx, []byte("b")); return err },
		"BatchGet": func(ctx context.Context) error {
			_, err := txn.BatchGet(ctx, [][]byte{[]byte("a"), []byte("b")})
			return err
		},
		"Scan": func(ctx context.Context) error { _, err := txn.Scan(ctx, nil, nil, 10); return err },
		"GC": func(ctx context.Context) error {
			ts, _ := c.route.sched.GetTS(ctxT(t))
			return c.GC(ctx, ts)
		},
	}
	for name, call := range calls {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		err := call(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `"b"`) || !strings.Contains(err.Error(), "primary") {
			t.Fatalf("%s of a key locked by a live txn under a 200 ms context: %v", name, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%s took %v past its 200 ms context", name, d)
		}
	}
	budget, err := c.Begin(ctxT(t), WithLockWaitBudget(150*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = budget.Scan(context.Background(), nil, nil, 10)
	if !IsRetryable(err) || !strings.Contains(err.Error(), `"b"`) || !strings.Contains(err.Error(), "budget") {
		t.Fatalf("Scan past the lock wait budget: %v; want a ConflictError naming the lock", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Scan took %v with a 150 ms budget", d)
	}
	_ = budget.Set([]byte("b"), []byte("2"))
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	start = time.Now()
	if err := budget.Commit(ctx2); !errors.Is(err, context.DeadlineExceeded) && !IsRetryable(err) {
		t.Fatalf("Commit over a live lock: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Commit took %v with a 200 ms context", d)
	}
	if _, err := c.Begin(ctxT(t), WithLockTTL(0)); err == nil {
		t.Fatal("Begin with a zero lock TTL succeeded")
	}
}

func TestTxnGCResolvesOldLocks(t *testing.T) {
	fc, ts, c := txnSetup(t)
	ctx := ctxT(t)
	abandon(t, c, time.Millisecond, false, "b", "1", "x", "2")
	abandon(t, c, 10*time.Millisecond, true, "c", "3", "y", "4")
	time.Sleep(20 * time.Millisecond)
	sp, err := c.route.sched.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	newer := abandon(t, c, time.Minute, false, "d", "5") // after the safe point: kept
	if err := c.GC(ctx, sp); err != nil {
		t.Fatal(err)
	}
	fc.mu.Lock()
	left := fc.mvcc().locks
	fc.mu.Unlock()
	if len(left) != 1 || left["d"] == nil || left["d"].info.LockVersion != newer.startTS {
		t.Fatalf("locks after GC: %v, want d's only", left)
	}
	if got, err := ts.admin.GetGCSafePoint(ctx); err != nil || got != sp {
		t.Fatalf("safe point = %d, %v; want %d", got, err, sp)
	}
	if got := view(t, c, "b", "x", "c", "y"); got != "b=- x=- c=3 y=4" {
		t.Fatalf("after GC: %s", got)
	}
	if err := c.GC(ctx, 0); err == nil {
		t.Fatal("GC at safe point 0 succeeded")
	}
}

func TestTxnNeedsRegionClient(t *testing.T) {
	_, addr := standaloneServer(t)
	c := newClient(t, []string{addr})
	if _, err := c.Begin(ctxT(t)); err == nil || !strings.Contains(err.Error(), "NewWithScheduler") {
		t.Fatalf("Begin on a static client: %v", err)
	}
}

// A transaction larger than one request (and than one region) is sent in bounded batches.
func TestTxnLargeInBatches(t *testing.T) {
	fc, _, c := txnSetup(t)
	ctx := ctxT(t)
	const n = 3*txnBatchKeys + 100
	txn, _ := c.Begin(ctx)
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("k%05d", i)) // all in region 2 [g, p)
		_ = txn.Set(keys[i], []byte("v"))
	}
	_ = txn.Set([]byte("a"), []byte("first"))
	if err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitBG(t, txn)
	reader, _ := c.Begin(ctx)
	got, err := reader.BatchGet(ctx, keys)
	if err != nil || len(got) != n {
		t.Fatalf("BatchGet found %d of %d keys: %v", len(got), n, err)
	}
	all, err := reader.Scan(ctx, nil, nil, 2*n)
	if err != nil || len(all) != n+1 || string(all[0].Key) != "a" {
		t.Fatalf("Scan found %d pairs (want %d): %v", len(all), n+1, err)
	}
	fc.mu.Lock()
	most, locks := fc.mvcc().maxBatch, len(fc.mvcc().locks)
	fc.mu.Unlock()
	if most > txnBatchKeys || locks != 0 {
		t.Fatalf("largest request had %d keys (bound %d); %d locks left", most, txnBatchKeys, locks)
	}
}

func TestTxnChunksAndTTL(t *testing.T) {
	sizes := []int{1, txnBatchBytes, 1, txnBatchBytes - 1, 1}
	got := chunks(len(sizes), func(i int) int { return sizes[i] })
	if fmt.Sprint(got) != "[[0 1] [1 2] [2 4] [4 5]]" {
		t.Fatalf("chunks by bytes = %v", got)
	}
	if got := chunks(txnBatchKeys+1, func(int) int { return 1 }); fmt.Sprint(got) != fmt.Sprintf("[[0 %d] [%d %d]]", txnBatchKeys, txnBatchKeys, txnBatchKeys+1) {
		t.Fatalf("chunks by count = %v", got)
	}
	if chunks(0, nil) != nil {
		t.Fatal("chunks of nothing not empty")
	}
	small := []*kvrpcpb.Mutation{{Key: []byte("k"), Value: []byte("v")}}
	big := []*kvrpcpb.Mutation{{Key: []byte("k"), Value: make([]byte, 4<<20)}}
	huge := []*kvrpcpb.Mutation{{Key: []byte("k"), Value: make([]byte, 100<<20)}}
	if a, b, h := lockTTL(3*time.Second, small), lockTTL(3*time.Second, big), lockTTL(3*time.Second, huge); a != 3000 || b != 11000 || h != 60000 {
		t.Fatalf("lock TTLs = %d, %d, %d ms; want 3000, 11000, 60000", a, b, h)
	}
}

// More old locks than one lock scan returns, from many transactions, in one region.
func TestTxnGCManyLocks(t *testing.T) {
	fc, _, c := txnSetup(t)
	ctx := ctxT(t)
	const n = gcLockBatch + 44
	for i := 0; i < n; i++ {
		abandon(t, c, time.Millisecond, false, fmt.Sprintf("a%03d", i), "v")
	}
	time.Sleep(5 * time.Millisecond)
	sp, err := c.route.sched.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fc.lockCount() != n {
		t.Fatalf("%d locks before GC, want %d", fc.lockCount(), n)
	}
	if err := c.GC(ctx, sp); err != nil {
		t.Fatal(err)
	}
	if left := fc.lockCount(); left != 0 {
		t.Fatalf("%d locks left after GC", left)
	}
}
