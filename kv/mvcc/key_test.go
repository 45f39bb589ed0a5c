package mvcc

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestEncodeKey(t *testing.T) {
	// Sorted by user key, then newest first; the keys exercise escapes and prefixes.
	type kv struct {
		key string
		ts  uint64
	}
	want := []kv{
		{"", 9}, {"", 1},
		{"\x00", 5},
		{"\x00\x00", 5},
		{"\x00\x01", 5},
		{"\x00\xff", 5},
		{"a", ^uint64(0)}, {"a", 7}, {"a", 3}, {"a", 0},
		{"a\x00", 100},
		{"a\x00b", 1},
		{"a\x01", 100},
		{"ab", 2},
		{"abcdefghijk", 1},
		{"b", 100},
		{"\xff\xff", 1},
	}
	enc := make([][]byte, len(want))
	for i, w := range want {
		enc[i] = EncodeKey([]byte(w.key), w.ts)
	}
	sorted := slices.Clone(enc)
	slices.SortFunc(sorted, bytes.Compare)
	for i := range enc {
		if !bytes.Equal(enc[i], sorted[i]) {
			k, ts, _ := DecodeKey(sorted[i])
			t.Fatalf("position %d: want (%q, %d) but (%q, %d) sorts there", i, want[i].key, want[i].ts, k, ts)
		}
	}
}

func TestEncodeKeyKeepsRegionSide(t *testing.T) {
	// A region boundary without 0x00 bytes sees an encoded key on its user key's side.
	keys := []string{"a", "ab", "account-017", "account-050", "account-050\x00", "b", "zz\x00x"}
	bounds := []string{"a", "ab", "account-05", "account-050", "account-0501", "b", "zz"}
	for _, k := range keys {
		for _, b := range bounds {
			for _, ts := range []uint64{0, 1, 1 << 40, ^uint64(0)} {
				raw := bytes.Compare([]byte(k), []byte(b)) < 0
				enc := bytes.Compare(EncodeKey([]byte(k), ts), []byte(b)) < 0
				if raw != enc {
					t.Errorf("key %q ts %d vs boundary %q: user key below = %v, encoded below = %v", k, ts, b, raw, enc)
				}
			}
		}
	}
}

func TestDecodeKey(t *testing.T) {
	for _, c := range []struct {
		key string
		ts  uint64
	}{{"", 0}, {"k", 1}, {"\x00", 42}, {"a\x00\x00b\xff", ^uint64(0)}, {"\x00\x01", 7}} {
		k, ts, err := DecodeKey(EncodeKey([]byte(c.key), c.ts))
		if err != nil || string(k) != c.key || ts != c.ts {
			t.Errorf("DecodeKey(EncodeKey(%q, %d)) = %q, %d, %v", c.key, c.ts, k, ts, err)
		}
	}
	bad := map[string][]byte{
		"empty":             nil,
		"no end marker":     []byte("abc"),
		"dangling escape":   []byte("a\x00"),
		"bad escape":        []byte("a\x00\x05" + "12345678"),
		"short timestamp":   append(EncodeUserKey([]byte("a")), 1, 2, 3),
		"long timestamp":    append(EncodeKey([]byte("a"), 1), 0),
		"missing ts":        EncodeUserKey([]byte("a")),
		"user key only \\0": {0},
	}
	for name, b := range bad {
		if _, _, err := DecodeKey(b); !errors.Is(err, ErrMalformedKey) {
			t.Errorf("%s: DecodeKey(%q) err = %v, want ErrMalformedKey", name, b, err)
		}
	}
}

func TestUserKey(t *testing.T) {
	if k, err := UserKey("lock", []byte("x\x00")); err != nil || string(k) != "x\x00" {
		t.Fatalf("UserKey(lock) = %q, %v; lock keys are user keys", k, err)
	}
	if k, err := UserKey("write", EncodeKey([]byte("x\x00"), 3)); err != nil || string(k) != "x\x00" {
		t.Fatalf("UserKey(write) = %q, %v", k, err)
	}
	if _, err := UserKey("default", []byte("raw")); err == nil {
		t.Fatal("UserKey(default, raw key) succeeded; want a malformed-key error")
	}
}

// FuzzDecodeKey: decoding never panics, and whatever decodes re-encodes to the input.
func FuzzDecodeKey(f *testing.F) {
	f.Add(EncodeKey([]byte("key"), 5))
	f.Add(EncodeKey([]byte("\x00\x00"), ^uint64(0)))
	f.Add([]byte("\x00"))
	f.Add([]byte("a\x00\x02"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		k, ts, err := DecodeKey(b)
		if err != nil {
			return
		}
		if re := EncodeKey(k, ts); !bytes.Equal(re, b) {
			t.Fatalf("DecodeKey(%q) = %q, %d, which encodes to %q", b, k, ts, re)
		}
	})
}
