package mvcc

import (
	"bytes"
	"context"
	"testing"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/storage"
	"github.com/gee-project/gee/kv/storage/standalone"
)

type fixture struct {
	t  *testing.T
	st *standalone.Storage
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := standalone.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop() })
	return &fixture{t: t, st: st}
}

// txn opens a transaction buffer at ts on a fresh reader.
func (f *fixture) txn(ts uint64) *MvccTxn {
	f.t.Helper()
	r, err := f.st.Reader(context.Background(), nil)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(r.Close)
	return NewMvccTxn(r, ts)
}

func (f *fixture) apply(t *MvccTxn) {
	f.t.Helper()
	if err := f.st.Write(context.Background(), nil, t.Writes()); err != nil {
		f.t.Fatal(err)
	}
}

// commit stores a committed version of key: value at start, write record at commit.
func (f *fixture) commit(key string, start, commit uint64, kind WriteKind, value string) {
	t := f.txn(start)
	if kind == WritePut {
		t.PutValue([]byte(key), []byte(value))
	}
	t.PutWrite([]byte(key), commit, &Write{StartTS: start, Kind: kind})
	f.apply(t)
}

func (f *fixture) raw(cf string, key []byte) []byte {
	f.t.Helper()
	r, err := f.st.Reader(context.Background(), nil)
	if err != nil {
		f.t.Fatal(err)
	}
	defer r.Close()
	v, err := r.GetCF(cf, key)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *fixture) getValue(key string, ts uint64) []byte {
	f.t.Helper()
	v, err := f.txn(ts).GetValue([]byte(key))
	if err != nil {
		f.t.Fatalf("GetValue(%q) at %d: %v", key, ts, err)
	}
	return v
}

func wantModify(t *testing.T, m storage.Modify, kind storage.ModifyKind, cf string, key []byte) {
	t.Helper()
	if m.Kind != kind || m.CF != cf || !bytes.Equal(m.Key, key) {
		t.Fatalf("modify = %v %s %q, want %v %s %q", m.Kind, m.CF, m.Key, kind, cf, key)
	}
}

func TestPutLock4A(t *testing.T) {
	f := newFixture(t)
	tx := f.txn(10)
	tx.PutLock([]byte("k"), &Lock{Primary: []byte("p"), Ts: 10, Ttl: 5, Kind: WritePut})
	wantModify(t, tx.Writes()[0], storage.ModifyPut, engine.CFLock, []byte("k"))
	f.apply(tx)
	if l, err := ParseLock(f.raw(engine.CFLock, []byte("k"))); err != nil || l.Ts != 10 || string(l.Primary) != "p" {
		t.Fatalf("lock CF holds %+v, %v under the user key", l, err)
	}
}

func TestGetLock4A(t *testing.T) {
	f := newFixture(t)
	if l, err := f.txn(1).GetLock([]byte("k")); l != nil || err != nil {
		t.Fatalf("GetLock on an unlocked key = %+v, %v; want nil, nil", l, err)
	}
	tx := f.txn(10)
	tx.PutLock([]byte("k"), &Lock{Primary: []byte("p"), Ts: 10, Ttl: 5, Kind: WriteDelete})
	f.apply(tx)
	l, err := f.txn(99).GetLock([]byte("k"))
	if err != nil || l == nil || l.Ts != 10 || l.Ttl != 5 || l.Kind != WriteDelete {
		t.Fatalf("GetLock = %+v, %v", l, err)
	}
	if err := f.st.Write(context.Background(), nil, []storage.Modify{storage.Put(engine.CFLock, []byte("bad"), []byte("x"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.txn(1).GetLock([]byte("bad")); err == nil {
		t.Fatal("GetLock of a corrupt lock succeeded; want an error naming the key")
	}
}

func TestDeleteLock4A(t *testing.T) {
	f := newFixture(t)
	tx := f.txn(10)
	tx.PutLock([]byte("k"), &Lock{Primary: []byte("p"), Ts: 10, Ttl: 5, Kind: WritePut})
	f.apply(tx)
	tx = f.txn(10)
	tx.DeleteLock([]byte("k"))
	wantModify(t, tx.Writes()[0], storage.ModifyDelete, engine.CFLock, []byte("k"))
	f.apply(tx)
	if v := f.raw(engine.CFLock, []byte("k")); v != nil {
		t.Fatalf("lock still there: %q", v)
	}
}

func TestPutValue4A(t *testing.T) {
	f := newFixture(t)
	tx := f.txn(42)
	tx.PutValue([]byte("k"), []byte("v"))
	wantModify(t, tx.Writes()[0], storage.ModifyPut, engine.CFDefault, EncodeKey([]byte("k"), 42))
	f.apply(tx)
	if v := f.raw(engine.CFDefault, EncodeKey([]byte("k"), 42)); string(v) != "v" {
		t.Fatalf("default CF at start_ts holds %q, want v", v)
	}
}

func TestDeleteValue4A(t *testing.T) {
	f := newFixture(t)
	tx := f.txn(42)
	tx.PutValue([]byte("k"), []byte("v"))
	f.apply(tx)
	tx = f.txn(42)
	tx.DeleteValue([]byte("k"))
	wantModify(t, tx.Writes()[0], storage.ModifyDelete, engine.CFDefault, EncodeKey([]byte("k"), 42))
	f.apply(tx)
	if v := f.raw(engine.CFDefault, EncodeKey([]byte("k"), 42)); v != nil {
		t.Fatalf("value still there: %q", v)
	}
}

func TestPutWrite4A(t *testing.T) {
	f := newFixture(t)
	tx := f.txn(5)
	tx.PutWrite([]byte("k"), 9, &Write{StartTS: 5, Kind: WritePut})
	wantModify(t, tx.Writes()[0], storage.ModifyPut, engine.CFWrite, EncodeKey([]byte("k"), 9))
	f.apply(tx)
	w, err := ParseWrite(f.raw(engine.CFWrite, EncodeKey([]byte("k"), 9)))
	if err != nil || w.StartTS != 5 || w.Kind != WritePut {
		t.Fatalf("write CF at commit_ts holds %+v, %v", w, err)
	}
}

func TestGetValueSimple4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "v")
	if v := f.getValue("k", 25); string(v) != "v" {
		t.Fatalf("read at 25 = %q, want v", v)
	}
	if v := f.getValue("k", 20); string(v) != "v" {
		t.Fatalf("read at the commit ts = %q, want v", v)
	}
}

func TestGetValueMissing4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "v")
	for _, k := range []string{"j", "k\x00", "kk", "l"} {
		if v := f.getValue(k, 100); v != nil {
			t.Fatalf("read of never-written %q = %q, want nil", k, v)
		}
	}
}

func TestGetValueTooEarly4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "v")
	for _, ts := range []uint64{19, 10, 1} {
		if v := f.getValue("k", ts); v != nil {
			t.Fatalf("read at %d (before commit 20) = %q, want nil", ts, v)
		}
	}
}

func TestGetValueOverwritten4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "old")
	f.commit("k", 30, 40, WritePut, "new")
	if v := f.getValue("k", 45); string(v) != "new" {
		t.Fatalf("read at 45 = %q, want new", v)
	}
}

func TestGetValueNotOverwritten4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "old")
	f.commit("k", 30, 40, WritePut, "new")
	for _, ts := range []uint64{20, 35, 39} {
		if v := f.getValue("k", ts); string(v) != "old" {
			t.Fatalf("read at %d = %q, want old (new commits at 40)", ts, v)
		}
	}
}

func TestGetValueDeleted4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "v")
	f.commit("k", 30, 40, WriteDelete, "")
	if v := f.getValue("k", 40); v != nil {
		t.Fatalf("read after the delete = %q, want nil", v)
	}
}

func TestGetValueNotDeleted4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "v")
	f.commit("k", 30, 40, WriteDelete, "")
	if v := f.getValue("k", 39); string(v) != "v" {
		t.Fatalf("read before the delete = %q, want v", v)
	}
}

func TestGetValueSkipsRollbackAndLockRecords4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "v")
	f.commit("k", 25, 25, WriteRollback, "")
	f.commit("k", 30, 35, WriteLock, "")
	if v := f.getValue("k", 50); string(v) != "v" {
		t.Fatalf("read past rollback and lock records = %q, want v", v)
	}
	f.commit("k", 60, 70, WritePut, "")
	if v := f.getValue("k", 70); v == nil || len(v) != 0 {
		t.Fatalf("read of an empty value = %#v, want a present empty value", v)
	}
}

func TestCurrentWrite4A(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "a")
	f.commit("k", 30, 40, WriteDelete, "")
	f.commit("k", 50, 50, WriteRollback, "")
	f.commit("k\x00", 60, 70, WritePut, "other key")
	for _, c := range []struct {
		start, commit uint64
		kind          WriteKind
	}{{10, 20, WritePut}, {30, 40, WriteDelete}, {50, 50, WriteRollback}} {
		w, ts, err := f.txn(c.start).CurrentWrite([]byte("k"))
		if err != nil || w == nil || ts != c.commit || w.Kind != c.kind {
			t.Fatalf("CurrentWrite at start %d = %+v, %d, %v; want commit %d", c.start, w, ts, err, c.commit)
		}
	}
	for _, start := range []uint64{15, 60, 5} {
		if w, _, err := f.txn(start).CurrentWrite([]byte("k")); w != nil || err != nil {
			t.Fatalf("CurrentWrite of absent txn %d = %+v, %v", start, w, err)
		}
	}
}

func TestMostRecentWrite4A(t *testing.T) {
	f := newFixture(t)
	if w, _, err := f.txn(1).MostRecentWrite([]byte("k")); w != nil || err != nil {
		t.Fatalf("MostRecentWrite of unwritten key = %+v, %v", w, err)
	}
	f.commit("k", 10, 20, WritePut, "a")
	f.commit("k", 30, 40, WriteRollback, "")
	f.commit("j", 50, 60, WritePut, "other key")
	f.commit("k\x00", 50, 60, WritePut, "other key")
	for _, ts := range []uint64{1, 25, 1000} {
		w, commit, err := f.txn(ts).MostRecentWrite([]byte("k"))
		if err != nil || w == nil || commit != 40 || w.StartTS != 30 || w.Kind != WriteRollback {
			t.Fatalf("MostRecentWrite at %d = %+v, %d, %v; want the rollback at 40", ts, w, commit, err)
		}
	}
}

func TestConflictingWriteSkipsOthersRollbacks(t *testing.T) {
	f := newFixture(t)
	f.commit("k", 10, 20, WritePut, "a")
	f.commit("k", 30, 30, WriteRollback, "")
	f.commit("k", 35, 35, WriteRollback, "")
	f.commit("k\x00", 50, 60, WritePut, "other key")
	for _, c := range []struct {
		start, wantCommit uint64
		what              string
	}{
		{5, 20, "the commit at 20 under two newer rollbacks of other txns"},
		{25, 0, "nothing: only other txns' rollbacks above 25"},
		{30, 30, "this txn's own rollback"},
		{36, 0, "nothing at or above 36"},
	} {
		w, commit, err := f.txn(c.start).ConflictingWrite([]byte("k"))
		if err != nil || commit != c.wantCommit || (w == nil) != (c.wantCommit == 0) {
			t.Fatalf("ConflictingWrite at %d = %+v, %d, %v; want %s", c.start, w, commit, err, c.what)
		}
	}
}
