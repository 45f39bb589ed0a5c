package txn

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func (f *fixture) resolve(start, commit uint64) *kvrpcpb.KeyError {
	f.t.Helper()
	resp, err := f.e.ResolveLock(ctx, &kvrpcpb.KvResolveLockRequest{StartVersion: start, CommitVersion: commit})
	if err != nil {
		f.t.Fatalf("ResolveLock: %v", err)
	}
	return resp.GetError()
}

func TestEmptyResolve4C(t *testing.T) {
	f := newFixture(t)
	f.locked("k", "k", 20, 100, "other")
	before := f.dump()
	if ke := f.resolve(10, 15); ke != nil {
		t.Fatal(ke)
	}
	if ke := f.resolve(10, 0); ke != nil {
		t.Fatal(ke)
	}
	f.wantUnchanged(before)
}

func TestResolveCommit4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "a", put("a", "1"), put("b", "2"))
	f.locked("c", "c", 20, 100, "other")
	if ke := f.resolve(10, 15); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump("value a@10: 1", "write a@15: put start=10", "value b@10: 2", "write b@15: put start=10",
		"lock c: put@20 primary=c ttl=100", "value c@20: other")
}

func TestResolveRollback4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "a", put("a", "1"), put("b", "2"))
	f.locked("c", "c", 20, 100, "other")
	if ke := f.resolve(10, 0); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump("write a@10: rollback start=10", "write b@10: rollback start=10",
		"lock c: put@20 primary=c ttl=100", "value c@20: other")
}

func TestResolveCommitWritten4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "a", put("a", "1"), put("b", "2"))
	f.commit(10, 15, "a") // the primary was committed before the crash
	if ke := f.resolve(10, 15); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump("value a@10: 1", "write a@15: put start=10", "value b@10: 2", "write b@15: put start=10")
}

func TestResolveRollbackWritten4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "a", put("a", "1"), put("b", "2"))
	f.rollback(10, "a")
	if ke := f.resolve(10, 0); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump("write a@10: rollback start=10", "write b@10: rollback start=10")
}

func TestResolveManyLocksInBatches(t *testing.T) {
	f := newFixture(t)
	n := resolveBatch*2 + 3
	ms := make([]*kvrpcpb.Mutation, n)
	for i := range ms {
		ms[i] = put(fmt.Sprintf("k%04d", i), "v")
	}
	if errs := f.prewrite(10, "k0000", ms...).GetErrors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	if ke := f.resolve(10, 15); ke != nil {
		t.Fatal(ke)
	}
	resp, err := f.e.ScanLock(ctx, &kvrpcpb.KvScanLockRequest{MaxVersion: 100})
	if err != nil || len(resp.GetLocks()) != 0 {
		t.Fatalf("locks left after resolve: %d, %v", len(resp.GetLocks()), err)
	}
	f.wantValue(fmt.Sprintf("k%04d", n-1), 15, []byte("v"))
}

func TestResolveRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	for _, req := range []*kvrpcpb.KvResolveLockRequest{{CommitVersion: 5}, {StartVersion: 5, CommitVersion: 5}} {
		if _, err := f.e.ResolveLock(ctx, req); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("ResolveLock(%v): err = %v", req, err)
		}
	}
}

func TestScanLock(t *testing.T) {
	f := newFixture(t)
	f.locked("a", "a", 10, 100, "1")
	f.locked("b", "a", 10, 100, "2")
	f.locked("c", "c", 30, 100, "3")
	f.locked("d", "d", 20, 100, "4")
	scan := func(max uint64, start string, limit uint32) string {
		resp, err := f.e.ScanLock(ctx, &kvrpcpb.KvScanLockRequest{MaxVersion: max, StartKey: []byte(start), Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, l := range resp.GetLocks() {
			out += fmt.Sprintf("%s@%d ", l.Key, l.LockVersion)
		}
		return out
	}
	for _, c := range []struct {
		max   uint64
		start string
		limit uint32
		want  string
	}{
		{20, "", 0, "a@10 b@10 d@20 "},
		{20, "", 2, "a@10 b@10 "},
		{20, "b\x00", 0, "d@20 "},
		{100, "", 3, "a@10 b@10 c@30 "},
		{9, "", 0, ""},
	} {
		if got := scan(c.max, c.start, c.limit); got != c.want {
			t.Errorf("ScanLock(max %d, from %q, limit %d) = %q, want %q", c.max, c.start, c.limit, got, c.want)
		}
	}
	if _, err := f.e.ScanLock(ctx, &kvrpcpb.KvScanLockRequest{MaxVersion: 1, Limit: MaxScanLimit + 1}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("limit over the cap: err = %v", err)
	}
}

// A scan that ends exactly at a batch boundary, or just short of it, still resolves every lock
// (the scan stops early only when it ran out of locks).
func TestResolveBatchBoundaries(t *testing.T) {
	for _, n := range []int{resolveBatch - 1, resolveBatch, resolveBatch + 1} {
		f := newFixture(t)
		ms := make([]*kvrpcpb.Mutation, n)
		for i := range ms {
			ms[i] = put(fmt.Sprintf("k%04d", i), "v")
		}
		if errs := f.prewrite(10, "k0000", ms...).GetErrors(); len(errs) > 0 {
			t.Fatal(errs)
		}
		if ke := f.resolve(10, 0); ke != nil {
			t.Fatal(ke)
		}
		resp, err := f.e.ScanLock(ctx, &kvrpcpb.KvScanLockRequest{MaxVersion: 100})
		if err != nil || len(resp.GetLocks()) != 0 {
			t.Fatalf("%d locks: %d left after resolve, %v", n, len(resp.GetLocks()), err)
		}
	}
}
