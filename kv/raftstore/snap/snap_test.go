package snap

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
)

func testState(start, end string) *raftserverpb.RegionLocalState {
	return &raftserverpb.RegionLocalState{Region: &metapb.Region{Id: 7, StartKey: []byte(start), EndKey: []byte(end),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 2, Version: 3}, Peers: []*metapb.Peer{{Id: 1, StoreId: 1}}}}
}

type pair struct{ cf, key, value string }

func encode(t testing.TB, st *raftserverpb.RegionLocalState, pairs []pair, limit uint64) ([]byte, error) {
	t.Helper()
	enc, err := NewEncoder(st, limit)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		if err := enc.Add(p.cf, []byte(p.key), []byte(p.value)); err != nil {
			return nil, err
		}
	}
	return enc.Finish()
}

var testPairs = []pair{{engine.CFDefault, "a", "1"}, {engine.CFDefault, "b", ""}, {engine.CFLock, "a", "lock"},
	{engine.CFWrite, "zz", string(make([]byte, 300))}}

func TestRoundTrip(t *testing.T) {
	data, err := encode(t, testState("", ""), testPairs, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.State.GetRegion().GetId() != 7 || s.State.GetRegion().GetRegionEpoch().GetVersion() != 3 {
		t.Fatalf("region = %v", s.State.GetRegion())
	}
	var got []pair
	if err := s.ForEach(func(cf string, k, v []byte) error {
		got = append(got, pair{cf, string(k), string(v)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(testPairs) || s.Count() != uint64(len(testPairs)) {
		t.Fatalf("pairs = %v, want %v", got, testPairs)
	}
}

func TestDecodeRejectsTruncatedAndCorrupt(t *testing.T) {
	data, err := encode(t, testState("", ""), testPairs, 0)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(data); n++ {
		if _, err := Decode(data[:n], 0); err == nil {
			t.Fatalf("Decode accepted the payload truncated to %d of %d bytes", n, len(data))
		}
	}
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x41
		if _, err := Decode(bad, 0); err == nil {
			t.Fatalf("Decode accepted the payload with byte %d flipped", i)
		}
	}
	if _, err := Decode(append(append([]byte(nil), data...), 0), 0); err == nil {
		t.Fatal("Decode accepted a trailing byte")
	}
}

func TestSizeLimits(t *testing.T) {
	data, err := encode(t, testState("", ""), testPairs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(data, uint64(len(data))); err != nil {
		t.Fatalf("payload at the limit rejected: %v", err)
	}
	if _, err := Decode(data, uint64(len(data)-1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized payload: err = %v, want ErrTooLarge", err)
	}
	if _, err := encode(t, testState("", ""), testPairs, 64); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("encoding past the limit: err = %v, want ErrTooLarge", err)
	}
}

func TestDecodeRejectsKeyOutsideRegion(t *testing.T) {
	data, err := encode(t, testState("b", "c"), []pair{{engine.CFDefault, "a", "1"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(data, 0); err == nil {
		t.Fatal("Decode accepted a key outside the region")
	}
	if _, err := encode(t, testState("", ""), []pair{{"nope", "a", "1"}}, 0); err == nil {
		t.Fatal("Encoder accepted an unknown column family")
	}
}

func TestBuildAndInstall(t *testing.T) {
	src, err := engine.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	wb := src.NewBatch()
	for _, k := range []string{"a", "m", "n", "z"} {
		wb.Put(engine.CFDefault, []byte(k), []byte("v"+k))
		wb.Put(engine.CFWrite, []byte(k), []byte("w"+k))
	}
	if err := src.Write(wb, false); err != nil {
		t.Fatal(err)
	}
	es := src.Snapshot()
	data, err := Build(es, testState("m", "z"), 0)
	es.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Count() != 4 {
		t.Fatalf("snapshot of [m, z) holds %d pairs, want 4", s.Count())
	}
	dst, err := engine.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	wb = dst.NewBatch()
	wb.Put(engine.CFDefault, []byte("mm"), []byte("stale")) // inside the region: must go
	wb.Put(engine.CFDefault, []byte("a"), []byte("keep"))   // outside: must stay
	if err := dst.Write(wb, false); err != nil {
		t.Fatal(err)
	}
	wb = dst.NewBatch()
	if err := s.Install(wb); err != nil {
		t.Fatal(err)
	}
	if err := dst.Write(wb, false); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"a": "keep", "m": "vm", "n": "vn", "mm": "", "z": ""} {
		v, err := dst.Get(engine.CFDefault, []byte(k))
		if (want == "") != errors.Is(err, engine.ErrNotFound) || string(v) != want {
			t.Fatalf("after install %s = %q, %v; want %q", k, v, err, want)
		}
	}
	if v, _ := dst.Get(engine.CFWrite, []byte("n")); string(v) != "wn" {
		t.Fatalf("write cf n = %q", v)
	}
}

func FuzzDecode(f *testing.F) {
	good, err := encode(f, testState("", ""), testPairs, 0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(magic + "\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(data, 1<<20)
		if err != nil {
			return
		}
		var n uint64
		if err := s.ForEach(func(string, []byte, []byte) error { n++; return nil }); err != nil || n != s.Count() {
			t.Fatalf("a decoded snapshot failed to walk: %v (%d of %d)", err, n, s.Count())
		}
	})
}
