package txn

import (
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func TestEmptyPrewrite4B(t *testing.T) {
	f := newFixture(t)
	if errs := f.prewrite(10, "p").GetErrors(); len(errs) > 0 {
		t.Fatalf("empty prewrite errors: %v", errs)
	}
	f.wantDump()
}

func TestSinglePrewrite4B(t *testing.T) {
	f := newFixture(t)
	if errs := f.prewrite(10, "k", put("k", "v")).GetErrors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	f.wantDump("lock k: put@10 primary=k ttl=100", "value k@10: v")
}

func TestPrewriteLocked4B(t *testing.T) {
	f := newFixture(t)
	f.locked("b", "b", 5, 100, "other")
	before := f.dump()
	errs := f.prewrite(10, "a", put("a", "1"), put("b", "2"), put("c", "3")).GetErrors()
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want one, for b", errs)
	}
	if l := errs[0].GetLocked(); l == nil || string(l.Key) != "b" || l.LockVersion != 5 || string(l.PrimaryLock) != "b" {
		t.Fatalf("error = %v, want Locked on b by txn 5", errs[0])
	}
	f.wantUnchanged(before) // a and c are not written either
}

func TestPrewriteWritten4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 5, 10, []byte("v"))
	for _, start := range []uint64{10, 8} { // commit at or after start_ts conflicts
		before := f.dump()
		errs := f.prewrite(start, "k", put("k", "new"), put("other", "x")).GetErrors()
		if len(errs) != 1 || errs[0].GetConflict() == nil {
			t.Fatalf("start %d: errors = %v, want one WriteConflict", start, errs)
		}
		c := errs[0].GetConflict()
		if c.StartTs != start || c.ConflictTs != 5 || c.ConflictCommitTs != 10 || string(c.Key) != "k" || string(c.Primary) != "k" {
			t.Fatalf("start %d: conflict = %v", start, c)
		}
		f.wantUnchanged(before)
	}
}

func TestPrewriteWrittenNoConflict4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 5, 10, []byte("v"))
	f.rolledBack("k", 6) // another txn's rollback record below start_ts is history too
	if errs := f.prewrite(11, "k", put("k", "new")).GetErrors(); len(errs) > 0 {
		t.Fatalf("prewrite above the last commit: %v", errs)
	}
	f.wantValue("k", 10, []byte("v")) // its lock does not block reads below 11
	if f.get("k", 20).GetError().GetLocked() == nil {
		t.Fatal("read above the new lock is not blocked")
	}
}

// TestPrewriteIgnoresOthersRollbacks: another transaction's rollback record above start_ts
// changed no value, so it is no write conflict; a commit above it still is.
func TestPrewriteIgnoresOthersRollbacks(t *testing.T) {
	f := newFixture(t)
	f.rolledBack("k", 20)
	if errs := f.prewrite(11, "k", put("k", "new")).GetErrors(); len(errs) > 0 {
		t.Fatalf("prewrite at 11 under another txn's rollback at 20: %v", errs)
	}
	f.rolledBack("j", 20)
	f.committed("j", 25, 30, []byte("v"))
	if errs := f.prewrite(12, "j", put("j", "new")).GetErrors(); len(errs) != 1 || errs[0].GetConflict().GetConflictCommitTs() != 30 {
		t.Fatalf("prewrite at 12 under a commit at 30: %v, want a conflict with it", errs)
	}
}

func TestPrewriteOverwrite4B(t *testing.T) {
	f := newFixture(t)
	if errs := f.prewrite(10, "k", put("k", "first"), del("k"), put("k", "last")).GetErrors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	f.wantDump("lock k: put@10 primary=k ttl=100", "value k@10: last")
	f = newFixture(t)
	f.prewrite(10, "k", put("k", "v"), del("k"))
	f.wantDump("lock k: delete@10 primary=k ttl=100")
}

func TestPrewriteMultiple4B(t *testing.T) {
	f := newFixture(t)
	errs := f.prewrite(10, "a", put("a", "1"), del("b"), &kvrpcpb.Mutation{Op: kvrpcpb.Op_Lock, Key: []byte("c")}).GetErrors()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	f.wantDump("lock a: put@10 primary=a ttl=100", "lock b: delete@10 primary=a ttl=100",
		"lock c: lock@10 primary=a ttl=100", "value a@10: 1")
}

func TestMultiplePrewrites4B(t *testing.T) {
	f := newFixture(t)
	if errs := f.prewrite(10, "a", put("a", "1")).GetErrors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	if errs := f.prewrite(20, "b", put("b", "2")).GetErrors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	// A retry of the first is idempotent; a second txn on a is refused.
	if errs := f.prewrite(10, "a", put("a", "1")).GetErrors(); len(errs) > 0 {
		t.Fatalf("repeated prewrite: %v", errs)
	}
	if errs := f.prewrite(30, "a", put("a", "3")).GetErrors(); len(errs) != 1 || errs[0].GetLocked() == nil {
		t.Fatalf("prewrite of a key locked by txn 10: %v", errs)
	}
	f.wantDump("lock a: put@10 primary=a ttl=100", "value a@10: 1", "lock b: put@20 primary=b ttl=100", "value b@20: 2")
}

func TestPrewriteAfterRollbackAborts4B(t *testing.T) {
	f := newFixture(t)
	if ke := f.rollback(10, "k"); ke != nil {
		t.Fatal(ke)
	}
	before := f.dump()
	errs := f.prewrite(10, "k", put("k", "late"))
	if len(errs.GetErrors()) != 1 || !strings.Contains(errs.GetErrors()[0].GetAbort(), "rolled back") {
		t.Fatalf("late prewrite after rollback: %v, want an abort", errs.GetErrors())
	}
	f.wantUnchanged(before)
	// Also when a later commit sits above the rollback record.
	f.committed("k", 12, 15, []byte("x"))
	if errs := f.prewrite(10, "k", put("k", "late")).GetErrors(); len(errs) != 1 || errs[0].GetAbort() == "" {
		t.Fatalf("late prewrite under a newer commit: %v, want an abort", errs)
	}
}

func TestPrewriteRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	ok := func() *kvrpcpb.KvPrewriteRequest {
		return &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{put("k", "v")}, PrimaryLock: []byte("k"), StartVersion: 5, LockTtl: 10}
	}
	cases := map[string]func(r *kvrpcpb.KvPrewriteRequest){
		"start_version":    func(r *kvrpcpb.KvPrewriteRequest) { r.StartVersion = 0 },
		"primary_lock":     func(r *kvrpcpb.KvPrewriteRequest) { r.PrimaryLock = nil },
		"mutations[0].key": func(r *kvrpcpb.KvPrewriteRequest) { r.Mutations[0].Key = nil },
		"mutations[0].op":  func(r *kvrpcpb.KvPrewriteRequest) { r.Mutations[0].Op = kvrpcpb.Op_Rollback },
		"mutations:": func(r *kvrpcpb.KvPrewriteRequest) {
			r.Mutations = make([]*kvrpcpb.Mutation, MaxKeys+1)
			for i := range r.Mutations {
				r.Mutations[i] = put("k", "v")
			}
		},
	}
	for field, mutate := range cases {
		req := ok()
		mutate(req)
		_, err := f.e.Prewrite(ctx, req)
		if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), field) {
			t.Errorf("bad %s: err = %v", field, err)
		}
	}
	f.wantDump()
}
