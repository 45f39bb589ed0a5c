package txn

import (
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func TestEmptyCommit4B(t *testing.T) {
	f := newFixture(t)
	if ke := f.commit(10, 20); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump()
}

func TestSingleCommit4B(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "k", put("k", "v"))
	if ke := f.commit(10, 20, "k"); ke != nil {
		t.Fatal(ke)
	}
	f.wantDump("value k@10: v", "write k@20: put start=10")
	f.wantValue("k", 20, []byte("v"))
	f.wantValue("k", 19, nil)
}

func TestCommitOverwrite4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 5, 6, []byte("old"))
	f.prewrite(10, "k", put("k", "new"))
	if ke := f.commit(10, 20, "k"); ke != nil {
		t.Fatal(ke)
	}
	f.wantValue("k", 19, []byte("old"))
	f.wantValue("k", 20, []byte("new"))
}

func TestCommitMultipleKeys4B(t *testing.T) {
	f := newFixture(t)
	f.committed("b", 1, 2, []byte("gone"))
	f.prewrite(10, "a", put("a", "1"), del("b"), put("c", "3"))
	if ke := f.commit(10, 20, "a", "b", "c", "a"); ke != nil { // a listed twice
		t.Fatal(ke)
	}
	f.wantDump("value a@10: 1", "write a@20: put start=10", "value b@1: gone", "write b@2: put start=1",
		"write b@20: delete start=10", "value c@10: 3", "write c@20: put start=10")
	f.wantValue("b", 20, nil)
}

func TestRecommitKey4B(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "k", put("k", "v"))
	if ke := f.commit(10, 20, "k"); ke != nil {
		t.Fatal(ke)
	}
	before := f.dump()
	if ke := f.commit(10, 20, "k"); ke != nil {
		t.Fatalf("second commit: %v", ke)
	}
	f.wantUnchanged(before)
}

func TestCommitConflictRollback4B(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "k", put("k", "v"))
	if ke := f.rollback(10, "k"); ke != nil {
		t.Fatal(ke)
	}
	before := f.dump()
	ke := f.commit(10, 20, "k")
	if ke.GetAbort() == "" || !strings.Contains(ke.GetAbort(), "rolled back") {
		t.Fatalf("commit of a rolled-back txn: %v, want an abort", ke)
	}
	f.wantUnchanged(before)
}

func TestCommitConflictRace4B(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "a", put("a", "1"))
	f.locked("b", "b", 30, 100, "other") // b's lock of txn 10 was replaced: txn 30 now holds it
	before := f.dump()
	ke := f.commit(10, 40, "a", "b")
	if ke.GetRetryable() == "" || !strings.Contains(ke.GetRetryable(), "locked by txn 30") {
		t.Fatalf("commit of a key locked by another txn: %v, want retryable", ke)
	}
	f.wantUnchanged(before) // a is not committed either
}

func TestCommitConflictRepeat4B(t *testing.T) {
	f := newFixture(t)
	f.prewrite(10, "k", put("k", "v"))
	f.commit(10, 20, "k")
	f.prewrite(30, "k", put("k", "w"))
	before := f.dump()
	if ke := f.commit(10, 20, "k"); ke != nil {
		t.Fatalf("repeated commit under another txn's lock: %v", ke)
	}
	f.wantUnchanged(before)
}

// Following TiKV (api.md): with neither lock nor record, commit answers the retryable
// "txn lock not found" and writes nothing.
func TestCommitMissingPrewrite4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 3, 4, []byte("v"))
	before := f.dump()
	ke := f.commit(10, 20, "k")
	if !strings.Contains(ke.GetRetryable(), "txn lock not found") {
		t.Fatalf("commit without prewrite: %v, want retryable txn lock not found", ke)
	}
	f.wantUnchanged(before)
}

func TestCommitRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	for field, req := range map[string]*kvrpcpb.KvCommitRequest{
		"start_version":  {CommitVersion: 5, Keys: bkeys("k")},
		"commit_version": {StartVersion: 5, CommitVersion: 5, Keys: bkeys("k")},
		"keys[0]":        {StartVersion: 5, CommitVersion: 6, Keys: bkeys("")},
	} {
		_, err := f.e.Commit(ctx, req)
		if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), field) {
			t.Errorf("bad %s: err = %v", field, err)
		}
	}
}
