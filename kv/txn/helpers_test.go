package txn

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage/standalone"
)

type fixture struct {
	t  *testing.T
	st *standalone.Storage
	e  *Executor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := standalone.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop() })
	return &fixture{t: t, st: st, e: New(st)}
}

var ctx = context.Background()

// seed writes through a transaction buffer at ts.
func (f *fixture) seed(ts uint64, fn func(t *mvcc.MvccTxn)) {
	f.t.Helper()
	r, err := f.st.Reader(ctx, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	defer r.Close()
	tx := mvcc.NewMvccTxn(r, ts)
	fn(tx)
	if err := f.st.Write(ctx, nil, tx.Writes()); err != nil {
		f.t.Fatal(err)
	}
}

// committed seeds key committed by start at commit with value (kind put unless value is nil).
func (f *fixture) committed(key string, start, commit uint64, value []byte) {
	f.seed(start, func(t *mvcc.MvccTxn) {
		kind := mvcc.WriteDelete
		if value != nil {
			kind = mvcc.WritePut
			t.PutValue([]byte(key), value)
		}
		t.PutWrite([]byte(key), commit, &mvcc.Write{StartTS: start, Kind: kind})
	})
}

// locked seeds a put lock of start on key with primary p, and its value.
func (f *fixture) locked(key, primary string, start, ttl uint64, value string) {
	f.seed(start, func(t *mvcc.MvccTxn) {
		t.PutLock([]byte(key), &mvcc.Lock{Primary: []byte(primary), Ts: start, Ttl: ttl, Kind: mvcc.WritePut})
		t.PutValue([]byte(key), []byte(value))
	})
}

func (f *fixture) rolledBack(key string, start uint64) {
	f.seed(start, func(t *mvcc.MvccTxn) {
		t.PutWrite([]byte(key), start, &mvcc.Write{StartTS: start, Kind: mvcc.WriteRollback})
	})
}

// dump lists every entry of every column family, decoded, sorted: a whole-store picture
// tests compare before and after a command.
func (f *fixture) dump() []string {
	f.t.Helper()
	r, err := f.st.Reader(ctx, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for _, cf := range engine.CFs {
		it, err := r.IterCF(cf, nil, nil)
		if err != nil {
			f.t.Fatal(err)
		}
		for ; it.Valid(); it.Next() {
			out = append(out, describe(f.t, cf, it.Key(), it.Value()))
		}
		it.Close()
	}
	sort.Strings(out)
	return out
}

func describe(t *testing.T, cf string, key, value []byte) string {
	t.Helper()
	switch cf {
	case engine.CFLock:
		l, err := mvcc.ParseLock(value)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("lock %s: %s@%d primary=%s ttl=%d", key, l.Kind, l.Ts, l.Primary, l.Ttl)
	case engine.CFWrite:
		k, ts, err := mvcc.DecodeKey(key)
		if err != nil {
			t.Fatal(err)
		}
		w, err := mvcc.ParseWrite(value)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("write %s@%d: %s start=%d", k, ts, w.Kind, w.StartTS)
	}
	k, ts, err := mvcc.DecodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("value %s@%d: %s", k, ts, value)
}

func (f *fixture) wantDump(want ...string) {
	f.t.Helper()
	sort.Strings(want)
	got := f.dump()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		f.t.Fatalf("store holds\n  %q\nwant\n  %q", got, want)
	}
}

func (f *fixture) wantUnchanged(before []string) {
	f.t.Helper()
	f.wantDump(before...)
}

func put(key, value string) *kvrpcpb.Mutation {
	return &kvrpcpb.Mutation{Op: kvrpcpb.Op_Put, Key: []byte(key), Value: []byte(value)}
}

func del(key string) *kvrpcpb.Mutation {
	return &kvrpcpb.Mutation{Op: kvrpcpb.Op_Del, Key: []byte(key)}
}

func bkeys(ks ...string) [][]byte {
	out := make([][]byte, len(ks))
	for i, k := range ks {
		out[i] = []byte(k)
	}
	return out
}

func (f *fixture) prewrite(start uint64, primary string, ms ...*kvrpcpb.Mutation) *kvrpcpb.KvPrewriteResponse {
	f.t.Helper()
	resp, err := f.e.Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: ms, PrimaryLock: []byte(primary), StartVersion: start, LockTtl: 100})
	if err != nil {
		f.t.Fatalf("Prewrite: %v", err)
	}
	return resp
}

func (f *fixture) commit(start, commit uint64, ks ...string) *kvrpcpb.KeyError {
	f.t.Helper()
	resp, err := f.e.Commit(ctx, &kvrpcpb.KvCommitRequest{StartVersion: start, CommitVersion: commit, Keys: bkeys(ks...)})
	if err != nil {
		f.t.Fatalf("Commit: %v", err)
	}
	return resp.GetError()
}

func (f *fixture) rollback(start uint64, ks ...string) *kvrpcpb.KeyError {
	f.t.Helper()
	resp, err := f.e.BatchRollback(ctx, &kvrpcpb.KvBatchRollbackRequest{StartVersion: start, Keys: bkeys(ks...)})
	if err != nil {
		f.t.Fatalf("BatchRollback: %v", err)
	}
	return resp.GetError()
}

func (f *fixture) get(key string, version uint64) *kvrpcpb.KvGetResponse {
	f.t.Helper()
	resp, err := f.e.Get(ctx, &kvrpcpb.KvGetRequest{Key: []byte(key), Version: version})
	if err != nil {
		f.t.Fatalf("Get: %v", err)
	}
	return resp
}

// wantValue checks a Get of key at version finds value (nil: not found).
func (f *fixture) wantValue(key string, version uint64, value []byte) {
	f.t.Helper()
	resp := f.get(key, version)
	if resp.GetError() != nil {
		f.t.Fatalf("Get(%q, %d): key error %v", key, version, resp.GetError())
	}
	if value == nil {
		if !resp.GetNotFound() || resp.GetValue() != nil {
			f.t.Fatalf("Get(%q, %d) = %q, not_found %v; want not found", key, version, resp.GetValue(), resp.GetNotFound())
		}
		return
	}
	if resp.GetNotFound() || string(resp.GetValue()) != string(value) {
		f.t.Fatalf("Get(%q, %d) = %q, not_found %v; want %q", key, version, resp.GetValue(), resp.GetNotFound(), value)
	}
}

func itoa(n uint64) string { return fmt.Sprint(n) }
