package txn

import (
	"errors"
	"strings"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func TestGetValue4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 10, 20, []byte("v"))
	f.wantValue("k", 25, []byte("v"))
}

func TestGetValueTs4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 10, 20, []byte("v"))
	f.wantValue("k", 20, []byte("v")) // commit_ts itself is visible
	f.wantValue("k", 19, nil)
	f.wantValue("k", 10, nil)
}

func TestGetEmpty4B(t *testing.T) {
	f := newFixture(t)
	f.wantValue("k", 100, nil)
	f.committed("e", 10, 20, []byte{})
	f.wantValue("e", 30, []byte{}) // an empty value exists
}

func TestGetNone4B(t *testing.T) {
	f := newFixture(t)
	f.committed("a", 10, 20, []byte("v"))
	f.committed("c", 10, 20, []byte("v"))
	f.wantValue("b", 30, nil)
	f.wantValue("a\x00", 30, nil)
}

func TestGetVersions4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 10, 20, []byte("v1"))
	f.committed("k", 30, 40, []byte("v2"))
	f.committed("k", 50, 60, []byte("v3"))
	for ts, want := range map[uint64]string{20: "v1", 39: "v1", 40: "v2", 59: "v2", 60: "v3", 1000: "v3"} {
		f.wantValue("k", ts, []byte(want))
	}
}

func TestGetDeleted4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 10, 20, []byte("v"))
	f.committed("k", 30, 40, nil)
	f.wantValue("k", 39, []byte("v"))
	f.wantValue("k", 40, nil)
	f.committed("k", 50, 60, []byte("again"))
	f.wantValue("k", 60, []byte("again"))
}

func TestGetLocked4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 10, 20, []byte("old"))
	f.locked("k", "p", 30, 100, "new")
	for _, ts := range []uint64{30, 31} {
		resp := f.get("k", ts)
		l := resp.GetError().GetLocked()
		if l == nil || string(l.Key) != "k" || string(l.PrimaryLock) != "p" || l.LockVersion != 30 || l.LockTtl != 100 {
			t.Fatalf("Get at %d: error %v, want Locked with key, primary and version 30", ts, resp.GetError())
		}
		if resp.GetValue() != nil {
			t.Fatalf("Get at %d returned a value with the lock error", ts)
		}
	}
	f.wantValue("k", 29, []byte("old")) // the newer lock cannot commit below 30
}

func TestGetIgnoresLockOnlyLock4B(t *testing.T) {
	f := newFixture(t)
	f.committed("k", 10, 20, []byte("v"))
	if errs := f.prewrite(30, "k", &kvrpcpb.Mutation{Op: kvrpcpb.Op_Lock, Key: []byte("k")}).GetErrors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	f.wantValue("k", 40, []byte("v"))
}

func TestBatchGet4B(t *testing.T) {
	f := newFixture(t)
	f.committed("a", 10, 20, []byte("va"))
	f.committed("b", 10, 20, []byte("vb"))
	f.committed("d", 10, 20, nil)
	f.locked("c", "c", 25, 100, "vc")
	resp, err := f.e.BatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Keys: bkeys("b", "missing", "c", "d", "a"), Version: 30})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range resp.GetPairs() {
		if p.GetError() != nil {
			got = append(got, string(p.GetKey())+":locked@"+string(p.GetError().GetLocked().GetPrimaryLock()))
			continue
		}
		got = append(got, string(p.GetKey())+"="+string(p.GetValue()))
	}
	if strings.Join(got, " ") != "b=vb c:locked@c a=va" {
		t.Fatalf("pairs = %q, want the existing and locked keys in request order", got)
	}
}

func TestGetRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	for name, req := range map[string]*kvrpcpb.KvGetRequest{
		"key":     {Version: 1},
		"version": {Key: []byte("k")},
	} {
		_, err := f.e.Get(ctx, req)
		if !errors.Is(err, ErrInvalidRequest) || !strings.HasPrefix(err.Error(), "invalid request: "+name) {
			t.Errorf("bad %s: err = %v, want ErrInvalidRequest naming %s", name, err, name)
		}
	}
	_, err := f.e.BatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Keys: make([][]byte, MaxKeys+1), Version: 1})
	if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), "keys:") {
		t.Errorf("too many keys: err = %v", err)
	}
	_, err = f.e.BatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Keys: bkeys("a", ""), Version: 1})
	if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), "keys[1]") {
		t.Errorf("empty key: err = %v", err)
	}
	_, err = f.e.Get(ctx, &kvrpcpb.KvGetRequest{Key: make([]byte, MaxKeySize+1), Version: 1})
	if !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("oversized key: err = %v", err)
	}
}
