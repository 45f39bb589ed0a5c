package txn

import (
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func resolveKeysReq(start, commit uint64, keys ...string) *kvrpcpb.KvResolveLockRequest {
	req := &kvrpcpb.KvResolveLockRequest{StartVersion: start, CommitVersion: commit}
	for _, k := range keys {
		req.Keys = append(req.Keys, []byte(k))
	}
	return req
}

// With keys, only the listed locks of the transaction are committed; its other locks and
// other transactions' locks stay.
func TestResolveListedKeysCommit(t *testing.T) {
	f := newFixture(t)
	if errs := f.prewrite(10, "a", put("a", "1"), put("b", "2"), put("c", "3")).GetErrors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	f.locked("d", "d", 12, 100, "4")
	resp, err := f.e.ResolveLock(ctx, resolveKeysReq(10, 15, "b", "d", "b", "zz"))
	if err != nil || resp.GetError() != nil {
		t.Fatalf("ResolveLock: %v %v", err, resp.GetError())
	}
	f.wantValue("b", 15, []byte("2"))
	locks, err := f.e.ScanLock(ctx, &kvrpcpb.KvScanLockRequest{MaxVersion: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range locks.GetLocks() {
		got = append(got, string(l.GetKey()))
	}
	if len(got) != 3 || got[0] != "a" || got[1] != "c" || got[2] != "d" {
		t.Fatalf("locks left: %q, want a, c (txn 10) and d (txn 12)", got)
	}
}

// With keys and commit_version 0 the listed locks are rolled back: the value is gone and a
// later prewrite of the transaction there fails.
func TestResolveListedKeysRollback(t *testing.T) {
	f := newFixture(t)
	if errs := f.prewrite(10, "a", put("a", "1"), put("b", "2")).GetErrors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	resp, err := f.e.ResolveLock(ctx, resolveKeysReq(10, 0, "b"))
	if err != nil || resp.GetError() != nil {
		t.Fatalf("ResolveLock: %v %v", err, resp.GetError())
	}
	f.wantValue("b", 20, nil)
	if errs := f.prewrite(10, "a", put("b", "2")).GetErrors(); len(errs) != 1 || errs[0].GetAbort() == "" {
		t.Fatalf("prewrite after rollback: %v, want one Abort", errs)
	}
}

func TestResolveListedKeysRejectsEmptyKey(t *testing.T) {
	f := newFixture(t)
	if _, err := f.e.ResolveLock(ctx, resolveKeysReq(10, 15, "a", "")); err == nil {
		t.Fatal("empty key accepted")
	}
}
