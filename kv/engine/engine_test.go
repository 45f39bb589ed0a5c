package engine

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func open(t *testing.T) *Engine {
	t.Helper()
	e, err := Open(t.TempDir(), Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestColumnFamiliesAreSeparate(t *testing.T) {
	e := open(t)
	wb := e.NewBatch()
	wb.Put(CFDefault, []byte("k"), []byte("d"))
	wb.Put(CFLock, []byte("k"), []byte("l"))
	wb.Put(CFWrite, []byte("k"), []byte("w"))
	if err := e.Write(wb, true); err != nil {
		t.Fatal(err)
	}
	for cf, want := range map[string]string{CFDefault: "d", "": "d", CFLock: "l", CFWrite: "w"} {
		got, err := e.Get(cf, []byte("k"))
		if err != nil || string(got) != want {
			t.Fatalf("Get(%q) = %q, %v; want %q", cf, got, err, want)
		}
	}
	if _, err := e.Get(CFDefault, []byte("missing")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing key: err = %v, want ErrNotFound", err)
	}
	if ValidCF("nope") {
		t.Fatal("ValidCF accepted an unknown column family")
	}
}

func TestSnapshotIsolationAndBoundedIteration(t *testing.T) {
	e := open(t)
	wb := e.NewBatch()
	for i := 0; i < 10; i++ {
		wb.Put(CFDefault, []byte(fmt.Sprintf("k%02d", i)), []byte{byte(i)})
	}
	wb.Put(CFLock, []byte("k05"), []byte("lock"))
	if err := e.Write(wb, false); err != nil {
		t.Fatal(err)
	}
	snap := e.Snapshot()
	defer snap.Close()
	wb = e.NewBatch()
	wb.Delete(CFDefault, []byte("k03"))
	wb.Put(CFDefault, []byte("k03a"), []byte("new"))
	if err := e.Write(wb, false); err != nil {
		t.Fatal(err)
	}
	it, err := snap.NewCFIterator(CFDefault, []byte("k02"), []byte("k06"))
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var keys []string
	for ; it.Valid(); it.Next() {
		keys = append(keys, string(it.Key()))
	}
	if got := fmt.Sprint(keys); got != "[k02 k03 k04 k05]" {
		t.Fatalf("snapshot scan = %s; want the pre-delete keys only, no lock-CF key", got)
	}
	it.Seek([]byte("k04"))
	if !it.Valid() || !bytes.Equal(it.Key(), []byte("k04")) {
		t.Fatalf("Seek(k04) landed on %q", it.Key())
	}
	if v, err := snap.Get(CFDefault, []byte("k03")); err != nil || v[0] != 3 {
		t.Fatalf("snapshot Get(k03) = %v, %v", v, err)
	}
	if _, err := e.Get(CFDefault, []byte("k03")); !errors.Is(err, ErrNotFound) {
		t.Fatal("live Get(k03) still sees the deleted key")
	}
	if _, err := snap.NewCFIterator("bogus", nil, nil); err == nil {
		t.Fatal("iterator over an unknown column family did not fail")
	}
}

func TestDurableAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wb := e.NewBatch()
	wb.Put(CFWrite, []byte("a"), []byte("1"))
	wb.PutRaw(ApplyStateKey(7), []byte("applied"))
	if err := e.Write(wb, true); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if v, err := e.Get(CFWrite, []byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("after reopen Get = %q, %v", v, err)
	}
	if v, err := e.GetRaw(ApplyStateKey(7)); err != nil || string(v) != "applied" {
		t.Fatalf("after reopen apply state = %q, %v", v, err)
	}
}

func TestLocalKeysSortBeforeDataAndByIndex(t *testing.T) {
	if bytes.Compare(RaftLogKey(1, 1<<40), DataKey(CFDefault, nil)) >= 0 {
		t.Fatal("a local key sorts after data")
	}
	if bytes.Compare(RaftLogKey(1, 255), RaftLogKey(1, 256)) >= 0 {
		t.Fatal("raft log keys do not sort by index")
	}
	if bytes.Compare(RaftLogKey(1, 1<<60), RaftStateKey(1)) >= 0 {
		t.Fatal("the raft log of a region does not sort before its raft state")
	}
	idx, err := RaftLogIndex(RaftLogKey(9, 12345))
	if err != nil || idx != 12345 {
		t.Fatalf("RaftLogIndex = %d, %v", idx, err)
	}
	id, err := RegionIDFromMetaKey(RegionStateKey(42))
	if err != nil || id != 42 {
		t.Fatalf("RegionIDFromMetaKey = %d, %v", id, err)
	}
	if _, err := RaftLogIndex([]byte("short")); err == nil {
		t.Fatal("RaftLogIndex accepted a non-log key")
	}
}
