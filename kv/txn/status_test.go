package txn

import (
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// ts builds a TSO timestamp from physical milliseconds and a logical counter.
func ts(physicalMs, logical uint64) uint64 { return physicalMs<<logicalBits | logical }

func (f *fixture) checkStatus(primary string, lockTS, currentTS uint64) *kvrpcpb.KvCheckTxnStatusResponse {
	f.t.Helper()
	return f.checkStatusIf(primary, lockTS, currentTS, true)
}

func (f *fixture) checkStatusIf(primary string, lockTS, currentTS uint64, rollbackIfNotExist bool) *kvrpcpb.KvCheckTxnStatusResponse {
	f.t.Helper()
	resp, err := f.e.CheckTxnStatus(ctx, &kvrpcpb.KvCheckTxnStatusRequest{PrimaryKey: []byte(primary), LockTs: lockTS,
		CurrentTs: currentTS, RollbackIfNotExist: rollbackIfNotExist})
	if err != nil {
		f.t.Fatalf("CheckTxnStatus: %v", err)
	}
	return resp
}

func TestCheckTxnStatusTtlExpired4C(t *testing.T) {
	f := newFixture(t)
	lockTS := ts(1000, 7)
	f.locked("p", "p", lockTS, 50, "v")
	// Expired once the physical part reaches 1000+50, whatever the logical parts.
	resp := f.checkStatus("p", lockTS, ts(1050, 0))
	if resp.Action != kvrpcpb.Action_TTLExpireRollback || resp.LockTtl != 0 || resp.CommitVersion != 0 {
		t.Fatalf("status = %v, want TTLExpireRollback with zeros", resp)
	}
	f.wantDump("write p@" + itoa(lockTS) + ": rollback start=" + itoa(lockTS))
}

func TestCheckTxnStatusTtlNotExpired4C(t *testing.T) {
	f := newFixture(t)
	lockTS := ts(1000, 7)
	f.locked("p", "p", lockTS, 50, "v")
	before := f.dump()
	for _, cur := range []uint64{ts(1049, 1<<logicalBits-1), ts(1000, 8), ts(999, 0)} {
		resp := f.checkStatus("p", lockTS, cur)
		if resp.Action != kvrpcpb.Action_NoAction || resp.LockTtl != 50 || resp.CommitVersion != 0 {
			t.Fatalf("at %d: status = %v, want NoAction with lock_ttl 50", cur, resp)
		}
	}
	f.wantUnchanged(before)
}

func TestCheckTxnStatusRolledBack4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "p", put("p", "v"))
	f.rollback(10, "p")
	before := f.dump()
	resp := f.checkStatus("p", 10, ts(5000, 0))
	if resp.Action != kvrpcpb.Action_NoAction || resp.LockTtl != 0 || resp.CommitVersion != 0 {
		t.Fatalf("status = %v, want NoAction with zeros", resp)
	}
	f.wantUnchanged(before)
}

func TestCheckTxnStatusCommitted4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "p", put("p", "v"))
	f.commit(10, 20, "p")
	f.prewrite(30, "p", put("p", "w")) // a later txn's lock on the primary does not hide it
	before := f.dump()
	resp := f.checkStatus("p", 10, ts(5000, 0))
	if resp.Action != kvrpcpb.Action_NoAction || resp.CommitVersion != 20 || resp.LockTtl != 0 {
		t.Fatalf("status = %v, want commit_version 20", resp)
	}
	f.wantUnchanged(before)
}

func TestCheckTxnStatusNoLockNoWrite4C(t *testing.T) {
	f := newFixture(t)
	resp := f.checkStatus("p", 10, ts(5000, 0))
	if resp.Action != kvrpcpb.Action_LockNotExistRollback || resp.LockTtl != 0 || resp.CommitVersion != 0 {
		t.Fatalf("status = %v, want LockNotExistRollback", resp)
	}
	f.wantDump("write p@10: rollback start=10")
	if errs := f.prewrite(10, "p", put("p", "late")).GetErrors(); len(errs) != 1 || errs[0].GetAbort() == "" {
		t.Fatalf("late prewrite after the status check: %v, want an abort", errs)
	}
}

// TestCheckTxnStatusNotFoundWritesNothing: without rollback_if_not_exist a primary with
// neither lock nor record answers txn_not_found and stays free for the late prewrite; a lock or
// a record is answered as with the flag.
func TestCheckTxnStatusNotFoundWritesNothing(t *testing.T) {
	f := newFixture(t)
	resp := f.checkStatusIf("p", 10, ts(5000, 0), false)
	if nf := resp.GetError().GetTxnNotFound(); nf == nil || nf.GetStartTs() != 10 || string(nf.GetPrimaryKey()) != "p" ||
		resp.Action != kvrpcpb.Action_NoAction {
		t.Fatalf("status = %v, want txn_not_found for 10 on p", resp)
	}
	f.wantDump()
	if errs := f.prewrite(10, "p", put("p", "v")).GetErrors(); len(errs) > 0 {
		t.Fatalf("prewrite after the check: %v", errs)
	}
	if resp := f.checkStatusIf("p", 10, ts(0, 11), false); resp.GetLockTtl() == 0 || resp.GetError() != nil {
		t.Fatalf("status of the now locked primary = %v, want live", resp)
	}
	f.commit(10, 20, "p")
	if resp := f.checkStatusIf("p", 10, ts(5000, 0), false); resp.GetCommitVersion() != 20 {
		t.Fatalf("status after commit = %v, want commit_version 20", resp)
	}
}

func TestCheckTxnStatusHugeTtlNeverExpires(t *testing.T) {
	f := newFixture(t)
	f.locked("p", "p", ts(1000, 0), ^uint64(0), "v")
	if resp := f.checkStatus("p", ts(1000, 0), ^uint64(0)); resp.Action != kvrpcpb.Action_NoAction || resp.LockTtl == 0 {
		t.Fatalf("status = %v, want a live lock", resp)
	}
}

func TestCheckTxnStatusRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	for field, req := range map[string]*kvrpcpb.KvCheckTxnStatusRequest{
		"primary_key": {LockTs: 1, CurrentTs: 2},
		"lock_ts":     {PrimaryKey: []byte("p"), CurrentTs: 2},
		"current_ts":  {PrimaryKey: []byte("p"), LockTs: 1},
	} {
		if _, err := f.e.CheckTxnStatus(ctx, req); !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), field) {
			t.Errorf("bad %s: err = %v", field, err)
		}
	}
	f.wantDump()
}
