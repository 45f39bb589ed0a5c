package shell

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// While a transaction is open put, get, delete and scan go through it; commit applies its
// writes and prints the commit ts; rollback drops them.
func TestTxnStateMachine(t *testing.T) {
	f := newFixture(false)
	f.mustRun(t, "raw put raw 1")
	if out := f.mustRun(t, "begin"); out != "transaction 101 open\n" || !f.sh.InTxn() {
		t.Fatalf("begin printed %q, in txn %v", out, f.sh.InTxn())
	}
	if _, err := f.run("begin"); err == nil || !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "transaction 101 is open") {
		t.Errorf("second begin: %v", err)
	}
	f.mustRun(t, "put a 1")
	f.mustRun(t, "put b 2")
	f.mustRun(t, "delete b")
	if out := f.mustRun(t, "get a"); out != "1\n" {
		t.Errorf("get in txn = %q", out)
	}
	if _, err := f.run("get raw"); err == nil || !strings.Contains(err.Error(), "key not found") {
		t.Errorf("a transaction saw the raw key: %v", err)
	}
	if out := f.mustRun(t, "scan"); !strings.Contains(out, "(1 pair)") {
		t.Errorf("scan in txn = %q", out)
	}
	if len(f.kv.txn) != 0 || len(f.kv.raw) != 1 {
		t.Fatalf("writes before commit: txn %v raw %v", f.kv.txn, f.kv.raw)
	}
	if out := f.mustRun(t, "commit"); out != "committed at ts 102\n" || f.sh.InTxn() {
		t.Fatalf("commit printed %q, in txn %v", out, f.sh.InTxn())
	}
	if f.kv.txn["a"] != "1" || len(f.kv.txn) != 1 {
		t.Errorf("after commit: %v", f.kv.txn)
	}
	if out := f.mustRun(t, "raw get raw"); out != "1\n" {
		t.Errorf("raw get after commit: %q", out)
	}
	if out := f.mustRun(t, "get a"); out != "1\n" || f.sh.InTxn() {
		t.Errorf("after commit, an autocommit get sees %q (in txn %v)", out, f.sh.InTxn())
	}
	f.mustRun(t, "begin")
	f.mustRun(t, "put z 26")
	if out := f.mustRun(t, "rollback"); out != "transaction 104 rolled back\n" || f.sh.InTxn() {
		t.Errorf("rollback printed %q, in txn %v", out, f.sh.InTxn())
	}
	if _, ok := f.kv.txn["z"]; ok {
		t.Errorf("a rolled back write landed")
	}
}

// A failed commit ends the transaction all the same (it cannot take more writes).
func TestFailedCommitEndsTxn(t *testing.T) {
	f := newFixture(false)
	f.mustRun(t, "begin")
	f.sh.txn.(*fakeTxn).commitErr = errors.New("write conflict")
	if _, err := f.run("commit"); err == nil || err.Error() != "commit: write conflict" || errors.Is(err, ErrUsage) {
		t.Errorf("commit: %v", err)
	}
	if f.sh.InTxn() {
		t.Errorf("the failed transaction is still open")
	}
	if out := f.mustRun(t, "begin"); !strings.Contains(out, "open") {
		t.Errorf("begin after a failed commit: %q", out)
	}
}

// Close rolls back a transaction left open and says so.
func TestCloseRollsBackOpenTxn(t *testing.T) {
	f := newFixture(false)
	if err := f.sh.Close(context.Background()); err != nil {
		t.Errorf("Close with no transaction: %v", err)
	}
	f.mustRun(t, "begin")
	f.mustRun(t, "put k v")
	if err := f.sh.Close(context.Background()); err == nil || !strings.Contains(err.Error(), "left open without commit: rolled back") {
		t.Errorf("Close with an open transaction: %v", err)
	}
	if f.sh.InTxn() || len(f.kv.txn) != 0 {
		t.Errorf("after Close: in txn %v, written %v", f.sh.InTxn(), f.kv.txn)
	}
}
