package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/storage"
	"github.com/gee-project/gee/kv/storage/standalone"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func putMut(k, v string) *kvrpcpb.Mutation {
	return &kvrpcpb.Mutation{Op: kvrpcpb.Op_Put, Key: []byte(k), Value: []byte(v)}
}

func prewrite(t *testing.T, c tinykvpb.TinyKvClient, start uint64, primary string, muts ...*kvrpcpb.Mutation) []*kvrpcpb.KeyError {
	t.Helper()
	resp, err := c.KvPrewrite(ctxT(t), &kvrpcpb.KvPrewriteRequest{Mutations: muts, PrimaryLock: []byte(primary),
		StartVersion: start, LockTtl: 60_000})
	if err != nil || resp.GetRegionError() != nil {
		t.Fatalf("KvPrewrite at %d: %v %v", start, err, resp.GetRegionError())
	}
	return resp.GetErrors()
}

func commit(t *testing.T, c tinykvpb.TinyKvClient, start, commitTS uint64, keys ...string) *kvrpcpb.KeyError {
	t.Helper()
	req := &kvrpcpb.KvCommitRequest{StartVersion: start, CommitVersion: commitTS}
	for _, k := range keys {
		req.Keys = append(req.Keys, []byte(k))
	}
	resp, err := c.KvCommit(ctxT(t), req)
	if err != nil || resp.GetRegionError() != nil {
		t.Fatalf("KvCommit %d@%d: %v %v", start, commitTS, err, resp.GetRegionError())
	}
	return resp.GetError()
}

// txnGet returns the value at version, "<none>" when not found, or "<locked by N>".
func txnGet(t *testing.T, c tinykvpb.TinyKvClient, key string, version uint64) string {
	t.Helper()
	resp, err := c.KvGet(ctxT(t), &kvrpcpb.KvGetRequest{Key: []byte(key), Version: version})
	switch {
	case err != nil || resp.GetRegionError() != nil:
		t.Fatalf("KvGet(%s@%d): %v %v", key, version, err, resp.GetRegionError())
	case resp.GetError().GetLocked() != nil:
		return fmt.Sprintf("<locked by %d>", resp.GetError().GetLocked().GetLockVersion())
	case resp.GetError() != nil:
		t.Fatalf("KvGet(%s@%d): key error %v", key, version, resp.GetError())
	case resp.GetNotFound():
		return "<none>"
	}
	return string(resp.GetValue())
}

// A transaction through gRPC: prewrite locks (reads after start_ts see the lock, reads before it
// do not), commit makes the values visible from commit_ts on, BatchGet and Scan read the same
// snapshot, and a second prewrite of a committed key with an older start_ts is a write conflict.
func TestTxnPrewriteCommitGetRoundTrip(t *testing.T) {
	c, _ := standaloneServer(t, Limits{}, nil)
	if errs := prewrite(t, c, 10, "a", putMut("a", "1"), putMut("b", "2")); len(errs) != 0 {
		t.Fatalf("prewrite: %v", errs)
	}
	if got := txnGet(t, c, "a", 15); got != "<locked by 10>" {
		t.Fatalf("get after start_ts while locked = %s", got)
	}
	if got := txnGet(t, c, "a", 5); got != "<none>" {
		t.Fatalf("get before start_ts = %s", got)
	}
	if ke := commit(t, c, 10, 20, "a", "b"); ke != nil {
		t.Fatalf("commit: %v", ke)
	}
	if ke := commit(t, c, 10, 20, "a", "b"); ke != nil {
		t.Fatalf("commit again (idempotent): %v", ke)
	}
	if got := txnGet(t, c, "a", 15); got != "<none>" {
		t.Fatalf("get between start_ts and commit_ts = %s", got)
	}
	if got := txnGet(t, c, "b", 25); got != "2" {
		t.Fatalf("get after commit = %s", got)
	}
	bg, err := c.KvBatchGet(ctxT(t), &kvrpcpb.KvBatchGetRequest{Keys: [][]byte{[]byte("a"), []byte("zz"), []byte("b")}, Version: 25})
	if err != nil || len(bg.GetPairs()) != 2 || string(bg.Pairs[0].Value) != "1" || string(bg.Pairs[1].Value) != "2" {
		t.Fatalf("KvBatchGet = %v, %v", bg, err)
	}
	sc, err := c.KvScan(ctxT(t), &kvrpcpb.KvScanRequest{StartKey: []byte("a"), Limit: 10, Version: 25})
	if err != nil || len(sc.GetPairs()) != 2 || string(sc.Pairs[1].Key) != "b" {
		t.Fatalf("KvScan = %v, %v", sc, err)
	}
	errs := prewrite(t, c, 15, "a", putMut("a", "x"))
	if len(errs) != 1 || errs[0].GetConflict() == nil {
		t.Fatalf("prewrite below a newer commit = %v, want a write conflict", errs)
	}
}

// Another transaction's lock answers Locked with the lock's details, to prewrite and to readers;
// the rest of the lifecycle rpcs (ScanLock, CheckTxnStatus, ResolveLock, BatchRollback) act on it.
func TestTxnLockedAndResolve(t *testing.T) {
	c, _ := standaloneServer(t, Limits{}, nil)
	ctx := ctxT(t)
	if errs := prewrite(t, c, 30, "p", putMut("p", "v"), putMut("q", "w")); len(errs) != 0 {
		t.Fatal(errs)
	}
	errs := prewrite(t, c, 40, "q", putMut("q", "other"))
	if len(errs) != 1 || errs[0].GetLocked().GetLockVersion() != 30 || string(errs[0].GetLocked().GetPrimaryLock()) != "p" {
		t.Fatalf("prewrite of a locked key = %v, want Locked by 30 with primary p", errs)
	}
	sl, err := c.KvScanLock(ctx, &kvrpcpb.KvScanLockRequest{MaxVersion: 35, Limit: 10})
	if err != nil || len(sl.GetLocks()) != 2 {
		t.Fatalf("KvScanLock = %v, %v", sl, err)
	}
	st, err := c.KvCheckTxnStatus(ctx, &kvrpcpb.KvCheckTxnStatusRequest{PrimaryKey: []byte("p"), LockTs: 30, CurrentTs: 31})
	if err != nil || st.GetLockTtl() == 0 || st.GetCommitVersion() != 0 {
		t.Fatalf("KvCheckTxnStatus of a live lock = %v, %v", st, err)
	}
	rl, err := c.KvResolveLock(ctx, &kvrpcpb.KvResolveLockRequest{StartVersion: 30, CommitVersion: 33})
	if err != nil || rl.GetError() != nil || rl.GetRegionError() != nil {
		t.Fatalf("KvResolveLock = %v, %v", rl, err)
	}
	if got := txnGet(t, c, "q", 35); got != "w" {
		t.Fatalf("get after resolving as committed = %s", got)
	}
	// A rolled-back transaction can no longer commit.
	rb, err := c.KvBatchRollback(ctx, &kvrpcpb.KvBatchRollbackRequest{StartVersion: 50, Keys: [][]byte{[]byte("r")}})
	if err != nil || rb.GetError() != nil {
		t.Fatalf("KvBatchRollback = %v, %v", rb, err)
	}
	if ke := commit(t, c, 50, 55, "r"); ke.GetAbort() == "" {
		t.Fatalf("commit after rollback = %v, want abort", ke)
	}
}

// KvGC removes versions below the safe point (seen in the raw write column family) and leaves
// every read at or after it unchanged.
func TestTxnGCKeepsReadsAtSafePoint(t *testing.T) {
	c, _ := standaloneServer(t, Limits{}, nil)
	for i, ts := range []uint64{10, 20, 30} {
		if errs := prewrite(t, c, ts, "k", putMut("k", fmt.Sprint(i))); len(errs) != 0 {
			t.Fatal(errs)
		}
		if ke := commit(t, c, ts, ts+1, "k"); ke != nil {
			t.Fatal(ke)
		}
	}
	records := func() int {
		return strings.Count(scanKVs(t, c, &kvrpcpb.RawScanRequest{Cf: engine.CFWrite, Limit: 100}), "=")
	}
	if n := records(); n != 3 {
		t.Fatalf("%d write records before GC, want 3", n)
	}
	before := []string{txnGet(t, c, "k", 25), txnGet(t, c, "k", 40)}
	gc, err := c.KvGC(ctxT(t), &kvrpcpb.KvGCRequest{SafePoint: 25})
	if err != nil || gc.GetError() != nil || gc.GetRegionError() != nil {
		t.Fatalf("KvGC = %v, %v", gc, err)
	}
	if n := records(); n != 2 {
		t.Fatalf("%d write records after GC at 25, want 2 (the version at 11 is hidden by 21)", n)
	}
	if after := []string{txnGet(t, c, "k", 25), txnGet(t, c, "k", 40)}; fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("reads at or after the safe point changed: %v, before %v", after, before)
	}
}

// The server has one executor, so its latches serialize every command: of many transactions
// prewriting the same key at once, exactly one gets the lock and the rest see it.
func TestTxnConcurrentPrewritesOneWins(t *testing.T) {
	c, _ := standaloneServer(t, Limits{}, nil)
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, locked := 0, 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(ts uint64) {
			defer wg.Done()
			resp, err := c.KvPrewrite(ctxT(t), &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{putMut("hot", "v")},
				PrimaryLock: []byte("hot"), StartVersion: ts, LockTtl: 60_000})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Error(err)
			case len(resp.GetErrors()) == 0:
				won++
			case resp.GetErrors()[0].GetLocked() != nil:
				locked++
			}
		}(uint64(100 + i))
	}
	wg.Wait()
	if won != 1 || locked != n-1 {
		t.Fatalf("%d prewrites won and %d saw the lock, want 1 and %d", won, locked, n-1)
	}
}

// routedStorage answers region 99 with NotLeader and passes everything else to st, or fails
// everything with err when set.
type routedStorage struct {
	storage.Storage
	err error
}

var notLeader99 = &errorpb.Error{Message: "not leader", NotLeader: &errorpb.NotLeader{
	RegionId: 99, Leader: &metapb.Peer{Id: 7, StoreId: 2}, LeaderAddress: "127.0.0.1:2"}}

func (r routedStorage) fail(kvctx *kvrpcpb.Context) error {
	if r.err != nil {
		return r.err
	}
	if kvctx.GetRegionId() == 99 {
		return fmt.Errorf("wrapped: %w", &storage.RegionError{Err: notLeader99})
	}
	return nil
}

func (r routedStorage) Write(ctx context.Context, kvctx *kvrpcpb.Context, b []storage.Modify) error {
	if err := r.fail(kvctx); err != nil {
		return err
	}
	return r.Storage.Write(ctx, kvctx, b)
}

func (r routedStorage) Reader(ctx context.Context, kvctx *kvrpcpb.Context) (storage.Reader, error) {
	if err := r.fail(kvctx); err != nil {
		return nil, err
	}
	return r.Storage.Reader(ctx, kvctx)
}

// A region error from the storage is copied into region_error of every transactional answer
// (and nothing else is set); any other storage failure is a gRPC Unavailable with its text.
func TestTxnStorageErrorsSurface(t *testing.T) {
	st := openStandalone(t)
	c := serve(t, New(routedStorage{Storage: st}, nil, Limits{}, nil), GRPCConfig{})
	ctx := ctxT(t)
	kc := &kvrpcpb.Context{RegionId: 99}
	k := [][]byte{[]byte("k")}
	wantNL := func(name string, re *errorpb.Error, err error) {
		t.Helper()
		if err != nil || re.GetNotLeader().GetLeaderAddress() != "127.0.0.1:2" {
			t.Errorf("%s: region error %v, err %v; want NotLeader with the leader's address", name, re, err)
		}
	}
	g, err := c.KvGet(ctx, &kvrpcpb.KvGetRequest{Context: kc, Key: k[0], Version: 5})
	wantNL("KvGet", g.GetRegionError(), err)
	bg, err := c.KvBatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Context: kc, Keys: k, Version: 5})
	wantNL("KvBatchGet", bg.GetRegionError(), err)
	sc, err := c.KvScan(ctx, &kvrpcpb.KvScanRequest{Context: kc, Limit: 5, Version: 5})
	wantNL("KvScan", sc.GetRegionError(), err)
	pw, err := c.KvPrewrite(ctx, &kvrpcpb.KvPrewriteRequest{Context: kc, Mutations: []*kvrpcpb.Mutation{putMut("k", "v")}, PrimaryLock: k[0], StartVersion: 5})
	wantNL("KvPrewrite", pw.GetRegionError(), err)
	cm, err := c.KvCommit(ctx, &kvrpcpb.KvCommitRequest{Context: kc, Keys: k, StartVersion: 5, CommitVersion: 6})
	wantNL("KvCommit", cm.GetRegionError(), err)
	cs, err := c.KvCheckTxnStatus(ctx, &kvrpcpb.KvCheckTxnStatusRequest{Context: kc, PrimaryKey: k[0], LockTs: 5, CurrentTs: 6})
	wantNL("KvCheckTxnStatus", cs.GetRegionError(), err)
	rb, err := c.KvBatchRollback(ctx, &kvrpcpb.KvBatchRollbackRequest{Context: kc, Keys: k, StartVersion: 5})
	wantNL("KvBatchRollback", rb.GetRegionError(), err)
	sl, err := c.KvScanLock(ctx, &kvrpcpb.KvScanLockRequest{Context: kc, MaxVersion: 5, Limit: 5})
	wantNL("KvScanLock", sl.GetRegionError(), err)
	rl, err := c.KvResolveLock(ctx, &kvrpcpb.KvResolveLockRequest{Context: kc, StartVersion: 5})
	wantNL("KvResolveLock", rl.GetRegionError(), err)
	gc, err := c.KvGC(ctx, &kvrpcpb.KvGCRequest{Context: kc, SafePoint: 5})
	wantNL("KvGC", gc.GetRegionError(), err)
	// Region 0 goes through to the real storage.
	if got := txnGet(t, c, "k", 5); got != "<none>" {
		t.Fatalf("get through the wrapper = %s", got)
	}

	c = serve(t, New(routedStorage{Storage: st, err: errors.New("disk on fire")}, nil, Limits{}, nil), GRPCConfig{})
	_, err = c.KvGet(ctx, &kvrpcpb.KvGetRequest{Key: k[0], Version: 5})
	if status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("KvGet on a failing storage: %v, want Unavailable with the storage's text", err)
	}
	_, err = c.KvPrewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{putMut("k", "v")}, PrimaryLock: k[0], StartVersion: 5})
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("KvPrewrite on a failing storage: %v, want Unavailable", err)
	}
}

func openStandalone(t *testing.T) storage.Storage {
	t.Helper()
	st, err := standalone.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop() })
	return st
}

// Bad input is refused before the storage with InvalidArgument naming the field at fault, and
// changes nothing.
func TestTxnBadInputNamesField(t *testing.T) {
	c, _ := standaloneServer(t, Limits{MaxKeySize: 16, MaxValueSize: 8, MaxBatchKeys: 3, MaxScanLimit: 5}, nil)
	big := []byte(strings.Repeat("k", 17))
	ok := putMut("a", "v")
	pw := func(m ...*kvrpcpb.Mutation) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.KvPrewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: m, PrimaryLock: []byte("a"), StartVersion: 5})
			return err
		}
	}
	cases := map[string]struct {
		call func(context.Context) error
		want string
	}{
		"get empty key": {func(ctx context.Context) error {
			_, err := c.KvGet(ctx, &kvrpcpb.KvGetRequest{Version: 1})
			return err
		}, "key: empty key"},
		"get big key": {func(ctx context.Context) error {
			_, err := c.KvGet(ctx, &kvrpcpb.KvGetRequest{Key: big, Version: 1})
			return err
		}, "key: key of 17 bytes"},
		"batch get too many": {func(ctx context.Context) error {
			_, err := c.KvBatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Keys: [][]byte{{1}, {2}, {3}, {4}}})
			return err
		}, "keys: 4 keys exceed"},
		"batch get empty key": {func(ctx context.Context) error {
			_, err := c.KvBatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Keys: [][]byte{{1}, nil}})
			return err
		}, "keys[1]: empty key"},
		"scan limit": {func(ctx context.Context) error { _, err := c.KvScan(ctx, &kvrpcpb.KvScanRequest{Limit: 6}); return err }, "limit: 6 exceeds"},
		"scan end key": {func(ctx context.Context) error {
			_, err := c.KvScan(ctx, &kvrpcpb.KvScanRequest{Limit: 1, EndKey: big})
			return err
		}, "end_key:"},
		"prewrite none":  {pw(), "mutations: no mutations"},
		"prewrite many":  {pw(ok, putMut("b", ""), putMut("c", ""), putMut("d", "")), "mutations: 4 mutations exceed"},
		"prewrite value": {pw(putMut("a", "123456789")), "mutations[0].value: value of 9 bytes"},
		"prewrite dup":   {pw(ok, putMut("b", ""), putMut("a", "")), "mutations[2].key: \"a\" is also mutations[0]"},
		"prewrite op":    {pw(ok, &kvrpcpb.Mutation{Op: kvrpcpb.Op_Rollback, Key: []byte("b")}), "mutations[1].op: Rollback"},
		"prewrite op 9":  {pw(&kvrpcpb.Mutation{Op: 9, Key: []byte("b")}), "mutations[0].op: unknown op 9"},
		"prewrite del value": {pw(&kvrpcpb.Mutation{Op: kvrpcpb.Op_Del, Key: []byte("b"), Value: []byte("x")}),
			"mutations[0].value: a Del mutation"},
		"prewrite no start": {func(ctx context.Context) error {
			_, err := c.KvPrewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{ok}, PrimaryLock: []byte("a")})
			return err
		}, "start_version: 0"},
		"prewrite no primary": {func(ctx context.Context) error {
			_, err := c.KvPrewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{ok}, StartVersion: 5})
			return err
		}, "primary_lock: empty key"},
		"commit not above start": {func(ctx context.Context) error {
			_, err := c.KvCommit(ctx, &kvrpcpb.KvCommitRequest{Keys: [][]byte{{1}}, StartVersion: 5, CommitVersion: 5})
			return err
		}, "commit_version: 5 is not above start_version 5"},
		"commit no keys": {func(ctx context.Context) error {
			_, err := c.KvCommit(ctx, &kvrpcpb.KvCommitRequest{StartVersion: 5, CommitVersion: 6})
			return err
		}, "keys: no keys"},
		"check status no lock_ts": {func(ctx context.Context) error {
			_, err := c.KvCheckTxnStatus(ctx, &kvrpcpb.KvCheckTxnStatusRequest{PrimaryKey: []byte("a")})
			return err
		}, "lock_ts: 0"},
		"rollback no start": {func(ctx context.Context) error {
			_, err := c.KvBatchRollback(ctx, &kvrpcpb.KvBatchRollbackRequest{Keys: [][]byte{{1}}})
			return err
		}, "start_version: 0"},
		"scan lock start key": {func(ctx context.Context) error {
			_, err := c.KvScanLock(ctx, &kvrpcpb.KvScanLockRequest{StartKey: big, Limit: 1})
			return err
		}, "start_key:"},
		"resolve commit below start": {func(ctx context.Context) error {
			_, err := c.KvResolveLock(ctx, &kvrpcpb.KvResolveLockRequest{StartVersion: 9, CommitVersion: 3})
			return err
		}, "commit_version: 3 is not above start_version 9"},
	}
	for name, tc := range cases {
		err := tc.call(ctxT(t))
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want InvalidArgument containing %q", name, err, tc.want)
		}
	}
	if got := txnGet(t, c, "a", 100); got != "<none>" {
		t.Fatalf("refused requests wrote: a = %s", got)
	}
}

// KvScan pages end at MaxScanBytes (at least one pair, as RawScan), and a KvBatchGet whose values
// exceed MaxBatchBytes is refused with ResourceExhausted naming keys.
func TestTxnResponseByteCaps(t *testing.T) {
	c, _ := standaloneServer(t, Limits{MaxScanBytes: 10, MaxBatchBytes: 10}, nil)
	for i, k := range []string{"k1", "k2", "k3"} {
		ts := uint64(10 * (i + 1))
		if errs := prewrite(t, c, ts, k, putMut(k, "vvvvvv")); len(errs) != 0 {
			t.Fatal(errs)
		}
		if ke := commit(t, c, ts, ts+1, k); ke != nil {
			t.Fatal(ke)
		}
	}
	sc, err := c.KvScan(ctxT(t), &kvrpcpb.KvScanRequest{Limit: 10, Version: 100})
	if err != nil || len(sc.GetPairs()) != 2 || string(sc.Pairs[1].Key) != "k2" {
		t.Fatalf("KvScan with a 10-byte cap = %v, %v; want k1 and k2 (the pair reaching the cap)", sc, err)
	}
	_, err = c.KvBatchGet(ctxT(t), &kvrpcpb.KvBatchGetRequest{Keys: [][]byte{[]byte("k1"), []byte("k2")}, Version: 100})
	if status.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "keys:") {
		t.Fatalf("KvBatchGet over the byte cap: %v, want ResourceExhausted naming keys", err)
	}
	bg, err := c.KvBatchGet(ctxT(t), &kvrpcpb.KvBatchGetRequest{Keys: [][]byte{[]byte("k3")}, Version: 100})
	if err != nil || len(bg.GetPairs()) != 1 {
		t.Fatalf("KvBatchGet under the cap = %v, %v", bg, err)
	}
}
