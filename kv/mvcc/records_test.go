package mvcc

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func TestLockRoundTrip(t *testing.T) {
	for _, kind := range []WriteKind{WritePut, WriteDelete, WriteLock} {
		l := &Lock{Primary: []byte("p\x00"), Ts: 77, Ttl: 3000, Kind: kind}
		got, err := ParseLock(l.ToBytes())
		if err != nil || !bytes.Equal(got.Primary, l.Primary) || got.Ts != 77 || got.Ttl != 3000 || got.Kind != kind {
			t.Fatalf("ParseLock(ToBytes(%+v)) = %+v, %v", l, got, err)
		}
	}
	info := (&Lock{Primary: []byte("p"), Ts: 5, Ttl: 9, Kind: WriteDelete}).Info([]byte("k"))
	if string(info.PrimaryLock) != "p" || info.LockVersion != 5 || string(info.Key) != "k" || info.LockTtl != 9 || info.LockType != kvrpcpb.Op_Del {
		t.Fatalf("Info = %+v", info)
	}
}

func TestParseLockRejectsMalformed(t *testing.T) {
	good := (&Lock{Primary: []byte("p"), Ts: 1, Ttl: 1, Kind: WritePut}).ToBytes()
	bad := map[string][]byte{
		"empty":         nil,
		"no primary":    good[:lockHeader],
		"rollback kind": append([]byte{byte(WriteRollback)}, good[1:]...),
		"unknown kind":  append([]byte{9}, good[1:]...),
		"zero ts":       append(append([]byte{byte(WritePut)}, make([]byte, 16)...), 'p'),
	}
	for name, b := range bad {
		if _, err := ParseLock(b); !errors.Is(err, ErrMalformedLock) {
			t.Errorf("%s: ParseLock err = %v, want ErrMalformedLock", name, err)
		}
	}
}

func TestWriteRoundTripAndMalformed(t *testing.T) {
	for _, kind := range []WriteKind{WritePut, WriteDelete, WriteRollback, WriteLock} {
		w := &Write{StartTS: 12, Kind: kind}
		got, err := ParseWrite(w.ToBytes())
		if err != nil || *got != *w {
			t.Fatalf("ParseWrite(ToBytes(%+v)) = %+v, %v", w, got, err)
		}
	}
	good := (&Write{StartTS: 1, Kind: WritePut}).ToBytes()
	for name, b := range map[string][]byte{
		"empty": nil, "short": good[:5], "long": append(good, 0),
		"kind 0": append([]byte{0}, good[1:]...), "zero ts": {byte(WritePut), 0, 0, 0, 0, 0, 0, 0, 0},
	} {
		if _, err := ParseWrite(b); !errors.Is(err, ErrMalformedWrite) {
			t.Errorf("%s: ParseWrite err = %v, want ErrMalformedWrite", name, err)
		}
	}
}

func TestKindOfOp(t *testing.T) {
	for op, want := range map[kvrpcpb.Op]WriteKind{kvrpcpb.Op_Put: WritePut, kvrpcpb.Op_Del: WriteDelete, kvrpcpb.Op_Lock: WriteLock} {
		if k, err := KindOfOp(op); err != nil || k != want || k.Op() != op {
			t.Errorf("KindOfOp(%v) = %v, %v", op, k, err)
		}
	}
	if _, err := KindOfOp(kvrpcpb.Op_Rollback); err == nil {
		t.Error("KindOfOp(Rollback) succeeded; a rollback is not a mutation")
	}
}

// FuzzParseRecords: parsing never panics, and what parses encodes back to the input.
func FuzzParseRecords(f *testing.F) {
	f.Add((&Lock{Primary: []byte("p"), Ts: 3, Ttl: 9, Kind: WritePut}).ToBytes())
	f.Add((&Write{StartTS: 3, Kind: WriteRollback}).ToBytes())
	f.Add([]byte{4, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if l, err := ParseLock(b); err == nil && !bytes.Equal(l.ToBytes(), b) {
			t.Fatalf("ParseLock(%x) = %+v, which encodes to %x", b, l, l.ToBytes())
		}
		if w, err := ParseWrite(b); err == nil && !bytes.Equal(w.ToBytes(), b) {
			t.Fatalf("ParseWrite(%x) = %+v, which encodes to %x", b, w, w.ToBytes())
		}
	})
}
