package txn

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func (f *fixture) gc(safePoint uint64, start, end string) int {
	f.t.Helper()
	n, err := f.e.GC(ctx, nil, safePoint, []byte(start), []byte(end))
	if err != nil {
		f.t.Fatalf("GC: %v", err)
	}
	return n
}

// gcHistory builds keys with puts, deletes, rollback and lock records around ts 50.
func gcHistory(f *fixture) {
	f.committed("a", 10, 11, []byte("a1"))
	f.committed("a", 20, 21, []byte("a2"))
	f.rolledBack("a", 30)
	f.committed("a", 60, 61, []byte("a3")) // above the safe point
	f.committed("b", 10, 11, []byte("b1"))
	f.committed("b", 20, 21, nil) // newest at or below 50 is a delete
	f.committed("c", 10, 11, []byte("c1"))
	f.committed("c", 40, 45, nil)
	f.committed("c", 55, 70, []byte("c2"))
	f.seed(35, func(t *mvcc.MvccTxn) { t.PutWrite([]byte("d"), 36, &mvcc.Write{StartTS: 35, Kind: mvcc.WriteLock}) })
	f.committed("d", 5, 6, []byte("d1"))
	f.committed("e", 50, 50+1, []byte("e1")) // commit above 50 only
	f.locked("f", "f", 40, 100, "pending")   // a lock below the safe point is not GC's business
}

func TestGCKeepsReadsAtAndAfterSafePoint(t *testing.T) {
	f := newFixture(t)
	gcHistory(f)
	keys := []string{"a", "b", "c", "d", "e"}
	before := map[string]string{}
	for _, k := range keys {
		for ts := uint64(50); ts <= 80; ts++ {
			before[fmt.Sprint(k, "@", ts)] = fmt.Sprint(f.get(k, ts).GetValue(), f.get(k, ts).GetNotFound())
		}
	}
	removed := f.gc(50, "", "")
	for _, k := range keys {
		for ts := uint64(50); ts <= 80; ts++ {
			id := fmt.Sprint(k, "@", ts)
			if got := fmt.Sprint(f.get(k, ts).GetValue(), f.get(k, ts).GetNotFound()); got != before[id] {
				t.Errorf("read %s after GC = %s, before %s", id, got, before[id])
			}
		}
	}
	// a: a1 and the rollback go, a2 (newest put <= 50) and a3 stay.
	// b: all gone (the newest <= 50 is a delete). c: c1 and the delete go, c2 stays.
	// d: the lock record goes, d1 stays. e and f untouched.
	f.wantDump(
		"value a@20: a2", "write a@21: put start=20", "value a@60: a3", "write a@61: put start=60",
		"value c@55: c2", "write c@70: put start=55",
		"value d@5: d1", "write d@6: put start=5",
		"value e@50: e1", "write e@51: put start=50",
		"lock f: put@40 primary=f ttl=100", "value f@40: pending")
	if removed != 7 {
		t.Fatalf("GC removed %d write records, want 7 (a: 2, b: 2, c: 2, d: 1)", removed)
	}
	if again := f.gc(50, "", ""); again != 0 {
		t.Fatalf("second GC removed %d", again)
	}
}

func TestGCRange(t *testing.T) {
	f := newFixture(t)
	gcHistory(f)
	if n := f.gc(50, "b", "c"); n != 2 {
		t.Fatalf("GC of [b, c) removed %d, want b's 2", n)
	}
	if f.get("a", 15).GetNotFound() {
		t.Fatal("GC outside its range removed a's old version")
	}
	if n := f.gc(0, "", ""); n != 0 {
		t.Fatalf("GC at safe point 0 removed %d", n)
	}
}

func TestGCManyVersionsAndKeysInBatches(t *testing.T) {
	f := newFixture(t)
	versions := gcWriteLimit + 10 // more than one batch on one key
	for i := 0; i < versions; i++ {
		f.seed(uint64(2*i+1), func(t *mvcc.MvccTxn) {
			t.PutValue([]byte("hot"), []byte(fmt.Sprint(i)))
			t.PutWrite([]byte("hot"), uint64(2*i+2), &mvcc.Write{StartTS: uint64(2*i + 1), Kind: mvcc.WritePut})
		})
	}
	keys := resolveBatch + 5
	f.seed(1, func(t *mvcc.MvccTxn) {
		for i := 0; i < keys; i++ {
			k := []byte(fmt.Sprintf("k%04d", i))
			t.PutWrite(k, 2, &mvcc.Write{StartTS: 1, Kind: mvcc.WriteRollback})
		}
	})
	top := uint64(2 * versions)
	if n := f.gc(top, "", ""); n != versions-1+keys {
		t.Fatalf("GC removed %d, want %d", n, versions-1+keys)
	}
	f.wantDump(fmt.Sprintf("value hot@%d: %d", top-1, versions-1), fmt.Sprintf("write hot@%d: put start=%d", top, top-1))
}

func TestGCRejectsBadBounds(t *testing.T) {
	f := newFixture(t)
	if _, err := f.e.GC(ctx, &kvrpcpb.Context{}, 5, make([]byte, MaxKeySize+1), nil); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("err = %v", err)
	}
}

// After GC ran with a safe point, a prewrite of a transaction that started at or below it is
// refused: GC may have removed the rollback record that would have stopped it.
func TestPrewriteBelowGCSafePointAborts(t *testing.T) {
	f := newFixture(t)
	if _, err := f.e.GC(ctx, nil, 50, nil, nil); err != nil {
		t.Fatal(err)
	}
	errs := f.prewrite(40, "a", put("a", "1")).GetErrors()
	if len(errs) != 1 || errs[0].GetAbort() == "" {
		t.Fatalf("prewrite at 40 after GC at 50: %v, want one Abort", errs)
	}
	if errs := f.prewrite(60, "a", put("a", "1")).GetErrors(); len(errs) > 0 {
		t.Fatalf("prewrite at 60: %v", errs)
	}
	// The cluster's safe point, from the GC worker, counts without a collection here; one-phase
	// commits obey it too, and a lower value does not lower the floor.
	f.e.RaiseGCFloor(70)
	f.e.RaiseGCFloor(55)
	f.e.SetClock(&fakeClock{next: 90})
	if errs := f.onePC(65, put("b", "1")).GetErrors(); len(errs) != 1 || errs[0].GetAbort() == "" {
		t.Fatalf("one-phase commit at 65 after the floor rose to 70: %v, want one Abort", errs)
	}
	if resp := f.onePC(75, put("b", "1")); resp.GetOnePcCommitVersion() != 90 {
		t.Fatalf("one-phase commit at 75: %v, want committed at 90", resp)
	}
}
