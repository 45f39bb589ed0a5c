package txn

import (
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func TestEmptyRollback4C(t *testing.T) {
	f := newFixture(t)
	if ke := f.rollback(10); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump()
}

func TestRollback4C(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 1, 2, []byte("old"))
	f.prewrite(10, "k", put("k", "new"))
	if ke := f.rollback(10, "k"); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump("value k@1: old", "write k@2: put start=1", "write k@10: rollback start=10")
	f.wantValue("k", 100, []byte("old"))
}

func TestRollbackDuplicateKeys4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "a", put("a", "1"), del("b"))
	if ke := f.rollback(10, "a", "b", "a", "b"); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump("write a@10: rollback start=10", "write b@10: rollback start=10")
}

func TestRollbackMissingPrewrite4C(t *testing.T) {
	f := newFixture(t)
	if ke := f.rollback(10, "k"); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump("write k@10: rollback start=10")
	// The record protects against the prewrite arriving late, and its commit.
	if errs := f.prewrite(10, "k", put("k", "late")).GetErrors(); len(errs) != 1 || errs[0].GetAbort() == "" {
		t.Fatalf("late prewrite: %v, want an abort", errs)
	}
	if ke := f.commit(10, 20, "k"); ke.GetAbort() == "" {
		t.Fatalf("commit after rollback: %v, want an abort", ke)
	}
	f.wantDump("write k@10: rollback start=10")
}

func TestRollbackCommitted4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "a", put("a", "1"), put("b", "2"))
	f.commit(10, 20, "a")
	before := f.dump()
	ke := f.rollback(10, "b", "a")
	if !strings.Contains(ke.GetAbort(), "committed") {
		t.Fatalf("rollback of a committed txn: %v, want an abort", ke)
	}
	f.wantUnchanged(before) // b keeps its lock too
}

func TestRollbackDuplicate4C(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "k", put("k", "v"))
	f.rollback(10, "k")
	before := f.dump()
	if ke := f.rollback(10, "k"); ke != nil {
		t.Fatalf("second rollback: %v", ke)
	}
	f.wantUnchanged(before)
}

func TestRollbackOtherTxn4C(t *testing.T) {
	f := newFixture(t)
	f.locked("k", "p", 20, 100, "theirs")
	if ke := f.rollback(10, "k"); ke != nil {
		t.Fatal(ke)
	}
	// Txn 20's lock and value stay; txn 10 still gets its rollback record (as TiKV).
	f.wantDump("lock k: put@20 primary=p ttl=100", "value k@20: theirs", "write k@10: rollback start=10")
}

func TestRollbackRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	for field, req := range map[string]*kvrpcpb.KvBatchRollbackRequest{
		"start_version": {Keys: bkeys("k")},
		"keys[1]":       {StartVersion: 3, Keys: bkeys("k", "")},
	} {
		if _, err := f.e.BatchRollback(ctx, req); !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), field) {
			t.Errorf("bad %s: err = %v", field, err)
		}
	}
}
