package standalone

import (
	"context"
	"fmt"
	"testing"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/storage"
)

func openStorage(t *testing.T) *Storage {
	t.Helper()
	s, err := Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

func write(t *testing.T, s *Storage, ms ...storage.Modify) {
	t.Helper()
	if err := s.Write(context.Background(), nil, ms); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, s *Storage, cf, key string) []byte {
	t.Helper()
	r, err := s.Reader(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	v, err := r.GetCF(cf, []byte(key))
	if err != nil {
		t.Fatalf("GetCF(%q, %q): %v", cf, key, err)
	}
	return v
}

func scan(t *testing.T, r storage.Reader, cf, start string, limit int) []string {
	t.Helper()
	it, err := r.IterCF(cf, []byte(start), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []string
	for ; it.Valid() && len(out) < limit; it.Next() {
		out = append(out, fmt.Sprintf("%s=%s", it.Key(), it.Value()))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPutGetAndNotFound(t *testing.T) {
	s := openStorage(t)
	write(t, s, storage.Put(engine.CFDefault, []byte("k"), []byte("v")))
	if v := get(t, s, engine.CFDefault, "k"); string(v) != "v" {
		t.Fatalf("Get(k) = %q, want v", v)
	}
	if v := get(t, s, engine.CFDefault, "missing"); v != nil {
		t.Fatalf("Get(missing) = %q, want nil (absent is not an error)", v)
	}
	write(t, s, storage.Put(engine.CFDefault, []byte("empty"), nil))
	if v := get(t, s, engine.CFDefault, "empty"); v == nil || len(v) != 0 {
		t.Fatalf("Get(empty) = %#v, want a present empty value", v)
	}
}

func TestDelete(t *testing.T) {
	s := openStorage(t)
	write(t, s, storage.Put(engine.CFDefault, []byte("k"), []byte("v")))
	write(t, s, storage.Delete(engine.CFDefault, []byte("k")))
	if v := get(t, s, engine.CFDefault, "k"); v != nil {
		t.Fatalf("after delete Get(k) = %q, want absent", v)
	}
}

func TestScanLimitOrderPutsAndDeletes(t *testing.T) {
	s := openStorage(t)
	// Written out of order: the scan must return key order.
	for _, k := range []string{"c", "a", "e", "b", "d"} {
		write(t, s, storage.Put(engine.CFDefault, []byte(k), []byte("v"+k)))
	}
	r, _ := s.Reader(context.Background(), nil)
	if got := fmt.Sprint(scan(t, r, engine.CFDefault, "b", 3)); got != "[b=vb c=vc d=vd]" {
		t.Fatalf("scan(b, 3) = %s", got)
	}
	r.Close()

	write(t, s, storage.Put(engine.CFDefault, []byte("bb"), []byte("new")), storage.Delete(engine.CFDefault, []byte("c")))
	r, _ = s.Reader(context.Background(), nil)
	defer r.Close()
	if got := fmt.Sprint(scan(t, r, engine.CFDefault, "b", 3)); got != "[b=vb bb=new d=vd]" {
		t.Fatalf("scan after put bb and delete c = %s", got)
	}
	if got := fmt.Sprint(scan(t, r, engine.CFDefault, "", 100)); got != "[a=va b=vb bb=new d=vd e=ve]" {
		t.Fatalf("full scan = %s", got)
	}
}

func TestReaderIsASnapshot(t *testing.T) {
	s := openStorage(t)
	write(t, s, storage.Put(engine.CFDefault, []byte("a"), []byte("1")), storage.Put(engine.CFDefault, []byte("b"), []byte("2")))
	r, err := s.Reader(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	it, err := r.IterCF(engine.CFDefault, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	// Delete both keys after the reader (and its iterator) opened.
	write(t, s, storage.Delete(engine.CFDefault, []byte("a")), storage.Delete(engine.CFDefault, []byte("b")))
	var keys []string
	for ; it.Valid(); it.Next() {
		keys = append(keys, string(it.Key()))
	}
	if fmt.Sprint(keys) != "[a b]" {
		t.Fatalf("iterator opened before the delete saw %v, want [a b]", keys)
	}
	if v, err := r.GetCF(engine.CFDefault, []byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("reader opened before the delete: Get(a) = %q, %v", v, err)
	}
	if v := get(t, s, engine.CFDefault, "a"); v != nil {
		t.Fatalf("a new reader still sees the deleted key: %q", v)
	}
}

func TestColumnFamilyScoping(t *testing.T) {
	s := openStorage(t)
	write(t, s,
		storage.Put(engine.CFDefault, []byte("k"), []byte("d")),
		storage.Put(engine.CFLock, []byte("k"), []byte("l")),
		storage.Put(engine.CFWrite, []byte("k2"), []byte("w")))
	write(t, s, storage.Delete(engine.CFLock, []byte("k")))
	if v := get(t, s, engine.CFDefault, "k"); string(v) != "d" {
		t.Fatalf("a delete in lock removed the default key: %q", v)
	}
	if v := get(t, s, engine.CFWrite, "k"); v != nil {
		t.Fatalf("write CF sees default's key: %q", v)
	}
	r, _ := s.Reader(context.Background(), nil)
	defer r.Close()
	if got := fmt.Sprint(scan(t, r, engine.CFWrite, "", 10)); got != "[k2=w]" {
		t.Fatalf("scan of write CF = %s", got)
	}
	if got := fmt.Sprint(scan(t, r, engine.CFLock, "", 10)); got != "[]" {
		t.Fatalf("scan of lock CF = %s", got)
	}
	if _, err := r.GetCF("nope", []byte("k")); err == nil {
		t.Fatal("GetCF on an unknown column family did not fail")
	}
	if _, err := r.IterCF("nope", nil, nil); err == nil {
		t.Fatal("IterCF on an unknown column family did not fail")
	}
}

func TestWriteIsAtomicAndValidated(t *testing.T) {
	s := openStorage(t)
	err := s.Write(context.Background(), nil, []storage.Modify{
		storage.Put(engine.CFDefault, []byte("a"), []byte("1")),
		storage.Put("bogus", []byte("b"), []byte("2")),
	})
	if err == nil {
		t.Fatal("a batch with an unknown column family was accepted")
	}
	if v := get(t, s, engine.CFDefault, "a"); v != nil {
		t.Fatalf("a rejected batch was partly applied: a = %q", v)
	}
}

func TestStoppedStorageRefuses(t *testing.T) {
	s := openStorage(t)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if err := s.Write(context.Background(), nil, []storage.Modify{storage.Put("", []byte("a"), nil)}); err != ErrStopped {
		t.Fatalf("Write after Stop = %v, want ErrStopped", err)
	}
	if _, err := s.Reader(context.Background(), nil); err != ErrStopped {
		t.Fatalf("Reader after Stop = %v, want ErrStopped", err)
	}
}

func TestDurableAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, s, storage.Put(engine.CFDefault, []byte("k"), []byte("v")))
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if v := get(t, s, engine.CFDefault, "k"); string(v) != "v" {
		t.Fatalf("after reopen Get(k) = %q", v)
	}
}
